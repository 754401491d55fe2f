package dev.tfjava.course.serve.rest;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * The request a connection is receiving: its route (or the error its URL gets), its admission
 * (a place among the requests in flight, and its body's bytes in the byte budget, decided from
 * the head) and its body, until it is handed over to run or given back.
 */
final class RequestIntake {
  /**
   * Predict bodies up to this size are received on the Java heap, where the JSON fast path reads
   * them as an array; larger ones (and chunked ones, whose size is not known) stay off-heap, so a
   * few maximum-size bodies do not need a heap that large (the documented memory envelope).
   */
  private static final long HEAP_BODY_BYTES = 1 << 20;

  /** What a request hands over once its body is in: the call's to run and give back. */
  record Taken(RestRoute route, ByteBuf body, long reservedBytes, String what, boolean keepAlive) {}

  private final ConnectionHandler.Server server;
  private String what;
  private RestRoute route;
  private HttpError routeError;
  private boolean keepAlive;
  private boolean admitted;
  private long reserved;
  private long received;
  private ByteBuf body;

  RequestIntake(ConnectionHandler.Server server) {
    this.server = server;
  }

  /**
   * Takes a request's head: routes it, admits it and sizes its body buffer. Returns the refusal
   * to answer at once without reading the body (too large, shutting down, overloaded), or null.
   */
  HttpError start(ChannelHandlerContext ctx, HttpRequest request) {
    what = request.method() + " " + abbreviate(request.uri());
    keepAlive = HttpUtil.isKeepAlive(request);
    received = 0;
    try {
      route = server.api().route(request.method().name(),
          new QueryStringDecoder(request.uri()).path());
      routeError = null;
    } catch (HttpError e) {
      route = null;
      routeError = e;
    } catch (IllegalArgumentException e) {
      route = null;
      routeError = new HttpError(400, "Bad URL " + abbreviate(request.uri()) + ": "
          + e.getMessage());
    }
    long length = HttpUtil.getContentLength(request, -1L);
    long limit = server.limits().maxBodyBytes();
    if (length > limit) {
      return tooLarge();
    }
    if (routeError != null) {
      return null;
    }
    if (server.core().closing().getAsBoolean()) {
      return new HttpError(503, "The server is shutting down; retry later");
    }
    if (!server.core().admission().tryEnter()) {
      return overloaded("all workers busy and the queue full");
    }
    admitted = true;
    // Predict, classify and regress have a body to read.
    if ("POST".equals(route.kind().method)) {
      if (length > 0 && !server.core().admission().tryReserve(length)) {
        return overloaded("too many request bytes in flight");
      }
      reserved = Math.max(length, 0);
      body = length < 0 ? ctx.alloc().directBuffer(8192, (int) limit)
          : length <= HEAP_BODY_BYTES ? ctx.alloc().heapBuffer((int) length, (int) length)
          : ctx.alloc().directBuffer((int) length, (int) length);
    }
    return null;
  }

  /** Adds a piece of the body; returns the refusal when it passes a limit, else null. */
  HttpError add(ByteBuf content) {
    received += content.readableBytes();
    if (received > server.limits().maxBodyBytes()) {
      return tooLarge();
    }
    if (body == null) {
      return null; // an error answered once the body is in, or a GET: nothing to keep
    }
    if (received > reserved) {
      // A chunked body: its bytes are reserved as they come.
      if (!server.core().admission().tryReserve(received - reserved)) {
        return overloaded("too many request bytes in flight");
      }
      reserved = received;
    }
    body.writeBytes(content);
    return null;
  }

  /** The error the request's URL gets (answered once its body is in), or null. */
  HttpError routeError() {
    return routeError;
  }

  boolean keepAlive() {
    return keepAlive;
  }

  /** Hands the body and the admission over to the call, which gives them back. */
  Taken take() {
    Taken taken = new Taken(route, body == null ? Unpooled.EMPTY_BUFFER : body, reserved, what,
        keepAlive);
    body = null;
    reserved = 0;
    admitted = false;
    return taken;
  }

  /** Forgets the answered request's route. */
  void clear() {
    route = null;
    routeError = null;
  }

  /** Gives back what the request being received holds (it will not run). */
  void settle() {
    if (body != null) {
      body.release();
      body = null;
    }
    server.core().admission().release(reserved);
    reserved = 0;
    if (admitted) {
      server.core().admission().leave();
      admitted = false;
    }
  }

  private HttpError tooLarge() {
    return new HttpError(413, "The request body is larger than the server's limit of "
        + server.limits().maxBodyBytes() + " bytes (serve --max-body-mb)");
  }

  private static HttpError overloaded(String why) {
    return new HttpError(503, "The server is overloaded (" + why + "); retry later");
  }

  private static String abbreviate(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }
}
