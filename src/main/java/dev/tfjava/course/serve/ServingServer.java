package dev.tfjava.course.serve;

import dev.tfjava.course.serve.batching.BatchingService;
import dev.tfjava.course.serve.core.Admission;
import dev.tfjava.course.serve.core.MetricsRecorder;
import dev.tfjava.course.serve.core.ModelRepository;
import dev.tfjava.course.serve.core.PredictService;
import dev.tfjava.course.serve.core.Predictor;
import dev.tfjava.course.serve.core.ServingCore;
import dev.tfjava.course.serve.grpc.GrpcServer;
import dev.tfjava.course.serve.metrics.ExampleCountingService;
import dev.tfjava.course.serve.metrics.ServingMetrics;
import dev.tfjava.course.serve.rest.MetricsRoute;
import dev.tfjava.course.serve.rest.RestServer;
import dev.tfjava.course.serve.warmup.DoorWarmup;
import dev.tfjava.course.serve.warmup.UncountedWarmupCalls;
import dev.tfjava.course.serve.warmup.WarmupReplay;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A TF Serving-compatible server: the serving core (the model repository, the predictor, admission
 * and a fixed pool of worker threads running TensorFlow) behind its two front doors, TF Serving's
 * REST API ({@link RestServer}) and, when asked for, its gRPC API ({@link GrpcServer}). Past
 * {@code threads + queueCapacity} requests, or {@code maxInFlightBytes} of bodies, the server
 * answers 503 (UNAVAILABLE) at once instead of letting latency and memory grow without bound.
 * {@link #close()} answers new requests 503, lets running ones finish, then closes the
 * connections and every model. What it adds ({@link ServingFeatures}):
 * TF Serving's Prometheus metrics ({@link ServingMetrics}) and server-side batching
 * ({@link BatchingService}), both in the core, so that every front door has them.
 */
public final class ServingServer implements AutoCloseable {

  /**
   * How the server runs.
   *
   * @param port 0 picks a free port (tests)
   * @param threads worker threads running requests
   * @param queueCapacity requests that may wait for a worker before the server answers 503
   * @param maxBodyBytes the largest request body accepted; larger is 413
   * @param pollInterval how often the models folder is rescanned for new versions
   * @param maxInFlightBytes request bodies held at once (arriving, waiting or running); a request
   *     whose Content-Length would pass it is 503
   * @param headerTimeout time from a request's first byte to the end of its head (else 408)
   * @param bodyTimeout time from the head to the end of the body (else 408), and for writing the
   *     answer
   * @param idleTimeout how long a keep-alive connection may wait for its next request
   * @param grpcPort the gRPC API's port; 0 picks a free one, -1 serves REST alone
   * @param grpcMaxMessageBytes the largest gRPC message either way
   */
  public record Settings(String host, int port, int threads, int queueCapacity,
      long maxBodyBytes, Duration pollInterval, long maxInFlightBytes, Duration headerTimeout,
      Duration bodyTimeout, Duration idleTimeout, int grpcPort, int grpcMaxMessageBytes) {

    /**
     * Defaults: 4 workers per core (each request runs TensorFlow on one thread, so requests
     * overlap; measured best on 2 cores, see BENCHMARKS.md), 256 queued requests, 16 MiB bodies
     * and {@link #defaultMaxInFlightBytes} of them in flight,
     * a scan every 2 s, 10 s for a head, 60 s for a body, 60 s idle;
     * no gRPC server (see {@link #withGrpcPort}), whose messages may be as large as TF Serving's.
     */
    public static Settings defaults(String host, int port) {
      return new Settings(host, port, 4 * Runtime.getRuntime().availableProcessors(), 256,
          DEFAULT_MAX_BODY_MB << 20, Duration.ofSeconds(2), defaultMaxInFlightBytes(),
          Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(60), -1,
          GrpcServer.TF_SERVING_MAX_MESSAGE_BYTES);
    }

    public Settings withThreads(int n) {
      return new Settings(host, port, n, queueCapacity, maxBodyBytes, pollInterval,
          maxInFlightBytes, headerTimeout, bodyTimeout, idleTimeout, grpcPort,
          grpcMaxMessageBytes);
    }

    public Settings withMaxBodyBytes(long bytes) {
      return new Settings(host, port, threads, queueCapacity, bytes, pollInterval,
          maxInFlightBytes, headerTimeout, bodyTimeout, idleTimeout, grpcPort,
          grpcMaxMessageBytes);
    }

    public Settings withPollInterval(Duration interval) {
      return new Settings(host, port, threads, queueCapacity, maxBodyBytes, interval,
          maxInFlightBytes, headerTimeout, bodyTimeout, idleTimeout, grpcPort,
          grpcMaxMessageBytes);
    }

    public Settings withQueueCapacity(int capacity) {
      return new Settings(host, port, threads, capacity, maxBodyBytes, pollInterval,
          maxInFlightBytes, headerTimeout, bodyTimeout, idleTimeout, grpcPort,
          grpcMaxMessageBytes);
    }

    public Settings withMaxInFlightBytes(long bytes) {
      return new Settings(host, port, threads, queueCapacity, maxBodyBytes, pollInterval,
          bytes, headerTimeout, bodyTimeout, idleTimeout, grpcPort, grpcMaxMessageBytes);
    }

    /** Serves TF Serving's gRPC API on {@code grpcPort} too (0: a free port). */
    public Settings withGrpcPort(int grpcPort) {
      return new Settings(host, port, threads, queueCapacity, maxBodyBytes, pollInterval,
          maxInFlightBytes, headerTimeout, bodyTimeout, idleTimeout, grpcPort,
          grpcMaxMessageBytes);
    }

    /** The header, body and idle timeouts. */
    public Settings withTimeouts(Duration header, Duration body, Duration idle) {
      return new Settings(host, port, threads, queueCapacity, maxBodyBytes, pollInterval,
          maxInFlightBytes, header, body, idle, grpcPort, grpcMaxMessageBytes);
    }
  }

  /** The default body limit: a 100-image MNIST request is about 0.5 MB. */
  public static final long DEFAULT_MAX_BODY_MB = 16;
  /** The smallest default budget of bodies in flight: a 64 MiB gRPC message and room beside it. */
  public static final long MIN_DEFAULT_IN_FLIGHT_BYTES = 128L << 20;

  /**
   * The default budget of request bytes in flight: a quarter of the Java heap, at least
   * {@link #MIN_DEFAULT_IN_FLIGHT_BYTES} and less than 2 GiB (TF Serving's largest message), so
   * that a message a TF Serving client may send (64 MB is common) is not refused at the defaults;
   * the heap must hold each admitted message once more while it is decoded.
   */
  public static long defaultMaxInFlightBytes() {
    long quarterHeap = Runtime.getRuntime().maxMemory() / 4;
    return Math.min(Math.max(quarterHeap, MIN_DEFAULT_IN_FLIGHT_BYTES),
        GrpcServer.TF_SERVING_MAX_MESSAGE_BYTES);
  }


  private final RestServer rest;
  private final GrpcServer grpc;
  /** gRPC on a UNIX domain socket ({@code --grpc-socket-path}), or null. */
  private final GrpcServer unixGrpc;
  private final Optional<BatchingService> batching;
  private final ServingMetrics metrics;
  private final ThreadPoolExecutor workers;
  private final ModelRepository repository;
  private final Consumer<String> log;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicBoolean closing;
  private final Duration drain;
  private final Optional<ServingHealth> health;
  private final Optional<DoorWarmup> doorWarmup;

  private ServingServer(RestServer rest, GrpcServer grpc, GrpcServer unixGrpc,
      Optional<BatchingService> batching,
      ServingMetrics metrics, ThreadPoolExecutor workers, ModelRepository repository,
      AtomicBoolean closing, Consumer<String> log, Duration drain,
      Optional<ServingHealth> health, Optional<DoorWarmup> doorWarmup) {
    this.doorWarmup = doorWarmup;
    this.drain = drain;
    this.health = health;
    this.rest = rest;
    this.grpc = grpc;
    this.unixGrpc = unixGrpc;
    this.batching = batching;
    this.metrics = metrics;
    this.closing = closing;
    this.workers = workers;
    this.repository = repository;
    this.log = log;
  }

  /**
   * Loads the models, starts watching for new versions and starts answering. The server owns the
   * repository from here on and closes it.
   */
  public static ServingServer start(ModelRepository repository, Settings settings,
      Consumer<String> log) {
    return start(repository, settings, ServingFeatures.defaults(), log);
  }

  /** As {@link #start(ModelRepository, Settings, Consumer)}, with metrics and batching as asked. */
  public static ServingServer start(ModelRepository repository, Settings settings,
      ServingFeatures features, Consumer<String> log) {
    return start(repository, settings, features, ServingOperations.defaults(), log);
  }

  /** As {@link #start(ModelRepository, Settings, ServingFeatures, Consumer)}, run as asked. */
  public static ServingServer start(ModelRepository repository, Settings settings,
      ServingFeatures features, ServingOperations operations, Consumer<String> log) {
    ServingMetrics metrics = new ServingMetrics();
    repository.recordLoadsTo(metrics);
    Predictor predictor = new Predictor(repository, metrics);
    Optional<DoorWarmup> doorWarmup = operations.modelWarmup()
        ? Optional.of(new DoorWarmup(repository.warmupAliases(), log)) : Optional.empty();
    if (operations.modelWarmup()) {
      repository.warmUpWith(new WarmupReplay(predictor, operations.warmupIterations(),
          GrpcServer.maxElements(settings.grpcMaxMessageBytes()), log, doorWarmup));
    }
    // What the doors report: the door warm-up's calls are not requests (TF Serving's counts).
    MetricsRecorder doorMetrics = new UncountedWarmupCalls(metrics);
    repository.refresh();
    repository.startWatching(settings.pollInterval());
    AtomicInteger ids = new AtomicInteger();
    // Unbounded queue: admission already bounds what is queued to threads + queueCapacity.
    ThreadPoolExecutor workers = new ThreadPoolExecutor(settings.threads(), settings.threads(),
        0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
          Thread thread = new Thread(runnable, "serve-worker-" + ids.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
    AtomicBoolean closing = new AtomicBoolean();
    Admission admission = new Admission(settings.threads() + settings.queueCapacity(),
        settings.maxInFlightBytes());
    metrics.watch(admission);
    Optional<BatchingService> batching = features.batching()
        .map(parameters -> new BatchingService(repository, predictor, parameters, metrics,
            workers));
    PredictService predictions = new ExampleCountingService(
        batching.<PredictService>map(b -> b).orElse(predictor), doorMetrics);
    ServingCore core = new ServingCore(repository, predictions, admission, workers, closing::get,
        log, doorMetrics);
    RestServer rest = null;
    GrpcServer grpc = null;
    try {
      rest = RestServer.start(settings.host(), settings.port(),
          new RestServer.Limits(settings.maxBodyBytes(), settings.headerTimeout(),
              settings.bodyTimeout(), settings.idleTimeout()), core,
          features.monitoring().metricsPath().map(
              path -> new MetricsRoute(path, ServingMetrics.CONTENT_TYPE, metrics::page)),
          operations.tls());
      Optional<ServingHealth> health = operations.healthService() && settings.grpcPort() >= 0
          ? Optional.of(new ServingHealth(repository)) : Optional.empty();
      GrpcServer.Limits grpcLimits = new GrpcServer.Limits(settings.grpcMaxMessageBytes(),
          settings.idleTimeout(), settings.headerTimeout());
      ServingFeatures.Doors doors = features.doors();
      GrpcServer.Options grpcOptions = new GrpcServer.Options(
          health.map(ServingHealth::service), operations.tls(), doors.grpcChannelArguments());
      grpc = settings.grpcPort() < 0 ? null : GrpcServer.start(settings.host(),
          settings.grpcPort(), grpcLimits, core, grpcOptions);
      GrpcServer unix = doors.grpcSocketPath().map(socket -> GrpcServer.startUnix(socket,
          grpcLimits, grpcOptions, core)).orElse(null);
      // Before health says SERVING: the versions loaded so far go through the doors now.
      int restPort = rest.port();
      int grpcPort = grpc == null ? -1 : grpc.port();
      doorWarmup.ifPresent(d -> d.listening(operations.tls().isPresent()
          ? new DoorWarmup.Doors(Optional.empty(), Optional.empty())
          : loopback(settings.host(), restPort, grpcPort)));
      health.ifPresent(ServingHealth::start);
      return new ServingServer(rest, grpc, unix, batching, metrics, workers, repository, closing,
          log, operations.drain(), health, doorWarmup);
    } catch (RuntimeException e) {
      doorWarmup.ifPresent(DoorWarmup::close);
      if (rest != null) {
        rest.close();
      }
      if (grpc != null) {
        grpc.close();
      }
      workers.shutdown();
      batching.ifPresent(BatchingService::close);
      repository.close();
      throw e;
    }
  }

  /** Where a client on this machine reaches the doors listening on {@code host}. */
  private static DoorWarmup.Doors loopback(String host, int restPort, int grpcPort) {
    String reach = host.isEmpty() || host.equals("0.0.0.0") ? "127.0.0.1"
        : host.equals("::") ? "::1" : host;
    String authority = reach.contains(":") ? "[" + reach + "]" : reach;
    return new DoorWarmup.Doors(
        Optional.of(java.net.URI.create("http://" + authority + ":" + restPort)),
        grpcPort < 0 ? Optional.empty() : Optional.of(authority + ":" + grpcPort));
  }

  /** The port the REST API listens on (the real one when 0 was asked for). */
  public int port() {
    return rest.port();
  }

  /** The port the gRPC API listens on, or -1 when it is off. */
  public int grpcPort() {
    return grpc == null ? -1 : grpc.port();
  }

  public ModelRepository repository() {
    return repository;
  }

  /** The server's metrics (what the metrics page shows). */
  public ServingMetrics metrics() {
    return metrics;
  }

  /** Blocks until {@link #close()} has finished. */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  /**
   * Tells health checkers NOT_SERVING, stops taking requests (new ones get 503), waits for running
   * ones (up to the drain time), closes the connections and the socket, then the models.
   */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    health.ifPresent(ServingHealth::stop);
    doorWarmup.ifPresent(DoorWarmup::close);
    try {
      workers.shutdown();
      if (!workers.awaitTermination(drain.toMillis(), TimeUnit.MILLISECONDS)) {
        log.accept("requests still running after " + drain.toMillis() / 1000.0
            + " s; closing anyway");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      // The workers are done: nothing waits for a batch any more.
      batching.ifPresent(BatchingService::close);
      rest.close();
      if (grpc != null) {
        grpc.close();
      }
      if (unixGrpc != null) {
        unixGrpc.close();
      }
      // Leases still held by stuck requests keep their bundle open until they finish.
      repository.close();
      stopped.countDown();
    }
  }
}
