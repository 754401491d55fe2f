package dev.tfjava.course.serve.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Finds the version a model folder serves: its highest numeric sub-folder (TF Serving's "latest"
 * policy). Entries that look like versions but cannot be one — a file, a dangling symlink, a
 * number past {@link #MAX_VERSION} — are skipped with a warning, never loaded or crashed on;
 * other names (hidden temporary folders, notes) are ignored.
 */
public final class VersionFolders {
  /** The largest integer a JSON client (a JavaScript double) reads exactly, 2^53 - 1. */
  public static final long MAX_VERSION = (1L << 53) - 1;

  private static final Pattern DIGITS = Pattern.compile("\\d+");

  /** One version folder. */
  public record Version(long number, Path folder) {}

  private VersionFolders() {}

  /**
   * The highest version under {@code modelDir}, if any; each skipped entry is reported to
   * {@code warn} as one line.
   */
  public static Optional<Version> latest(Path modelDir, Consumer<String> warn) {
    if (!Files.isDirectory(modelDir)) {
      return Optional.empty();
    }
    Version best = null;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(modelDir)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (!DIGITS.matcher(name).matches()) {
          continue;
        }
        long number = name.length() > 16 ? Long.MAX_VALUE : Long.parseLong(name);
        if (number > MAX_VERSION) {
          warn.accept("skipping " + entry + ": version numbers go up to " + MAX_VERSION);
        } else if (!Files.isDirectory(entry)) {
          warn.accept("skipping " + entry + ": " + (Files.isSymbolicLink(entry)
              ? "a symbolic link to nothing" : "not a folder"));
        } else if (best == null || number > best.number()) {
          best = new Version(number, entry);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Could not list " + modelDir + ": " + e.getMessage(), e);
    }
    return Optional.ofNullable(best);
  }
}
