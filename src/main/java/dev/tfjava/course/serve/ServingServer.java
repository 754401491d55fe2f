package dev.tfjava.course.serve;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * TF Serving's REST API over the JDK's HTTP server. Requests run on a fixed pool of worker
 * threads with a bounded queue; past that the server answers 503 at once instead of letting
 * latency grow without bound. {@link #close()} stops accepting, lets running requests finish,
 * and closes every model.
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
   */
  public record Settings(String host, int port, int threads, int queueCapacity,
      long maxBodyBytes, Duration pollInterval) {

    /**
     * Defaults: 4 workers per core (each request runs TensorFlow on one thread, so requests
     * overlap; measured best on 2 cores, see BENCHMARKS.md), 256 queued requests, 16 MiB bodies,
     * a scan every 2 s.
     */
    public static Settings defaults(String host, int port) {
      return new Settings(host, port, 4 * Runtime.getRuntime().availableProcessors(), 256,
          DEFAULT_MAX_BODY_MB << 20, Duration.ofSeconds(2));
    }

    public Settings withThreads(int n) {
      return new Settings(host, port, n, queueCapacity, maxBodyBytes, pollInterval);
    }

    public Settings withMaxBodyBytes(long bytes) {
      return new Settings(host, port, threads, queueCapacity, bytes, pollInterval);
    }

    public Settings withPollInterval(Duration interval) {
      return new Settings(host, port, threads, queueCapacity, maxBodyBytes, interval);
    }

    public Settings withQueueCapacity(int capacity) {
      return new Settings(host, port, threads, capacity, maxBodyBytes, pollInterval);
    }
  }

  /** The default body limit: a 100-image MNIST request is about 0.5 MB. */
  public static final long DEFAULT_MAX_BODY_MB = 16;

  private static final String NO_DELAY = "sun.net.httpserver.nodelay";

  /** How long {@link #close()} waits for running requests. */
  private static final Duration DRAIN = Duration.ofSeconds(10);

  private final HttpServer http;
  private final ThreadPoolExecutor workers;
  private final ModelRepository repository;
  private final Consumer<String> log;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private boolean closed;

  private ServingServer(HttpServer http, ThreadPoolExecutor workers, ModelRepository repository,
      Consumer<String> log) {
    this.http = http;
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
    repository.refresh();
    repository.startWatching(settings.pollInterval());
    AtomicInteger ids = new AtomicInteger();
    ThreadPoolExecutor workers = new ThreadPoolExecutor(settings.threads(), settings.threads(),
        0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(settings.queueCapacity()), runnable -> {
          Thread thread = new Thread(runnable, "serve-worker-" + ids.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        }, new OverloadPolicy());
    // The JDK server writes headers and body separately; with Nagle's algorithm on, the body then
    // waits for the client's delayed ACK (~40 ms a request). Read once, when the server classes
    // load, so it must be set before the first server is created.
    if (System.getProperty(NO_DELAY) == null) {
      System.setProperty(NO_DELAY, "true");
    }
    HttpServer http;
    try {
      http = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 256);
    } catch (IOException e) {
      workers.shutdown();
      repository.close();
      throw new UncheckedIOException("Could not listen on " + settings.host() + ":"
          + settings.port() + ": " + e.getMessage(), e);
    }
    http.createContext("/", new RestHandler(repository, settings.maxBodyBytes(), log));
    http.setExecutor(workers);
    http.start();
    return new ServingServer(http, workers, repository, log);
  }

  /** The port the server listens on (the real one when 0 was asked for). */
  public int port() {
    return http.getAddress().getPort();
  }

  public ModelRepository repository() {
    return repository;
  }

  /** Blocks until {@link #close()} has finished. */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  /**
   * Stops taking requests (new ones get 503), waits for running ones (up to 10 s), closes the
   * socket, then the models.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    try {
      // Shut the pool first: from now on new requests get a quick 503 from the overload policy,
      // while the running and queued ones finish. Only then close the socket and connections.
      workers.shutdown();
      if (!workers.awaitTermination(DRAIN.toSeconds(), TimeUnit.SECONDS)) {
        log.accept("requests still running after " + DRAIN.toSeconds() + " s; closing anyway");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      http.stop(0);
      // Leases still held by stuck requests keep their bundle open until they finish.
      repository.close();
      stopped.countDown();
    }
  }
}
