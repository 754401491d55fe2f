package dev.tfjava.course.serve.rest;

import dev.tfjava.course.serve.core.ListenFailure;
import dev.tfjava.course.serve.core.ServingCore;
import dev.tfjava.course.serve.tls.TlsConfig;
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
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * TF Serving's REST API over Netty, the HTTP front door of a {@link ServingCore}. Connections are
 * decoded on a couple of event-loop threads ({@link ConnectionHandler}: deadlines, size limits,
 * admission); complete requests run on the core's workers.
 */
public final class RestServer implements AutoCloseable {

  /**
   * HTTP's own limits.
   *
   * @param maxBodyBytes the largest request body accepted; larger is 413
   * @param headerTimeout time from a request's first byte to the end of its head (else 408)
   * @param bodyTimeout time from the head to the end of the body (else 408), and for writing the
   *     answer
   * @param idleTimeout how long a keep-alive connection may wait for its next request
   */
  public record Limits(long maxBodyBytes, Duration headerTimeout, Duration bodyTimeout,
      Duration idleTimeout) {}

  /** The longest request line (method, URL, version); longer is 414. */
  public static final int MAX_REQUEST_LINE_BYTES = 8192;
  /** The largest request head's headers; larger is 431. */
  public static final int MAX_HEADER_BYTES = 16384;

  private final Channel listener;
  private final ChannelGroup connections;
  private final EventLoopGroup acceptors;
  private final EventLoopGroup loops;

  private RestServer(Channel listener, ChannelGroup connections, EventLoopGroup acceptors,
      EventLoopGroup loops) {
    this.listener = listener;
    this.connections = connections;
    this.acceptors = acceptors;
    this.loops = loops;
  }

  /**
   * Listens on {@code host:port} (0 picks a free port).
   *
   * @throws UncheckedIOException if the address cannot be bound; its message names the cause
   */
  public static RestServer start(String host, int port, Limits limits, ServingCore core) {
    return start(host, port, limits, core, Optional.empty());
  }

  /** As {@link #start(String, int, Limits, ServingCore)}, also serving {@code metrics} if present. */
  public static RestServer start(String host, int port, Limits limits, ServingCore core,
      Optional<MetricsRoute> metrics) {
    return start(host, port, limits, core, metrics, Optional.empty());
  }

  /**
   * As {@link #start(String, int, Limits, ServingCore, Optional)}, over TLS (https) when
   * {@code tls} is present: a client that does not complete the handshake never reaches HTTP.
   */
  public static RestServer start(String host, int port, Limits limits, ServingCore core,
      Optional<MetricsRoute> metrics, Optional<TlsConfig> tls) {
    Optional<SslContext> ssl = tls.map(TlsConfig::restContext);
    ConnectionHandler.Server shared = new ConnectionHandler.Server(limits, core,
        new RestApi(core.repository(), core.predictions(), core.log(), core.metrics(), metrics));
    // One acceptor, two decoding loops: decoding is cheap next to TensorFlow, and a slow client
    // costs a connection's buffer, never a thread.
    EventLoopGroup acceptors = new MultiThreadIoEventLoopGroup(1,
        new DefaultThreadFactory("serve-accept", true), NioIoHandler.newFactory());
    EventLoopGroup loops = new MultiThreadIoEventLoopGroup(
        Math.min(2, Runtime.getRuntime().availableProcessors()),
        new DefaultThreadFactory("serve-io", true), NioIoHandler.newFactory());
    ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    HttpDecoderConfig decoderLimits = new HttpDecoderConfig()
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
              ssl.ifPresent(context -> channel.pipeline().addLast(
                  context.newHandler(channel.alloc())));
              channel.pipeline().addLast(handler.rawBytes, new HttpServerCodec(decoderLimits),
                  handler);
            }
          })
          .bind(new InetSocketAddress(host, port))
          .syncUninterruptibly()
          .channel();
      return new RestServer(listener, connections, acceptors, loops);
    } catch (Exception e) { // a BindException too, which Netty rethrows undeclared
      acceptors.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      loops.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw ListenFailure.of(host, port, e);
    }
  }

  /** The port the server listens on (the real one when 0 was asked for). */
  public int port() {
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  /** Closes the socket and every connection (running requests are the core's to drain first). */
  @Override
  public void close() {
    listener.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    acceptors.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
  }
}
