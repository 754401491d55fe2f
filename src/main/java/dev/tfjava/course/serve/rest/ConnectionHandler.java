package dev.tfjava.course.serve.rest;

import dev.tfjava.course.serve.core.ServingCore;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLException;

/**
 * One HTTP/1.1 connection, driven on its event loop: the request head and body are decoded there
 * (a slow client costs a buffer, never a thread), and only a complete request goes to the bounded
 * worker pool that runs TensorFlow. Every phase has a deadline: the head must arrive within the
 * header timeout of its first byte, the body within the body timeout of the head, an idle
 * keep-alive connection is closed after the idle timeout. Admission (count and body bytes) is
 * decided from the head; a refused request gets its JSON 503/413 at once (instead of
 * {@code 100 Continue} when the client asked for one), then the connection is closed the
 * lingering way ({@link LingeringClose}) so that a client still writing its body reads the answer
 * rather than a reset. Every framing error gets a JSON body too.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {
  /** What every connection shares. */
  record Server(RestServer.Limits limits, ServingCore core, RestApi api) {}

  private enum State { IDLE, HEAD, BODY, RUNNING, WRITING, DRAINING }

  /**
   * With batching, predict bodies up to this size are decoded and queued right on the event loop
   * (tens of microseconds): no worker is woken for a call that only waits for its batch.
   */
  private static final int EVENT_LOOP_BODY_BYTES = 64 << 10;

  private final Server server;
  private final LingeringClose linger;
  private ChannelHandlerContext self;
  private State state = State.IDLE;
  private final PhaseTimer timer = new PhaseTimer();
  private final RequestIntake request;
  /** Requests a pipelining client sent while one was running, replayed in order. */
  private final ArrayDeque<Object> queued = new ArrayDeque<>();
  private boolean inputClosed;

  ConnectionHandler(Server server) {
    this.server = server;
    this.linger = new LingeringClose(server.limits());
    this.request = new RequestIntake(server);
  }

  /**
   * Sits before the HTTP decoder: starts the header clock, and drops unread what a closing
   * connection still receives.
   */
  final ChannelInboundHandlerAdapter rawBytes = new ChannelInboundHandlerAdapter() {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (linger.discarding()) {
        linger.drop(ctx, msg);
        return;
      }
      if (state == State.IDLE) {
        state = State.HEAD;
        // The handler's own context: an answer written from here would miss the HTTP encoder.
        schedule(self, server.limits().headerTimeout());
      }
      ctx.fireChannelRead(msg);
    }
  };

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    self = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    schedule(ctx, server.limits().idleTimeout());
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    switch (state) {
      case RUNNING, WRITING -> queued.add(msg);
      case DRAINING -> ReferenceCountUtil.release(msg);
      default -> handle(ctx, msg);
    }
  }

  private void handle(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof HttpObject http && http.decoderResult().isFailure()) {
        framingError(ctx, HttpError.framing(http.decoderResult().cause()));
        return;
      }
      if (msg instanceof HttpRequest head) {
        startRequest(ctx, head);
      }
      if (msg instanceof HttpContent content && state == State.BODY) {
        HttpError refusal = request.add(content.content());
        if (refusal != null) {
          refuse(ctx, refusal);
        } else if (content instanceof LastHttpContent) {
          bodyComplete(ctx);
        }
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void startRequest(ChannelHandlerContext ctx, HttpRequest head) {
    state = State.BODY;
    schedule(ctx, server.limits().bodyTimeout());
    HttpError refusal = request.start(ctx, head);
    if (refusal != null) {
      refuse(ctx, refusal);
      return;
    }
    if (HttpUtil.is100ContinueExpected(head)) {
      if (request.routeError() != null) {
        // The final answer instead of 100: the client need not send a body nobody reads.
        refuse(ctx, request.routeError());
        return;
      }
      ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
          HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER));
    }
  }

  private void bodyComplete(ChannelHandlerContext ctx) {
    if (request.routeError() != null) {
      respond(ctx, RestApi.Response.error(request.routeError()), request.keepAlive());
      return;
    }
    state = State.RUNNING;
    timer.cancel();
    ctx.channel().config().setAutoRead(false);
    // From here on the call owns the body and the admission, and gives them back.
    RequestIntake.Taken call = request.take();
    RestRoute running = call.route();
    ByteBuf taken = call.body();
    long bytes = call.reservedBytes();
    // A call the batcher only queues is queued from here; anything that may run TensorFlow goes
    // to a worker, so that the event loop never waits for a run.
    boolean queuedHere = running.kind() == RestRoute.Kind.PREDICT
        && server.core().predictions().submitQueues()
        && taken.readableBytes() <= EVENT_LOOP_BODY_BYTES;
    Executor runner = queuedHere ? Runnable::run : server.core().workers();
    try {
      runner.execute(() -> {
        CompletableFuture<RestApi.Response> answer;
        try {
          answer = server.api().answer(running, taken, call.what(), task -> onLoop(ctx, task));
        } catch (Error e) {
          leaveAdmission(bytes);
          throw e;
        } finally {
          taken.release(); // read by now, even when the answer comes later
        }
        // With batching the answer completes on the batch thread, and this thread is free at
        // once: no thread waits with a queued call. The admission lasts until the answer.
        answer.thenAccept(response -> {
          leaveAdmission(bytes);
          onLoop(ctx, () -> respond(ctx, response, call.keepAlive()));
        });
      });
    } catch (RejectedExecutionException e) {
      taken.release();
      leaveAdmission(bytes);
      respond(ctx, RestApi.Response.error(503, "The server is shutting down; retry later"), false);
    }
  }

  /**
   * Runs {@code task} on the connection's event loop; on the calling thread once the loop has
   * stopped, so that whoever completes an answer (a batch thread) never meets the rejection.
   */
  private static void onLoop(ChannelHandlerContext ctx, Runnable task) {
    try {
      ctx.executor().execute(task);
    } catch (RejectedExecutionException e) {
      task.run();
    }
  }

  /** Gives back what a request handed to a worker held: its body bytes and its admission. */
  private void leaveAdmission(long bytes) {
    server.core().admission().release(bytes);
    server.core().admission().leave();
  }

  private void framingError(ChannelHandlerContext ctx, HttpError error) {
    settle();
    respond(ctx, RestApi.Response.error(error), false);
  }

  /** Answers a request that is not taken on, without reading its body, and closes. */
  private void refuse(ChannelHandlerContext ctx, HttpError e) {
    server.core().metrics().refused("REST", Integer.toString(e.status()));
    settle();
    respond(ctx, RestApi.Response.error(e), false);
  }

  private void respond(ChannelHandlerContext ctx, RestApi.Response response, boolean alive) {
    boolean keep = alive && !inputClosed && ctx.channel().isActive();
    state = State.WRITING;
    schedule(ctx, server.limits().bodyTimeout());
    FullHttpResponse http = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.valueOf(response.status()), Unpooled.wrappedBuffer(response.body()));
    http.headers().set(HttpHeaderNames.CONTENT_TYPE, response.contentType())
        .setInt(HttpHeaderNames.CONTENT_LENGTH, response.body().length);
    if (response.allow() != null) {
      http.headers().set(HttpHeaderNames.ALLOW, response.allow());
    }
    if (!keep) {
      http.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      // Nothing more is read as a request: what still comes is the rest of a refused body.
      linger.discardFromNow();
    }
    ctx.writeAndFlush(http).addListener(written -> {
      if (!written.isSuccess()) {
        ctx.close();
      } else if (keep) {
        nextRequest(ctx);
      } else {
        lingeringClose(ctx);
      }
    });
  }

  /** Back to waiting for a request; replays what a pipelining client sent meanwhile. */
  private void nextRequest(ChannelHandlerContext ctx) {
    state = State.IDLE;
    schedule(ctx, server.limits().idleTimeout());
    request.clear();
    while (!queued.isEmpty() && (state == State.IDLE || state == State.HEAD
        || state == State.BODY)) {
      if (state == State.IDLE) {
        state = State.HEAD;
        schedule(ctx, server.limits().headerTimeout());
      }
      handle(ctx, queued.poll());
    }
    ctx.channel().config().setAutoRead(true);
  }

  /** The answer is out and the connection closes: bounded read-and-drop first. */
  private void lingeringClose(ChannelHandlerContext ctx) {
    state = State.DRAINING;
    timer.cancel();
    queued.forEach(ReferenceCountUtil::release);
    queued.clear();
    if (inputClosed) {
      ctx.close();
      return;
    }
    linger.start(ctx);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof ChannelInputShutdownEvent) {
      inputClosed = true;
      switch (state) {
        case IDLE, DRAINING -> ctx.close();
        case HEAD, BODY -> framingError(ctx,
            HttpError.framing(new PrematureChannelClosureException()));
        default -> { } // the answer is on its way; the connection closes after it
      }
      return;
    }
    ctx.fireUserEventTriggered(event);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    timer.cancel();
    linger.cancel();
    settle();
    queued.forEach(ReferenceCountUtil::release);
    queued.clear();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Throwable tls = cause.getCause();
    if (tls instanceof NotSslRecordException) {
      // Its message is the client's bytes in hex: plain HTTP headers, perhaps a token.
      server.core().log().accept("connection error: not TLS (plain http to the https port?)");
    } else if (tls instanceof SSLException) {
      server.core().log().accept("connection error: TLS handshake failed: " + tls.getMessage());
    } else if (!(cause instanceof IOException)) {
      server.core().log().accept("connection error: " + cause);
    }
    ctx.close(); // a reset or broken pipe: the client is gone
  }

  /** Gives back what the request being received holds (it will not run). */
  private void settle() {
    request.settle();
  }

  private void schedule(ChannelHandlerContext ctx, Duration delay) {
    State phase = state;
    timer.schedule(ctx, delay, () -> timeout(ctx, phase));
  }

  private void timeout(ChannelHandlerContext ctx, State phase) {
    switch (phase) {
      case HEAD -> respond408(ctx, "The request head did not arrive within "
          + server.limits().headerTimeout().toSeconds() + " s");
      case BODY -> respond408(ctx, "The request body did not arrive within "
          + server.limits().bodyTimeout().toSeconds() + " s");
      default -> ctx.close(); // idle, a client not reading its answer
    }
  }

  private void respond408(ChannelHandlerContext ctx, String message) {
    settle();
    respond(ctx, RestApi.Response.error(408, message), false);
  }
}
