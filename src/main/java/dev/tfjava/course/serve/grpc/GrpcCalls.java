package dev.tfjava.course.serve.grpc;

import dev.tfjava.course.serve.core.ServingCore;
import dev.tfjava.course.serve.core.ServingException;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * How every gRPC call runs, the way REST's do: a slot from the core's admission (else
 * UNAVAILABLE), the message's bytes counted in the in-flight budget (else UNAVAILABLE;
 * RESOURCE_EXHAUSTED for one message larger than the whole budget), the work on the core's
 * workers, and every outcome a status: a {@link ServingException}'s own code, RESOURCE_EXHAUSTED
 * when memory ran out, INTERNAL (logged with its stack trace) for anything else. A call whose
 * client gave up or whose deadline passed while it waited is not run.
 */
final class GrpcCalls {
  /** TF Serving cuts error messages at this length ({@code grpc_status_util.cc}). */
  static final int MAX_MESSAGE_CHARS = 1024;

  private final ServingCore core;

  GrpcCalls(ServingCore core) {
    this.core = core;
  }

  /** Runs {@code work} for a request of {@code bytes} serialized bytes and answers with it. */
  <T> void run(String what, long bytes, StreamObserver<T> observer, Supplier<T> work) {
    if (core.closing().getAsBoolean()) {
      observer.onError(status(Status.UNAVAILABLE, "The server is shutting down; retry later"));
      return;
    }
    if (bytes > core.admission().maxBytes()) {
      observer.onError(status(Status.RESOURCE_EXHAUSTED, "The request is " + bytes + " bytes, more"
          + " than the server holds at once (" + core.admission().maxBytes()
          + " bytes: serve --max-inflight-mb)"));
      return;
    }
    if (!core.admission().tryEnter()) {
      observer.onError(status(Status.UNAVAILABLE,
          "The server is overloaded (all workers busy and the queue full); retry later"));
      return;
    }
    if (!core.admission().tryReserve(bytes)) {
      core.admission().leave();
      observer.onError(status(Status.UNAVAILABLE,
          "The server is overloaded (too many request bytes in flight); retry later"));
      return;
    }
    Context context = Context.current();
    try {
      core.workers().execute(context.wrap(() -> {
        try {
          if (context.isCancelled()) {
            observer.onError(status(Status.DEADLINE_EXCEEDED.withCause(context.cancellationCause()),
                "The call was cancelled or its deadline passed before it ran"));
            return;
          }
          answer(what, observer, work);
        } finally {
          core.admission().release(bytes);
          core.admission().leave();
        }
      }));
    } catch (RejectedExecutionException e) {
      core.admission().release(bytes);
      core.admission().leave();
      observer.onError(status(Status.UNAVAILABLE, "The server is shutting down; retry later"));
    }
  }

  private <T> void answer(String what, StreamObserver<T> observer, Supplier<T> work) {
    T response;
    try {
      response = work.get();
    } catch (ServingException e) {
      observer.onError(status(Status.fromCodeValue(e.code().number()), e.getMessage()));
      return;
    } catch (OutOfMemoryError e) {
      core.log().accept("out of memory on gRPC " + what + ": " + e.getMessage());
      observer.onError(status(Status.RESOURCE_EXHAUSTED, "The server ran out of memory for this"
          + " request; retry later or send smaller batches"));
      return;
    } catch (RuntimeException e) {
      java.io.StringWriter trace = new java.io.StringWriter();
      e.printStackTrace(new java.io.PrintWriter(trace));
      core.log().accept("internal error on gRPC " + what + ": " + trace);
      observer.onError(status(Status.INTERNAL, "Internal error: " + e));
      return;
    }
    observer.onNext(response);
    observer.onCompleted();
  }

  /** A status with {@code message}, cut as TF Serving cuts it. */
  static StatusRuntimeException status(Status status, String message) {
    String text = message.length() <= MAX_MESSAGE_CHARS ? message
        : message.substring(0, MAX_MESSAGE_CHARS);
    return status.withDescription(text).asRuntimeException();
  }
}
