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
import dev.tfjava.course.serve.grpc.GrpcJsonPredictor;
import dev.tfjava.course.serve.grpc.PredictionClient;
import dev.tfjava.course.serve.json.JsonPredictor;
import dev.tfjava.course.serve.tls.ClientTlsFiles;
import dev.tfjava.course.train.ThreadSettings;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lessons predict}: one {@code :predict} request answered without a server, or sent over
 * gRPC to a running one ({@code --target}: {@code lessons serve} or TensorFlow Serving), printing
 * the exact JSON {@code lessons serve}'s REST API would send back.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
    description = {"Answer one TensorFlow Serving predict request from a file, without a server,",
        "or with --target over gRPC from a running server (lessons serve, TensorFlow Serving).",
        "Prints the same JSON `lessons serve` returns for POST /v1/models/<model>:predict."})
public final class PredictCommand implements Callable<Integer> {

  @Option(names = "--model", required = true, paramLabel = "DIR|NAME",
      description = "The model's folder, e.g. saved-models/mnist_cnn; with --target its name.")
  String model;

  // Not --version: that is picocli's standard -V/--version of every command.
  @Option(names = "--model-version", paramLabel = "N",
      description = "Version to use (default: the highest, as the server serves).")
  Long version;

  @Option(names = "--label", paramLabel = "LABEL",
      description = "With --target: the version labelled LABEL in the server's model config.")
  String label;

  @Option(names = "--target", paramLabel = "HOST:PORT",
      description = "A TensorFlow Serving gRPC endpoint, e.g. localhost:8500.")
  String target;

  @Option(names = "--ca", paramLabel = "PEM",
      description = "With --target: connect over TLS, trusting this CA (the one that signed the "
          + "server's certificate; default: plaintext).")
  Path ca;

  @Option(names = "--cert", paramLabel = "PEM",
      description = "With --ca: the client certificate, for a server with client_verify.")
  Path cert;

  @Option(names = "--key", paramLabel = "PEM",
      description = "With --cert: its private key (PKCS#8, BEGIN PRIVATE KEY).")
  Path key;

  @Option(names = "--input", required = true, paramLabel = "FILE",
      description = "Request body: {\"instances\": [...]} or {\"inputs\": ...}, "
          + "optionally with \"signature_name\".")
  Path input;

  /** Codes that mean the request itself is wrong (exit 2); anything else is the environment. */
  private static final Set<Status.Code> CLIENT_ERRORS = Set.of(Status.Code.INVALID_ARGUMENT,
      Status.Code.NOT_FOUND, Status.Code.FAILED_PRECONDITION, Status.Code.OUT_OF_RANGE,
      Status.Code.UNIMPLEMENTED);

  public static void main(String[] args) {
    CommandLines.runAndExit(new PredictCommand(), args);
  }

  @Override
  public Integer call() {
    if (label != null && (target == null || version != null)) {
      throw CourseException.badInput("--label needs --target and no --model-version");
    }
    if (target == null && (ca != null || cert != null || key != null)) {
      throw CourseException.badInput("--ca, --cert and --key need --target (TLS to a server)");
    }
    byte[] body = readInput();
    byte[] response;
    try {
      response = target != null ? remote(body) : local(body);
    } catch (ServingException e) {
      throw new CourseException(e.code() == ErrorCode.INTERNAL ? 1 : CourseException.BAD_INPUT,
          "--input " + input + ": " + e.getMessage() + " (" + e.code() + ")");
    }
    System.out.println(new String(response, StandardCharsets.UTF_8));
    return 0;
  }

  private byte[] remote(byte[] body) {
    ModelSpec spec = new ModelSpec(model, version == null ? OptionalLong.empty()
        : OptionalLong.of(version), Optional.ofNullable(label));
    try (PredictionClient client = ca == null && cert == null && key == null
        ? PredictionClient.connect(target)
        : PredictionClient.connect(target, ClientTlsFiles.read(ca, cert, key))) {
      return new GrpcJsonPredictor(client).predict(spec, body);
    } catch (StatusRuntimeException e) {
      Status status = e.getStatus();
      throw new CourseException(CLIENT_ERRORS.contains(status.getCode())
          ? CourseException.BAD_INPUT : 1, "--target " + target + ": " + status.getCode() + ": "
          + status.getDescription());
    }
  }

  private byte[] local(byte[] body) {
    Path folder = Path.of(model);
    long chosen = version != null ? version : VersionFolders.latest(folder, System.err::println)
        .orElseThrow(() -> CourseException.badInput("--model " + folder + ": no numeric version"
            + " folders (expected " + folder + "/<version>/saved_model.pb)"))
        .number();
    Path versionDir = folder.resolve(Long.toString(chosen));
    if (!Files.isRegularFile(versionDir.resolve("saved_model.pb"))) {
      throw CourseException.badInput("no SavedModel at " + versionDir);
    }
    String name = folder.toAbsolutePath().normalize().getFileName().toString();
    LoadedModel loaded = load(name, chosen, versionDir);
    try {
      return new JsonPredictor(new Predictor(ModelSource.of(loaded)))
          .predict(ModelSpec.of(name, OptionalLong.of(chosen)), body);
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
