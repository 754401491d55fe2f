package dev.tfjava.course.cli;

import dev.tfjava.course.CommandLines;
import dev.tfjava.course.CourseException;
import dev.tfjava.course.serve.core.ErrorCode;
import dev.tfjava.course.serve.core.LoadedModel;
import dev.tfjava.course.serve.core.ModelSource;
import dev.tfjava.course.serve.core.ModelSpec;
import dev.tfjava.course.serve.core.Predictor;
import dev.tfjava.course.serve.core.ServingException;
import dev.tfjava.course.serve.core.VersionFolders;
import dev.tfjava.course.serve.json.JsonPredictor;
import dev.tfjava.course.train.ThreadSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lessons predict}: one {@code :predict} request answered without a server, printing the
 * exact JSON {@code lessons serve} would send back.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
    description = {"Answer one TensorFlow Serving predict request from a file, without a server.",
        "Prints the same JSON `lessons serve` returns for POST /v1/models/<model>:predict."})
public final class PredictCommand implements Callable<Integer> {

  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "The model's folder, e.g. saved-models/mnist_cnn.")
  Path model;

  // Not --version: that is picocli's standard -V/--version of every command.
  @Option(names = "--model-version", paramLabel = "N",
      description = "Version to use (default: the highest, as the server serves).")
  Long version;

  @Option(names = "--input", required = true, paramLabel = "FILE",
      description = "Request body: {\"instances\": [...]} or {\"inputs\": ...}, "
          + "optionally with \"signature_name\".")
  Path input;

  public static void main(String[] args) {
    CommandLines.runAndExit(new PredictCommand(), args);
  }

  @Override
  public Integer call() {
    byte[] body = readInput();
    long chosen = version != null ? version : VersionFolders.latest(model, System.err::println)
        .orElseThrow(() -> CourseException.badInput("--model " + model + ": no numeric version"
            + " folders (expected " + model + "/<version>/saved_model.pb)"))
        .number();
    Path versionDir = model.resolve(Long.toString(chosen));
    if (!Files.isRegularFile(versionDir.resolve("saved_model.pb"))) {
      throw CourseException.badInput("no SavedModel at " + versionDir);
    }
    String name = model.toAbsolutePath().normalize().getFileName().toString();
    LoadedModel loaded = load(name, chosen, versionDir);
    try {
      byte[] response = new JsonPredictor(new Predictor(ModelSource.of(loaded)))
          .predict(ModelSpec.of(name, OptionalLong.of(chosen)), body);
      System.out.println(new String(response, StandardCharsets.UTF_8));
      return 0;
    } catch (ServingException e) {
      throw new CourseException(e.code() == ErrorCode.INTERNAL ? 1 : CourseException.BAD_INPUT,
          "--input " + input + ": " + e.getMessage() + " (" + e.code() + ")");
    } finally {
      loaded.release();
    }
  }

  private byte[] readInput() {
    try {
      return Files.readAllBytes(input);
    } catch (IOException e) {
      throw CourseException.badInput("--input " + input + ": cannot read it (" + e + ")");
    }
  }

  private static LoadedModel load(String name, long version, Path versionDir) {
    try {
      // The server's default session threads (1/1): the same kernels split the same way, so both
      // print the same digits (another thread count may round differently in the last place).
      return LoadedModel.load(name, version, versionDir, new ThreadSettings(1, 1));
    } catch (RuntimeException e) {
      throw CourseException.badInput("could not load " + versionDir + ": " + e.getMessage(), e);
    }
  }
}
