package dev.tfjava.course.serve.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where a repository learns which models to serve; asked again on every scan, so the answer may
 * change while serving (a folder added under the models root, a model config file edited).
 */
@FunctionalInterface
public interface ModelConfigSource {

  /**
   * The models to serve now.
   *
   * @throws RuntimeException when the source cannot be read; the repository keeps the last
   *     models it had and logs the message
   */
  List<ModelConfig> models();

  /**
   * Every non-hidden folder under {@code root} is a model of that name, serving its latest
   * version ({@code lessons serve --models}).
   */
  static ModelConfigSource folders(Path root) {
    return () -> {
      if (!Files.isDirectory(root)) {
        return List.of();
      }
      try (Stream<Path> entries = Files.list(root)) {
        return entries.filter(Files::isDirectory)
            .filter(p -> !p.getFileName().toString().startsWith("."))
            .sorted()
            .map(p -> ModelConfig.latest(p.getFileName().toString(), p))
            .toList();
      } catch (IOException e) {
        throw new UncheckedIOException("Could not list " + root, e);
      }
    };
  }
}
