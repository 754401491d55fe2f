package dev.tfjava.course.serve.grpc;

import dev.tfjava.course.serve.core.ListenFailure;
import dev.tfjava.course.serve.core.ServingCore;
import dev.tfjava.course.serve.tls.TlsConfig;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * TF Serving's gRPC API, the second front door of a {@link ServingCore}: PredictionService and
 * ModelService on grpc-java's own (shaded) Netty. Messages are parsed on two dispatch threads,
 * which only take admission and hand the call to the core's workers, so a flood of calls queues
 * no more than REST's would.
 */
public final class GrpcServer implements AutoCloseable {

  /**
   * The gRPC door's own limits.
   *
   * @param maxMessageBytes the largest message either way (TF Serving: int32 max)
   * @param idleTimeout how long a connection with no call open is kept
   * @param handshakeTimeout how long a new connection may take to start HTTP/2
   */
  public record Limits(int maxMessageBytes, Duration idleTimeout, Duration handshakeTimeout) {}

  /**
   * What the door serves besides TF Serving's two services.
   *
   * @param health {@code grpc.health.v1.Health}, when asked for
   * @param tls TLS (and client certificates) on the port, when configured
   */
  public record Options(Optional<BindableService> health, Optional<TlsConfig> tls) {
    public static Options none() {
      return new Options(Optional.empty(), Optional.empty());
    }
  }

  /** TF Serving's message limit both ways ({@code model_servers/server.cc}). */
  public static final int TF_SERVING_MAX_MESSAGE_BYTES = Integer.MAX_VALUE;

  private final Server server;
  private final ExecutorService dispatch;

  private GrpcServer(Server server, ExecutorService dispatch) {
    this.server = server;
    this.dispatch = dispatch;
  }

  /**
   * Listens on {@code host:port} (0 picks a free port).
   *
   * @throws UncheckedIOException if the address cannot be bound
   */
  public static GrpcServer start(String host, int port, Limits limits, ServingCore core) {
    return start(host, port, limits, core, Options.none());
  }

  /** As {@link #start(String, int, Limits, ServingCore)}, with {@code options}' services. */
  public static GrpcServer start(String host, int port, Limits limits, ServingCore core,
      Options options) {
    AtomicInteger ids = new AtomicInteger();
    ExecutorService dispatch = Executors.newFixedThreadPool(2, runnable -> {
      Thread thread = new Thread(runnable, "grpc-dispatch-" + ids.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    GrpcCalls calls = new GrpcCalls(core);
    InetSocketAddress address = new InetSocketAddress(host, port);
    NettyServerBuilder builder = options.tls()
        .map(tls -> NettyServerBuilder.forAddress(address, tls.grpcCredentials()))
        .orElseGet(() -> NettyServerBuilder.forAddress(address))
        .executor(dispatch)
        .maxInboundMessageSize(limits.maxMessageBytes())
        .maxConnectionIdle(limits.idleTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .handshakeTimeout(limits.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .addService(new PredictionService(core, calls, limits.maxMessageBytes()))
        .addService(new ModelService(core, calls));
    options.health().ifPresent(builder::addService);
    Server server = builder.build();
    try {
      server.start();
    } catch (IOException e) {
      dispatch.shutdownNow();
      throw ListenFailure.of("gRPC", host, port, e);
    }
    return new GrpcServer(server, dispatch);
  }

  /** The most elements one tensor may claim under a message limit (one byte each at least). */
  public static long maxElements(long maxMessageBytes) {
    return Math.min(maxMessageBytes, Integer.MAX_VALUE - 16L);
  }

  /** The port the server listens on (the real one when 0 was asked for). */
  public int port() {
    return server.getPort();
  }

  /** Stops taking calls, gives running ones a moment, then closes every connection. */
  @Override
  public void close() {
    server.shutdown();
    try {
      if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
        server.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
    } finally {
      dispatch.shutdownNow();
    }
  }
}
