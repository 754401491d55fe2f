package dev.tfjava.course.serve.grpc;

import dev.tfjava.course.serve.core.Deadline;
import dev.tfjava.course.serve.core.ErrorCode;
import dev.tfjava.course.serve.core.ServingCore;
import dev.tfjava.course.serve.core.ServingException;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * How every gRPC call runs, the way REST's do: a slot from the core's admission (else
 * UNAVAILABLE), the message's bytes counted in the in-flight budget (else UNAVAILABLE;
 * RESOURCE_EXHAUSTED for one message larger than the whole budget), the work on the core's
 * workers, and every outcome a status: a {@link ServingException}'s own code, RESOURCE_EXHAUSTED
 * when memory ran out, INTERNAL (logged with its stack trace) for anything else. A call whose
 * client gave up or whose deadline passed while it waited is not run; the work gets the call's
 * deadline (the batcher does not run a request past it). Each call answered is reported to the
 * core's metrics with TF Serving's labels ({@code entrypoint} GRPC), each early refusal as one.
 */
final class GrpcCalls {
  /** TF Serving cuts error messages at this length ({@code grpc_status_util.cc}). */
  static final int MAX_MESSAGE_CHARS = 1024;
  /** TF Serving's {@code entrypoint} label for its gRPC door. */
  private static final String ENTRYPOINT = "GRPC";

  private final ServingCore core;

  GrpcCalls(ServingCore core) {
    this.core = core;
  }

  /**
   * Runs {@code work} for a request of {@code bytes} serialized bytes naming {@code model} and
   * answers with it; {@code what} is the method's name (TF Serving's {@code API} label).
   */
  <T> void run(String what, String model, long bytes, StreamObserver<T> observer,
      Function<Deadline, T> work) {
    long started = System.nanoTime();
    if (core.closing().getAsBoolean()) {
      refuse(observer, Status.UNAVAILABLE, "The server is shutting down; retry later");
      return;
    }
    if (bytes > core.admission().maxBytes()) {
      refuse(observer, Status.RESOURCE_EXHAUSTED, "The request is " + bytes + " bytes, more"
          + " than the server holds at once (" + core.admission().maxBytes()
          + " bytes: serve --max-inflight-mb)");
      return;
    }
    if (!core.admission().tryEnter()) {
      refuse(observer, Status.UNAVAILABLE,
          "The server is overloaded (all workers busy and the queue full); retry later");
      return;
    }
    if (!core.admission().tryReserve(bytes)) {
      core.admission().leave();
      refuse(observer, Status.UNAVAILABLE,
          "The server is overloaded (too many request bytes in flight); retry later");
      return;
    }
    Context context = Context.current();
    Deadline deadline = deadline(context);
    try {
      core.workers().execute(context.wrap(() -> {
        try {
          ErrorCode code;
          if (context.isCancelled()) {
            observer.onError(status(Status.DEADLINE_EXCEEDED.withCause(context.cancellationCause()),
                "The call was cancelled or its deadline passed before it ran"));
            code = ErrorCode.DEADLINE_EXCEEDED;
          } else {
            code = answer(what, observer, () -> work.apply(deadline));
          }
          core.metrics().answered(model, what, ENTRYPOINT, code, System.nanoTime() - started);
        } finally {
          core.admission().release(bytes);
          core.admission().leave();
        }
      }));
    } catch (RejectedExecutionException e) {
      core.admission().release(bytes);
      core.admission().leave();
      refuse(observer, Status.UNAVAILABLE, "The server is shutting down; retry later");
    }
  }

  /** The call's gRPC deadline on the core's clock ({@link Deadline#NONE} when it has none). */
  private static Deadline deadline(Context context) {
    io.grpc.Deadline deadline = context.getDeadline();
    return deadline == null ? Deadline.NONE
        : Deadline.after(Duration.ofNanos(deadline.timeRemaining(TimeUnit.NANOSECONDS)));
  }

  private void refuse(StreamObserver<?> observer, Status status, String message) {
    core.metrics().refused(ENTRYPOINT, status.getCode().name());
    observer.onError(status(status, message));
  }

  /** Answers with {@code work}'s response or its error; returns the outcome's code. */
  private <T> ErrorCode answer(String what, StreamObserver<T> observer, Supplier<T> work) {
    T response;
    try {
      response = work.get();
    } catch (ServingException e) {
      observer.onError(status(Status.fromCodeValue(e.code().number()), e.getMessage()));
      return e.code();
    } catch (OutOfMemoryError e) {
      core.log().accept("out of memory on gRPC " + what + ": " + e.getMessage());
      observer.onError(status(Status.RESOURCE_EXHAUSTED, "The server ran out of memory for this"
          + " request; retry later or send smaller batches"));
      return ErrorCode.RESOURCE_EXHAUSTED;
    } catch (RuntimeException e) {
      java.io.StringWriter trace = new java.io.StringWriter();
      e.printStackTrace(new java.io.PrintWriter(trace));
      core.log().accept("internal error on gRPC " + what + ": " + trace);
      observer.onError(status(Status.INTERNAL, "Internal error: " + e));
      return ErrorCode.INTERNAL;
    }
    observer.onNext(response);
    observer.onCompleted();
    return ErrorCode.OK;
  }

  /** A status with {@code message}, cut as TF Serving cuts it. */
  static StatusRuntimeException status(Status status, String message) {
    String text = message.length() <= MAX_MESSAGE_CHARS ? message
        : message.substring(0, MAX_MESSAGE_CHARS);
    return status.withDescription(text).asRuntimeException();
  }
}
