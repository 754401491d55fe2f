package dev.tfjava.course.export;

import dev.tfjava.course.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;

/**
 * SavedModels in TensorFlow Serving's layout, {@code <root>/<model>/<version>/}: tag
 * {@code serve}, signature {@code serving_default} with method name
 * {@code tensorflow/serving/predict} (TF Java leaves it empty by default and TF Serving rejects
 * that).
 *
 * <p>Export is atomic and never overwrites: the model is written to a hidden temporary folder next
 * to the versions (TF Serving ignores non-numeric names) and renamed to the next free version
 * number, so a crash leaves no half model and a rerun adds version n+1 beside version n.
 */
public final class SavedModels {
  /** The tag every exported model carries. */
  public static final String SERVE_TAG = "serve";
  /** The method name TensorFlow Serving's predict API requires. */
  public static final String PREDICT_METHOD = "tensorflow/serving/predict";

  private SavedModels() {}

  /** A {@code serving_default} predict signature with the given named inputs and outputs. */
  public static Signature predictSignature(Map<String, ? extends Operand<?>> inputs,
      Map<String, ? extends Operand<?>> outputs) {
    Signature.Builder builder = Signature.builder()
        .key(Signature.DEFAULT_KEY)
        .methodName(PREDICT_METHOD);
    inputs.forEach(builder::input);
    outputs.forEach(builder::output);
    return builder.build();
  }

  /**
   * Exports the session's graph and variables as the next version of {@code model} under
   * {@code root}.
   *
   * @return the new version's folder, e.g. {@code saved-models/mnist_cnn/2}
   */
  public static Path export(Session session, Signature signature, Path root, String model) {
    Path modelDir = root.resolve(model);
    Path temp = null;
    try {
      Files.createDirectories(modelDir);
      temp = Files.createTempDirectory(modelDir, ".export-");
      // The exporter creates the folder itself and refuses an existing one.
      Path staging = temp.resolve("model");
      SavedModelBundle.exporter(staging.toString())
          .withTags(SERVE_TAG)
          .withSession(session)
          .withSignature(signature)
          .export();
      while (true) {
        Path version = modelDir.resolve(Long.toString(latestVersion(modelDir).orElse(0) + 1));
        try {
          // A plain rename of a folder: atomic on one file system, and it fails rather than
          // replacing a version another process exported in the meantime.
          Files.move(staging, version);
          return version;
        } catch (FileAlreadyExistsException raced) {
          // Another export took this number first: try the next one.
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Could not export the SavedModel to " + modelDir + ": "
          + e.getMessage(), e);
    } finally {
      AtomicFiles.deleteQuietly(temp);
    }
  }

  /** The highest numeric version folder under {@code modelDir}, TensorFlow Serving's choice. */
  public static OptionalLong latestVersion(Path modelDir) {
    if (!Files.isDirectory(modelDir)) {
      return OptionalLong.empty();
    }
    try (Stream<Path> entries = Files.list(modelDir)) {
      return entries
          .filter(Files::isDirectory)
          .map(p -> p.getFileName().toString())
          .filter(name -> name.matches("\\d{1,18}"))
          .mapToLong(Long::parseLong)
          .max();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not list " + modelDir, e);
    }
  }

  /** Loads a version folder with the {@code serve} tag; the caller closes the bundle. */
  public static SavedModelBundle load(Path versionDir) {
    return SavedModelBundle.load(versionDir.toString(), SERVE_TAG);
  }
}
