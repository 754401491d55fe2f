package dev.tfjava.course.export;

import dev.tfjava.course.CourseException;
import dev.tfjava.course.io.AtomicFiles;
import dev.tfjava.course.io.ProcessTemps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.exceptions.TensorFlowException;

/**
 * SavedModels in TensorFlow Serving's layout, {@code <root>/<model>/<version>/}: tag
 * {@code serve}, signature {@code serving_default} with method name
 * {@code tensorflow/serving/predict} (TF Java leaves it empty by default and TF Serving rejects
 * that).
 *
 * <p>Export is atomic and never overwrites: the model is written to a hidden temporary folder next
 * to the versions (TF Serving ignores non-numeric names) and renamed to the next free version
 * number, so a crash leaves no half model and a rerun adds version n+1 beside version n. Two
 * exports at once take different numbers; what killed exports leave is cleaned by the next one.
 * The {@code saved_model.pb} gets what Python's exporter adds (see {@link SavedModelMetadata}).
 */
public final class SavedModels {
  /** The tag every exported model carries. */
  public static final String SERVE_TAG = "serve";
  /** The method name TensorFlow Serving's predict API requires. */
  public static final String PREDICT_METHOD = "tensorflow/serving/predict";
  /** Version numbers stay below this (10^18): higher ones are skipped as absurd. */
  public static final long MAX_VERSION = 1_000_000_000_000_000_000L;

  private static final String EXPORT_TEMP = ".export-";

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
    return export(session, signature, root, model, staging -> { });
  }

  /**
   * As {@link #export(Session, Signature, Path, String)}, with {@code extras} writing more files
   * into the version folder before it is published (TF Serving's
   * {@code assets.extra/tf_serving_warmup_requests}), so a server never sees it without them.
   */
  public static Path export(Session session, Signature signature, Path root, String model,
      Consumer<Path> extras) {
    Path modelDir = root.resolve(model);
    Path temp = null;
    try {
      Files.createDirectories(modelDir);
      ProcessTemps.cleanStale(modelDir, EXPORT_TEMP);
      temp = ProcessTemps.createDirectory(modelDir, EXPORT_TEMP);
      // The exporter creates the folder itself and refuses an existing one.
      Path staging = temp.resolve("model");
      SavedModelBundle.exporter(staging.toString())
          .withTags(SERVE_TAG)
          .withSession(session)
          .withSignature(signature)
          .export();
      SavedModelMetadata.addPythonMetadata(staging.resolve("saved_model.pb"));
      extras.accept(staging);
      AtomicFiles.fsyncTree(staging);
      long next = latestVersion(modelDir, System.err::println).orElse(0) + 1;
      while (true) {
        if (next >= MAX_VERSION) {
          throw noVersionLeft(modelDir);
        }
        Path version = modelDir.resolve(Long.toString(next));
        try {
          // A plain rename of a folder: atomic on one file system. It fails if the name is taken
          // (by a version another export published meanwhile, or by a file): take the next one.
          Files.move(staging, version);
          AtomicFiles.fsyncDirectory(modelDir);
          return version;
        } catch (FileSystemException raced) {
          // "File exists" or, when another export renamed its folder there in between the check
          // and the rename, "Directory not empty": the number is taken.
          if (!Files.exists(version, LinkOption.NOFOLLOW_LINKS)) {
            throw raced;
          }
          next++;
        }
      }
    } catch (IOException | TensorFlowException | TFInvalidArgumentException e) {
      // TensorFlow's writer reports a bad path as an invalid argument, a full disk otherwise.
      throw StagingFailures.of("export the SavedModel", modelDir, "--models", temp, e);
    } finally {
      AtomicFiles.deleteQuietly(temp);
    }
  }

  /**
   * Checks, before a run trains, that {@code model} under {@code root} has a version number left
   * for its export (a stray folder named 999999999999999999 takes the last one).
   *
   * @throws CourseException (bad input) naming the folder and what to do
   */
  public static void requireVersionLeft(Path root, String model) {
    Path modelDir = root.resolve(model);
    if (latestVersion(modelDir).orElse(0) + 1 >= MAX_VERSION) {
      throw noVersionLeft(modelDir);
    }
  }

  private static CourseException noVersionLeft(Path modelDir) {
    return CourseException.badInput(modelDir + " has no version number left below "
        + MAX_VERSION + ": move its highest version folders away");
  }

  /** The highest numeric version folder under {@code modelDir}, TensorFlow Serving's choice. */
  public static OptionalLong latestVersion(Path modelDir) {
    return latestVersion(modelDir, message -> { });
  }

  /**
   * The highest version folder, skipping (and reporting to {@code warnings}) entries named like a
   * version that are no usable folder: files, dangling links, numbers of {@value #MAX_VERSION} or
   * more.
   */
  public static OptionalLong latestVersion(Path modelDir, Consumer<String> warnings) {
    if (!Files.isDirectory(modelDir)) {
      return OptionalLong.empty();
    }
    long latest = -1;
    try (Stream<Path> entries = Files.list(modelDir)) {
      for (Path entry : (Iterable<Path>) entries::iterator) {
        String name = entry.getFileName().toString();
        if (!name.matches("\\d+")) {
          continue;
        }
        if (name.length() > 18 || Long.parseLong(name) >= MAX_VERSION) {
          warnings.accept("Warning: skipping " + entry + ": not a usable version number");
        } else if (!Files.isDirectory(entry)) {
          warnings.accept("Warning: skipping " + entry + ": not a folder");
        } else {
          latest = Math.max(latest, Long.parseLong(name));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Could not list " + modelDir, e);
    }
    return latest < 0 ? OptionalLong.empty() : OptionalLong.of(latest);
  }

  /** Loads a version folder with the {@code serve} tag; the caller closes the bundle. */
  public static SavedModelBundle load(Path versionDir) {
    return SavedModelBundle.load(versionDir.toString(), SERVE_TAG);
  }
}
