package dev.tfjava.course.serve.grpc;

import dev.tfjava.course.serve.core.ListenFailure;
import dev.tfjava.course.serve.core.ServingCore;
import dev.tfjava.course.serve.tls.TlsConfig;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

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
   * @param channelArguments TF Serving's {@code --grpc_channel_arguments}
   */
  public record Options(Optional<BindableService> health, Optional<TlsConfig> tls,
      GrpcChannelArguments channelArguments) {
    public static Options none() {
      return new Options(Optional.empty(), Optional.empty(), GrpcChannelArguments.NONE);
    }
  }

  /** TF Serving's message limit both ways ({@code model_servers/server.cc}). */
  public static final int TF_SERVING_MAX_MESSAGE_BYTES = Integer.MAX_VALUE;

  private final Server server;
  private final ExecutorService dispatch;
  /** The epoll loops of a UNIX-socket server, closed with it; null for TCP. */
  private EventLoopGroup loops;

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

  /** As {@link #start(String, int, Limits, ServingCore)}, with {@code options}. */
  public static GrpcServer start(String host, int port, Limits limits, ServingCore core,
      Options options) {
    InetSocketAddress address = new InetSocketAddress(host, port);
    NettyServerBuilder builder = options.tls()
        .map(tls -> NettyServerBuilder.forAddress(address, tls.grpcCredentials()))
        .orElseGet(() -> NettyServerBuilder.forAddress(address));
    return start(builder, limits, options, core, e -> ListenFailure.of("gRPC", host, port, e));
  }

  /**
   * Listens on the UNIX domain socket {@code socket} (TF Serving's {@code --grpc_socket_path}),
   * on grpc-java's epoll transport (Linux); a stale socket file left by a stopped server is
   * replaced, as TF Serving's gRPC does. The socket is plaintext whatever {@code options.tls()}
   * says: only processes with access to its file reach it.
   *
   * @throws UncheckedIOException if the socket cannot be bound
   */
  public static GrpcServer startUnix(Path socket, Limits limits, Options options,
      ServingCore core) {
    if (!Epoll.isAvailable()) {
      throw new UncheckedIOException(new IOException("gRPC on a UNIX socket needs Linux's epoll"
          + " transport, unavailable here: " + Epoll.unavailabilityCause()));
    }
    try {
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot replace " + socket + ": " + e, e);
    }
    EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    NettyServerBuilder builder = NettyServerBuilder
        .forAddress(new DomainSocketAddress(socket.toFile()))
        .channelType(EpollServerDomainSocketChannel.class)
        .bossEventLoopGroup(loops)
        .workerEventLoopGroup(loops);
    try {
      GrpcServer server = start(builder, limits, options, core,
          e -> new UncheckedIOException("gRPC cannot listen on " + socket + ": " + e, e));
      server.loops = loops;
      return server;
    } catch (RuntimeException e) {
      loops.shutdownGracefully();
      throw e;
    }
  }

  private static GrpcServer start(NettyServerBuilder builder, Limits limits,
      Options options, ServingCore core,
      Function<IOException, RuntimeException> failure) {
    AtomicInteger ids = new AtomicInteger();
    ExecutorService dispatch = Executors.newFixedThreadPool(2, runnable -> {
      Thread thread = new Thread(runnable, "grpc-dispatch-" + ids.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    GrpcCalls calls = new GrpcCalls(core);
    builder.executor(dispatch)
        .maxInboundMessageSize(limits.maxMessageBytes())
        .maxConnectionIdle(limits.idleTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .handshakeTimeout(limits.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .addService(new PredictionService(core, calls, limits.maxMessageBytes()))
        .addService(new ModelService(core, calls));
    options.health().ifPresent(builder::addService);
    List<String> ignored = options.channelArguments().applyTo(builder);
    if (!ignored.isEmpty()) {
      core.log().accept("gRPC channel arguments not applied (grpc-java has no such setting): "
          + ignored);
    }
    Server server = builder.build();
    try {
      server.start();
    } catch (IOException e) {
      dispatch.shutdownNow();
      throw failure.apply(e);
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
      if (loops != null) {
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      }
    }
  }
}
