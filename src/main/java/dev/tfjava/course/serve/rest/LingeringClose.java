package dev.tfjava.course.serve.rest;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * nginx's lingering close, for a connection the server closes after its answer. Many clients
 * (Python's urllib, a plain socket, {@code HttpURLConnection} in streaming mode) write their whole
 * body before they read: had the server closed at once, their next write would meet a reset and
 * they would report "Broken pipe" instead of the 413 or 503 waiting in their receive buffer. So
 * the server half-closes (the client sees the answer, then the end of the stream) and reads and
 * drops what the client still sends until the client closes its side, or until a bound: 8 times
 * the body limit in bytes, the body timeout (at most 30 s, nginx's {@code lingering_time}) in
 * all, or 5 s without a byte (nginx's {@code lingering_timeout}). A client still sending after
 * that is not finishing a request, and is cut off.
 *
 * <p>Bytes are dropped from the moment the answer is decided ({@link #discardFromNow()}), so a
 * refused body is never decoded, and never held.
 */
final class LingeringClose {
  /** Bodies' worth of bytes dropped at most. */
  private static final long MAX_BODIES = 8;
  private static final Duration MAX_TIME = Duration.ofSeconds(30);
  private static final Duration QUIET_TIME = Duration.ofSeconds(5);

  private final long maxBytes;
  private final long maxNanos;
  private final long quietNanos;
  private boolean discarding;
  private long dropped;
  private long deadline;
  private long lastByte;
  private ScheduledFuture<?> tick;

  LingeringClose(RestServer.Limits limits) {
    maxBytes = MAX_BODIES * limits.maxBodyBytes();
    maxNanos = Math.min(limits.bodyTimeout().toNanos(), MAX_TIME.toNanos());
    quietNanos = Math.min(QUIET_TIME.toNanos(), maxNanos);
  }

  /** Whether what arrives now is dropped unread. */
  boolean discarding() {
    return discarding;
  }

  /** From now on, what the client sends is dropped (the answer is decided; it closes after). */
  void discardFromNow() {
    discarding = true;
  }

  /** Drops bytes the client sent; past the byte bound, closes. */
  void drop(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf bytes) {
      dropped += bytes.readableBytes();
    } else if (msg instanceof ByteBufHolder holder) {
      dropped += holder.content().readableBytes();
    }
    ReferenceCountUtil.release(msg);
    lastByte = System.nanoTime();
    if (dropped > maxBytes) {
      ctx.close();
    }
  }

  /**
   * The answer is out: half-closes and keeps reading (and dropping) until the client closes, or a
   * bound is reached.
   */
  void start(ChannelHandlerContext ctx) {
    discarding = true;
    if (!(ctx.channel() instanceof SocketChannel socket) || !socket.isActive()) {
      ctx.close();
      return;
    }
    lastByte = System.nanoTime();
    deadline = lastByte + maxNanos;
    socket.shutdownOutput();
    socket.config().setAutoRead(true);
    scheduleCheck(ctx, quietNanos);
  }

  private void scheduleCheck(ChannelHandlerContext ctx, long delayNanos) {
    tick = ctx.executor().schedule(() -> check(ctx), Math.max(delayNanos, 0),
        TimeUnit.NANOSECONDS);
  }

  private void check(ChannelHandlerContext ctx) {
    long now = System.nanoTime();
    long quietUntil = lastByte + quietNanos;
    if (now - deadline >= 0 || now - quietUntil >= 0) {
      ctx.close();
      return;
    }
    scheduleCheck(ctx, Math.min(quietUntil, deadline) - now);
  }

  /** The connection is gone: stops the clock. */
  void cancel() {
    if (tick != null) {
      tick.cancel(false);
      tick = null;
    }
  }
}
