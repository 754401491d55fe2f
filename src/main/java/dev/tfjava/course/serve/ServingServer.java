package dev.tfjava.course.serve;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * TF Serving's REST API over Netty. Connections are decoded on a couple of event-loop threads
 * ({@link ConnectionHandler}: deadlines, size limits, admission); complete requests run on a fixed
 * pool of worker threads. Past {@code threads + queueCapacity} requests, or
 * {@code maxInFlightBytes} of bodies, the server answers 503 at once instead of letting latency
 * and memory grow without bound. {@link #close()} answers new requests 503, lets running ones
 * finish, then closes the connections and every model.
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
   */
  public record Settings(String host, int port, int threads, int queueCapacity,
      long maxBodyBytes, Duration pollInterval, long maxInFlightBytes, Duration headerTimeout,
      Duration bodyTimeout, Duration idleTimeout) {

    /**
     * Defaults: 4 workers per core (each request runs TensorFlow on one thread, so requests
     * overlap; measured best on 2 cores, see BENCHMARKS.md), 256 queued requests, 16 MiB bodies
     * and 64 MiB of them in flight, a scan every 2 s, 10 s for a head, 60 s for a body, 60 s idle.
     */
    public static Settings defaults(String host, int port) {
      return new Settings(host, port, 4 * Runtime.getRuntime().availableProcessors(), 256,
          DEFAULT_MAX_BODY_MB << 20, Duration.ofSeconds(2), DEFAULT_MAX_IN_FLIGHT_MB << 20,
          Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(60));
    }

    public Settings withThreads(int n) {
      return new Settings(host, port, n, queueCapacity, maxBodyBytes, pollInterval,
          maxInFlightBytes, headerTimeout, bodyTimeout, idleTimeout);
    }

    public Settings withMaxBodyBytes(long bytes) {
      return new Settings(host, port, threads, queueCapacity, bytes, pollInterval,
          maxInFlightBytes, headerTimeout, bodyTimeout, idleTimeout);
    }

    public Settings withPollInterval(Duration interval) {
      return new Settings(host, port, threads, queueCapacity, maxBodyBytes, interval,
          maxInFlightBytes, headerTimeout, bodyTimeout, idleTimeout);
    }

    public Settings withQueueCapacity(int capacity) {
      return new Settings(host, port, threads, capacity, maxBodyBytes, pollInterval,
          maxInFlightBytes, headerTimeout, bodyTimeout, idleTimeout);
    }

    public Settings withMaxInFlightBytes(long bytes) {
      return new Settings(host, port, threads, queueCapacity, maxBodyBytes, pollInterval,
          bytes, headerTimeout, bodyTimeout, idleTimeout);
    }

    /** The header, body and idle timeouts. */
    public Settings withTimeouts(Duration header, Duration body, Duration idle) {
      return new Settings(host, port, threads, queueCapacity, maxBodyBytes, pollInterval,
          maxInFlightBytes, header, body, idle);
    }
  }

  /** The default body limit: a 100-image MNIST request is about 0.5 MB. */
  public static final long DEFAULT_MAX_BODY_MB = 16;
  /** The default budget of bodies in flight: four maximum-size requests. */
  public static final long DEFAULT_MAX_IN_FLIGHT_MB = 64;
  /** The longest request line (method, URL, version); longer is 414. */
  public static final int MAX_REQUEST_LINE_BYTES = 8192;
  /** The largest request head's headers; larger is 431. */
  public static final int MAX_HEADER_BYTES = 16384;

  /** How long {@link #close()} waits for running requests. */
  private static final Duration DRAIN = Duration.ofSeconds(10);

  private final Channel listener;
  private final ChannelGroup connections;
  private final EventLoopGroup acceptors;
  private final EventLoopGroup loops;
  private final ThreadPoolExecutor workers;
  private final ModelRepository repository;
  private final Consumer<String> log;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicBoolean closing;

  private ServingServer(Bound bound, ThreadPoolExecutor workers, ModelRepository repository,
      AtomicBoolean closing, Consumer<String> log) {
    this.closing = closing;
    this.listener = bound.listener;
    this.connections = bound.connections;
    this.acceptors = bound.acceptors;
    this.loops = bound.loops;
    this.workers = workers;
    this.repository = repository;
    this.log = log;
  }

  private record Bound(Channel listener, ChannelGroup connections, EventLoopGroup acceptors,
      EventLoopGroup loops) {}

  /**
   * Loads the models, starts watching for new versions and starts answering. The server owns the
   * repository from here on and closes it.
   */
  public static ServingServer start(ModelRepository repository, Settings settings,
      Consumer<String> log) {
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
    ConnectionHandler.Server shared = new ConnectionHandler.Server(settings,
        new Admission(settings.threads() + settings.queueCapacity(), settings.maxInFlightBytes()),
        new RestApi(repository, log), workers, closing::get, log);
    Bound bound;
    try {
      bound = bind(settings, shared);
    } catch (RuntimeException e) {
      workers.shutdown();
      repository.close();
      throw e;
    }
    return new ServingServer(bound, workers, repository, closing, log);
  }

  private static Bound bind(Settings settings, ConnectionHandler.Server shared) {
    // One acceptor, two decoding loops: decoding is cheap next to TensorFlow, and a slow client
    // costs a connection's buffer, never a thread.
    EventLoopGroup acceptors = new MultiThreadIoEventLoopGroup(1,
        new DefaultThreadFactory("serve-accept", true), NioIoHandler.newFactory());
    EventLoopGroup loops = new MultiThreadIoEventLoopGroup(
        Math.min(2, Runtime.getRuntime().availableProcessors()),
        new DefaultThreadFactory("serve-io", true), NioIoHandler.newFactory());
    ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    HttpDecoderConfig limits = new HttpDecoderConfig()
        .setMaxInitialLineLength(MAX_REQUEST_LINE_BYTES)
        .setMaxHeaderSize(MAX_HEADER_BYTES);
    try {
      Channel listener = new ServerBootstrap()
          .group(acceptors, loops)
          .channel(NioServerSocketChannel.class)
          .option(ChannelOption.SO_BACKLOG, 256)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel channel) {
              connections.add(channel);
              ConnectionHandler handler = new ConnectionHandler(shared);
              channel.pipeline().addLast(handler.rawBytes, new HttpServerCodec(limits), handler);
            }
          })
          .bind(new InetSocketAddress(settings.host(), settings.port()))
          .syncUninterruptibly()
          .channel();
      return new Bound(listener, connections, acceptors, loops);
    } catch (RuntimeException e) {
      acceptors.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      loops.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw new UncheckedIOException("Could not listen on " + settings.host() + ":"
          + settings.port() + ": " + e.getMessage(), new java.io.IOException(e));
    }
  }

  /** The port the server listens on (the real one when 0 was asked for). */
  public int port() {
    return ((InetSocketAddress) listener.localAddress()).getPort();
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
   * connections and the socket, then the models.
   */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    try {
      workers.shutdown();
      if (!workers.awaitTermination(DRAIN.toSeconds(), TimeUnit.SECONDS)) {
        log.accept("requests still running after " + DRAIN.toSeconds() + " s; closing anyway");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      listener.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
      connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
      acceptors.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
      loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
      // Leases still held by stuck requests keep their bundle open until they finish.
      repository.close();
      stopped.countDown();
    }
  }
}
