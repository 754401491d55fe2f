package dev.tfjava.course.cli;

import dev.tfjava.course.CommandLines;
import dev.tfjava.course.CourseException;
import dev.tfjava.course.io.AtomicFiles;
import dev.tfjava.course.serve.ServingFeatures;
import dev.tfjava.course.serve.ServingOperations;
import dev.tfjava.course.serve.ServingServer;
import dev.tfjava.course.serve.config.BatchingParameters;
import dev.tfjava.course.serve.config.ModelConfigFile;
import dev.tfjava.course.serve.config.MonitoringConfig;
import dev.tfjava.course.serve.core.ModelConfig;
import dev.tfjava.course.serve.core.ModelConfigSource;
import dev.tfjava.course.serve.core.ModelRepository;
import dev.tfjava.course.serve.core.VersionFolders;
import dev.tfjava.course.serve.grpc.GrpcChannelArguments;
import dev.tfjava.course.serve.tls.SslConfigFile;
import dev.tfjava.course.train.ThreadSettings;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lessons serve}: TensorFlow Serving's REST API over the exported SavedModels, until
 * Ctrl-C or SIGTERM (which drain running requests and close the models).
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Serve saved-models/<model>/<version>/ with TensorFlow Serving's REST API:",
        "GET /v1/models/<model>[/versions/<n>][/metadata], "
            + "POST /v1/models/<model>[/versions/<n>]:predict,",
        "and its gRPC API (PredictionService: Predict, GetModelMetadata; ModelService: "
            + "GetModelStatus).",
        "The highest version of each model is served (or what --model-config-file says, TF "
            + "Serving's model config);",
        "new versions are picked up while running."})
public final class ServeCommand implements Callable<Integer> {

  @Option(names = "--models", defaultValue = "saved-models", paramLabel = "DIR",
      description = "Folder of <model>/<version>/ SavedModels (default: ${DEFAULT-VALUE}).")
  Path models;

  @Option(names = "--model-config-file", paramLabel = "FILE",
      description = "TF Serving's model config (text ModelServerConfig: model_config_list { config "
          + "{ name base_path model_platform model_version_policy version_labels } }) instead of "
          + "--models.")
  Path modelConfigFile;

  @Option(names = "--model-config-file-poll-wait-seconds", defaultValue = "0", paramLabel = "S",
      description = "Re-read --model-config-file every S seconds (default: ${DEFAULT-VALUE}: "
          + "read it once, as TF Serving).")
  double configPollSeconds;

  @Option(names = "--model-name", paramLabel = "NAME",
      description = "With --model-base-path: serve that one model under this name (TF Serving's "
          + "--model_name; default: default).")
  String modelName;

  @Option(names = "--model-base-path", paramLabel = "DIR",
      description = "Serve the one model whose <version>/ folders are in DIR (TF Serving's "
          + "--model_base_path) instead of --models.")
  Path modelBasePath;

  @Option(names = "--grpc-socket-path", paramLabel = "FILE",
      description = "Also serve the gRPC API on this UNIX domain socket (TF Serving's "
          + "--grpc_socket_path; Linux).")
  Path grpcSocketPath;

  @Option(names = "--grpc-channel-arguments", paramLabel = "K=V,...",
      description = "gRPC server arguments as TF Serving's --grpc_channel_arguments: "
          + GrpcChannelArguments.SUPPORTED + ".")
  String grpcChannelArguments;

  @Option(names = "--rest-api-timeout-ms", paramLabel = "MS",
      description = "TF Serving's --rest_api_timeout_in_ms, taken so that its command line "
          + "runs unchanged; not enforced yet: REST calls are bounded by --queue and the body "
          + "timeouts.")
  Long restApiTimeoutMs;

  @Option(names = "--write-model-config", paramLabel = "FILE",
      description = "Write TF Serving's model config for the models under --models (absolute "
          + "base paths) to FILE and exit, for moving to TF Serving.")
  Path writeModelConfig;

  @Spec
  CommandSpec spec;

  @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
      description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
  String host;

  @Option(names = "--port", defaultValue = "8501", paramLabel = "N",
      description = "REST port (default: ${DEFAULT-VALUE}, TensorFlow Serving's REST port).")
  int port;

  @Option(names = "--grpc-port", defaultValue = "8500", paramLabel = "N",
      description = "gRPC port: tensorflow.serving.PredictionService and ModelService "
          + "(default: ${DEFAULT-VALUE}, TensorFlow Serving's gRPC port).")
  int grpcPort;

  @Option(names = "--threads", paramLabel = "N",
      description = "Worker threads running requests (default: 4 per core).")
  Integer threads;

  @Option(names = "--queue", defaultValue = "256", paramLabel = "N",
      description = "Requests that may wait for a worker; beyond that the answer is 503 "
          + "(default: ${DEFAULT-VALUE}).")
  int queue;

  @Option(names = "--max-body-mb", defaultValue = "16", paramLabel = "MB",
      description = "Largest request body accepted; larger is 413 (default: ${DEFAULT-VALUE}).")
  long maxBodyMb;

  @Option(names = "--max-inflight-mb", paramLabel = "MB",
      description = "Request bodies and gRPC messages held at once (arriving, queued or "
          + "running); a request whose Content-Length would pass it is 503 without its body "
          + "being read, a gRPC call UNAVAILABLE, a larger gRPC message RESOURCE_EXHAUSTED "
          + "(default: a quarter of the Java heap, at least 128 and below 2048).")
  Long maxInFlightMb;

  @Option(names = "--intra-op-threads", defaultValue = "1", paramLabel = "N",
      description = "TensorFlow threads inside one op (default: ${DEFAULT-VALUE}: requests run side "
          + "by side instead; 0 = one per core).")
  int intraOpThreads;

  @Option(names = "--inter-op-threads", defaultValue = "1", paramLabel = "N",
      description = "TensorFlow threads running independent ops of one request (default: "
          + "${DEFAULT-VALUE}; 0 = one per core; -1 = on the request's own thread, which keeps "
          + "the first request after a pause fast, see docs/serving.md).")
  int interOpThreads;

  @Option(names = "--poll-seconds", defaultValue = "2", paramLabel = "S",
      description = "How often to look for new model versions (default: ${DEFAULT-VALUE}).")
  double pollSeconds;

  @Option(names = "--enable-batching",
      description = "Stack concurrent requests to the same model, version and signature into one "
          + "session run (TensorFlow Serving's server-side batching; default: off).")
  boolean enableBatching;

  @Option(names = "--batching-parameters-file", paramLabel = "FILE",
      description = "TensorFlow Serving's BatchingParameters in text format, e.g. "
          + "'max_batch_size { value: 32 }' (needs --enable-batching; default: its defaults).")
  Path batchingParametersFile;

  @Option(names = "--monitoring-config-file", paramLabel = "FILE",
      description = "TensorFlow Serving's MonitoringConfig in text format: 'prometheus_config { "
          + "enable: true, path: \"/metrics\" }' moves the Prometheus metrics, 'enable: false' "
          + "turns them off (default: on, at " + MonitoringConfig.DEFAULT_PATH + ").")
  Path monitoringConfigFile;

  @Option(names = "--enable-model-warmup", arity = "0..1", defaultValue = "true",
      fallbackValue = "true", paramLabel = "BOOL",
      description = "Before serving a version, replay its assets.extra/tf_serving_warmup_requests "
          + "(TF Serving's warm-up records; default: ${DEFAULT-VALUE}).")
  boolean enableModelWarmup;

  @Option(names = "--num-request-iterations-for-warmup", defaultValue = "1", paramLabel = "N",
      description = "How often each warm-up record runs (default: ${DEFAULT-VALUE}).")
  int warmupIterations;

  @Option(names = "--enable-grpc-healthcheck-service",
      description = "Serve grpc.health.v1.Health on the gRPC port: \"\", ModelService and "
          + "PredictionService are SERVING while every model has a version available, "
          + "NOT_SERVING from SIGTERM on (default: off).")
  boolean healthService;

  @Option(names = "--ssl-config-file", paramLabel = "FILE",
      description = "TF Serving's SSLConfig in text format (server_key, server_cert, custom_ca as "
          + "PEM contents; client_verify): TLS on the gRPC port and https on REST (default: "
          + "plaintext).")
  Path sslConfigFile;

  @Option(names = "--drain-seconds", defaultValue = "10", paramLabel = "S",
      description = "On SIGTERM, how long running requests may finish before the server closes "
          + "(default: ${DEFAULT-VALUE}).")
  double drainSeconds;

  private static final int MAX_THREADS = 1024;
  private static final int MAX_WARMUP_ITERATIONS = 1000;
  private static final double MAX_DRAIN_SECONDS = 3600;
  private static final int MAX_QUEUE = 100_000;
  /** Bodies are held in one buffer of at most 2 GiB; 1 GiB leaves room. */
  private static final long MAX_BODY_MB = 1024;
  private static final long MAX_IN_FLIGHT_MB = 64L << 10;
  private static final double MIN_POLL_SECONDS = 0.1;
  private static final double MAX_POLL_SECONDS = 86_400;

  public static void main(String[] args) {
    CommandLines.runAndExit(new ServeCommand(), args);
  }

  @Override
  public Integer call() throws InterruptedException {
    ServingServer.Settings settings = settings();
    ServingFeatures features = features();
    ServingOperations operations = operations();
    if (modelConfigFile == null && modelBasePath == null && !Files.isDirectory(models)) {
      throw CourseException.badInput("--models " + models + ": no such folder (the lessons "
          + "export there; run one first, or point --models at a folder of SavedModels)");
    }
    if (writeModelConfig != null) {
      return writeConfig();
    }
    Consumer<String> log = ServeCommand::log;
    ServingServer server;
    try {
      server = ServingServer.start(new ModelRepository(source(),
          new ThreadSettings(intraOpThreads, interOpThreads), log), settings, features,
          operations, log);
    } catch (IllegalArgumentException e) {
      throw CourseException.badInput("--model-config-file " + e.getMessage(), e);
    }
    AtomicBoolean serving = new AtomicBoolean();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log("stopping: health NOT_SERVING, draining requests (up to " + drainSeconds
          + " s) and closing the models");
      server.close();
      if (serving.get()) {
        // SIGTERM is how orchestrators stop a server: a drained stop is a clean exit, not the
        // JVM's 143 for a signal. Only while serving, so no other exit code is masked.
        Runtime.getRuntime().halt(0);
      }
    }, "serve-shutdown"));
    String scheme = operations.tls().isPresent() ? "https://" : "http://";
    log("listening on " + scheme + host + ":" + server.port() + "/v1/models/<model> and gRPC "
        + (operations.tls().isPresent() ? "over TLS " : "")
        + host + ":" + server.grpcPort() + " with " + settings.threads() + " workers; models: "
        + (server.repository().modelNames().isEmpty() ? "none yet (waiting for versions in "
            + models + ")" : server.repository().modelNames()));
    log("metrics: " + features.monitoring().metricsPath().map(path -> scheme + host + ":"
        + server.port() + path).orElse("off") + "; batching: " + features.batching()
        .map(Object::toString).orElse("off"));
    serving.set(true);
    server.awaitStop();
    return 0;
  }

  /** The models: TF Serving's model config file, or every folder under --models. */
  private ModelConfigSource source() {
    if (modelBasePath != null) {
      check(modelConfigFile == null && !spec.commandLine().getParseResult()
          .hasMatchedOption("--models"), "--model-base-path serves one model: give it without "
          + "--models and --model-config-file");
      check(Files.isDirectory(modelBasePath), "--model-base-path " + modelBasePath + ": no such"
          + " folder (it holds the model's numbered version folders)");
      ModelConfig one = ModelConfig.latest(modelName == null ? "default" : modelName,
          modelBasePath.toAbsolutePath());
      return () -> List.of(one);
    }
    check(modelName == null, "--model-name needs --model-base-path (the model's folder)");
    if (modelConfigFile == null) {
      return ModelConfigSource.folders(models);
    }
    check(!spec.commandLine().getParseResult().hasMatchedOption("--models"),
        "--models and --model-config-file: give one (the config file names each base_path)");
    return ModelConfigFile.source(modelConfigFile,
        Duration.ofMillis(Math.round(configPollSeconds * 1000)));
  }

  /** {@code --write-model-config}: the config TF Serving reads for what --models holds. */
  private int writeConfig() {
    List<ModelConfig> found = ModelConfigSource.folders(models).models().stream()
        .filter(m -> !VersionFolders.all(m.basePath(), ServeCommand::log).isEmpty())
        .toList();
    if (found.isEmpty()) {
      throw CourseException.badInput("--models " + models + ": no model folder with a numeric "
          + "version in it; nothing to write");
    }
    AtomicFiles.write(writeModelConfig,
        ModelConfigFile.write(found).getBytes(StandardCharsets.UTF_8));
    System.out.println("wrote " + writeModelConfig + " (" + found.size() + " models: "
        + found.stream().map(ModelConfig::name).toList() + ")");
    return 0;
  }

  /** The settings, every option checked first: one line and exit 2 for a bad value. */
  private ServingServer.Settings settings() {
    checkHost();
    check(port >= 0 && port <= 65535, "--port must be 0-65535, got " + port);
    check(grpcPort >= 0 && grpcPort <= 65535, "--grpc-port must be 0-65535, got " + grpcPort);
    check(grpcPort == 0 || grpcPort != port, "--grpc-port and --port must differ, both are "
        + port);
    check(threads == null || (threads >= 1 && threads <= MAX_THREADS),
        "--threads must be 1-" + MAX_THREADS + ", got " + threads);
    check(queue >= 1 && queue <= MAX_QUEUE, "--queue must be 1-" + MAX_QUEUE + ", got " + queue);
    check(maxBodyMb >= 1 && maxBodyMb <= MAX_BODY_MB,
        "--max-body-mb must be 1-" + MAX_BODY_MB + ", got " + maxBodyMb);
    long inFlightBytes = maxInFlightMb == null
        ? Math.max(ServingServer.defaultMaxInFlightBytes(), maxBodyMb << 20) : maxInFlightMb << 20;
    check(maxInFlightMb == null || maxInFlightMb >= maxBodyMb && maxInFlightMb <= MAX_IN_FLIGHT_MB,
        "--max-inflight-mb must be at least --max-body-mb (" + maxBodyMb + ") and at most "
            + MAX_IN_FLIGHT_MB + ", got " + maxInFlightMb);
    check(intraOpThreads >= 0 && intraOpThreads <= MAX_THREADS,
        "--intra-op-threads must be 0-" + MAX_THREADS + ", got " + intraOpThreads);
    check(interOpThreads >= ThreadSettings.CALLER_THREAD && interOpThreads <= MAX_THREADS,
        "--inter-op-threads must be -1 to " + MAX_THREADS + ", got " + interOpThreads);
    // NaN fails both comparisons; a tiny interval would rescan the folder in a busy loop.
    check(pollSeconds >= MIN_POLL_SECONDS && pollSeconds <= MAX_POLL_SECONDS,
        "--poll-seconds must be " + MIN_POLL_SECONDS + "-" + (long) MAX_POLL_SECONDS + ", got "
            + pollSeconds);
    check(configPollSeconds == 0 || (configPollSeconds >= MIN_POLL_SECONDS
        && configPollSeconds <= MAX_POLL_SECONDS), "--model-config-file-poll-wait-seconds must be"
        + " 0 (read once) or " + MIN_POLL_SECONDS + "-" + (long) MAX_POLL_SECONDS + ", got "
        + configPollSeconds);
    ServingServer.Settings settings = ServingServer.Settings.defaults(host, port)
        .withQueueCapacity(queue)
        .withMaxBodyBytes(maxBodyMb << 20)
        .withMaxInFlightBytes(inFlightBytes)
        .withPollInterval(Duration.ofMillis(Math.round(pollSeconds * 1000)))
        .withGrpcPort(grpcPort);
    return threads == null ? settings : settings.withThreads(threads);
  }

  /**
   * {@code --host} must be an address of this machine (or a name resolving to one); what is left
   * for the bind to fail on (a port in use, no permission) is the environment's, exit 1.
   */
  private void checkHost() {
    check(!host.isBlank(), "--host must not be empty (127.0.0.1, or 0.0.0.0 for every interface)");
    InetAddress address;
    try {
      address = InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw CourseException.badInput("--host " + host + ": not an IP address or a host name this"
          + " machine can resolve (127.0.0.1, or 0.0.0.0 for every interface)");
    }
    boolean local;
    try {
      local = address.isAnyLocalAddress() || address.isLoopbackAddress()
          || NetworkInterface.getByInetAddress(address) != null;
    } catch (SocketException e) {
      local = true; // the interfaces cannot be listed: let the bind decide
    }
    check(local, "--host " + host + ": " + address.getHostAddress() + " is not an address of"
        + " this machine (127.0.0.1, 0.0.0.0 for every interface, or one of its own addresses)");
  }

  /** Warm-up, health, drain and TLS, checked before anything starts. */
  private ServingOperations operations() {
    check(warmupIterations >= 1 && warmupIterations <= MAX_WARMUP_ITERATIONS,
        "--num-request-iterations-for-warmup must be 1-" + MAX_WARMUP_ITERATIONS + ", got "
            + warmupIterations);
    check(drainSeconds >= 0 && drainSeconds <= MAX_DRAIN_SECONDS,
        "--drain-seconds must be 0-" + (long) MAX_DRAIN_SECONDS + ", got " + drainSeconds);
    ServingOperations operations = ServingOperations.defaults()
        .withWarmup(enableModelWarmup, warmupIterations)
        .withHealthService(healthService)
        .withDrain(Duration.ofMillis(Math.round(drainSeconds * 1000)));
    return sslConfigFile == null ? operations
        : operations.withTls(SslConfigFile.read(sslConfigFile));
  }

  /** Monitoring and batching from their files, read and checked before anything starts. */
  private ServingFeatures features() {
    check(batchingParametersFile == null || enableBatching,
        "--batching-parameters-file needs --enable-batching (as in TensorFlow Serving)");
    check(restApiTimeoutMs == null || restApiTimeoutMs > 0,
        "--rest-api-timeout-ms must be a positive number of milliseconds, got "
            + restApiTimeoutMs);
    ServingFeatures features = ServingFeatures.defaults()
        .withDoors(new ServingFeatures.Doors(Optional.ofNullable(grpcSocketPath),
            grpcChannelArguments == null ? GrpcChannelArguments.NONE
                : GrpcChannelArguments.parse(grpcChannelArguments),
            Optional.ofNullable(restApiTimeoutMs).map(Duration::ofMillis)));
    if (monitoringConfigFile != null) {
      features = features.withMonitoring(MonitoringConfig.read(monitoringConfigFile));
    }
    if (enableBatching) {
      features = features.withBatching(batchingParametersFile == null
          ? BatchingParameters.defaults() : BatchingParameters.read(batchingParametersFile));
    }
    return features;
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw CourseException.badInput(message);
    }
  }

  private static void log(String message) {
    System.err.println(LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + " serve: " + message);
  }
}
