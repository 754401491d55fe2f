package dev.tfjava.course.cli;

import dev.tfjava.course.CommandLines;
import dev.tfjava.course.CourseException;
import dev.tfjava.course.serve.core.ModelRepository;
import dev.tfjava.course.serve.ServingFeatures;
import dev.tfjava.course.serve.ServingServer;
import dev.tfjava.course.serve.config.BatchingParameters;
import dev.tfjava.course.serve.config.MonitoringConfig;
import dev.tfjava.course.train.ThreadSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lessons serve}: TensorFlow Serving's REST API over the exported SavedModels, until
 * Ctrl-C or SIGTERM (which drain running requests and close the models).
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Serve saved-models/<model>/<version>/ with TensorFlow Serving's REST API:",
        "GET /v1/models/<model>[/versions/<n>][/metadata], "
            + "POST /v1/models/<model>[/versions/<n>]:predict.",
        "The highest version of each model is served; new versions are picked up while running."})
public final class ServeCommand implements Callable<Integer> {

  @Option(names = "--models", defaultValue = "saved-models", paramLabel = "DIR",
      description = "Folder of <model>/<version>/ SavedModels (default: ${DEFAULT-VALUE}).")
  Path models;

  @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
      description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
  String host;

  @Option(names = "--port", defaultValue = "8501", paramLabel = "N",
      description = "Port (default: ${DEFAULT-VALUE}, TensorFlow Serving's REST port).")
  int port;

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

  @Option(names = "--max-inflight-mb", defaultValue = "64", paramLabel = "MB",
      description = "Request bodies held at once (arriving, queued or running); a request whose "
          + "Content-Length would pass it is 503 without its body being read "
          + "(default: ${DEFAULT-VALUE}).")
  long maxInFlightMb;

  @Option(names = "--intra-op-threads", defaultValue = "1", paramLabel = "N",
      description = "TensorFlow threads inside one op (default: ${DEFAULT-VALUE}: requests run side "
          + "by side instead; 0 = one per core).")
  int intraOpThreads;

  @Option(names = "--inter-op-threads", defaultValue = "1", paramLabel = "N",
      description = "TensorFlow threads running independent ops of one request (default: "
          + "${DEFAULT-VALUE}; 0 = one per core).")
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

  private static final int MAX_THREADS = 1024;
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
    if (!Files.isDirectory(models)) {
      throw CourseException.badInput("--models " + models + ": no such folder (the lessons "
          + "export there; run one first, or point --models at a folder of SavedModels)");
    }
    Consumer<String> log = ServeCommand::log;
    ServingServer server = ServingServer.start(new ModelRepository(models,
        new ThreadSettings(intraOpThreads, interOpThreads), log), settings, features, log);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log("stopping: draining requests and closing the models");
      server.close();
    }, "serve-shutdown"));
    log("listening on http://" + host + ":" + server.port() + "/v1/models/<model> with "
        + settings.threads() + " workers; models: "
        + (server.repository().modelNames().isEmpty() ? "none yet (waiting for versions in "
            + models + ")" : server.repository().modelNames()));
    log("metrics: " + features.monitoring().metricsPath().map(path -> "http://" + host + ":"
        + server.port() + path).orElse("off") + "; batching: " + features.batching()
        .map(Object::toString).orElse("off"));
    server.awaitStop();
    return 0;
  }

  /** The settings, every option checked first: one line and exit 2 for a bad value. */
  private ServingServer.Settings settings() {
    check(port >= 0 && port <= 65535, "--port must be 0-65535, got " + port);
    check(threads == null || (threads >= 1 && threads <= MAX_THREADS),
        "--threads must be 1-" + MAX_THREADS + ", got " + threads);
    check(queue >= 1 && queue <= MAX_QUEUE, "--queue must be 1-" + MAX_QUEUE + ", got " + queue);
    check(maxBodyMb >= 1 && maxBodyMb <= MAX_BODY_MB,
        "--max-body-mb must be 1-" + MAX_BODY_MB + ", got " + maxBodyMb);
    check(maxInFlightMb >= maxBodyMb && maxInFlightMb <= MAX_IN_FLIGHT_MB,
        "--max-inflight-mb must be at least --max-body-mb (" + maxBodyMb + ") and at most "
            + MAX_IN_FLIGHT_MB + ", got " + maxInFlightMb);
    check(intraOpThreads >= 0 && intraOpThreads <= MAX_THREADS,
        "--intra-op-threads must be 0-" + MAX_THREADS + ", got " + intraOpThreads);
    check(interOpThreads >= 0 && interOpThreads <= MAX_THREADS,
        "--inter-op-threads must be 0-" + MAX_THREADS + ", got " + interOpThreads);
    // NaN fails both comparisons; a tiny interval would rescan the folder in a busy loop.
    check(pollSeconds >= MIN_POLL_SECONDS && pollSeconds <= MAX_POLL_SECONDS,
        "--poll-seconds must be " + MIN_POLL_SECONDS + "-" + (long) MAX_POLL_SECONDS + ", got "
            + pollSeconds);
    ServingServer.Settings settings = ServingServer.Settings.defaults(host, port)
        .withQueueCapacity(queue)
        .withMaxBodyBytes(maxBodyMb << 20)
        .withMaxInFlightBytes(maxInFlightMb << 20)
        .withPollInterval(Duration.ofMillis(Math.round(pollSeconds * 1000)));
    return threads == null ? settings : settings.withThreads(threads);
  }

  /** Monitoring and batching from their files, read and checked before anything starts. */
  private ServingFeatures features() {
    check(batchingParametersFile == null || enableBatching,
        "--batching-parameters-file needs --enable-batching (as in TensorFlow Serving)");
    ServingFeatures features = ServingFeatures.defaults();
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
