package dev.tfjava.course.serve.batching;

import dev.tfjava.course.serve.core.Deadline;
import dev.tfjava.course.serve.core.PredictRequest;
import dev.tfjava.course.serve.core.PredictResponse;
import dev.tfjava.course.serve.core.ServingException;
import dev.tfjava.course.serve.core.TensorValues;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One request waiting to join a batch: its decoded (already validated) inputs, its number of
 * instances, when it was queued, and the answer its caller waits for. The caller and the batch
 * race for it: a batch takes it ({@link #take}) or the caller gives up at its deadline
 * ({@link #abandon}), never both.
 */
final class BatchTask {
  private static final int WAITING = 0;
  private static final int TAKEN = 1;
  private static final int ABANDONED = 2;

  final PredictRequest request;
  final Map<String, TensorValues> inputs;
  final int rows;
  final long queuedAt = System.nanoTime();
  final CompletableFuture<PredictResponse> answer = new CompletableFuture<>();
  private final AtomicInteger state = new AtomicInteger(WAITING);

  /**
   * @param request the request with {@code inputs} already decoded into it (its fallback run)
   */
  BatchTask(PredictRequest request, Map<String, TensorValues> inputs, int rows) {
    this.request = request;
    this.inputs = inputs;
    this.rows = rows;
  }

  /** Claims the task for a batch; false if its caller has already given up. */
  boolean take() {
    return state.compareAndSet(WAITING, TAKEN);
  }

  /** The caller gives up; false if a batch has already taken the task (it runs regardless). */
  boolean abandon() {
    return state.compareAndSet(WAITING, ABANDONED);
  }

  boolean abandoned() {
    return state.get() == ABANDONED;
  }

  /** The task's answer, or DEADLINE_EXCEEDED once {@code deadline} passes. */
  PredictResponse await(Deadline deadline) {
    try {
      return answer.get(deadline.remainingNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      abandon(); // if its batch is already running, its answer is dropped
      throw Deadline.exceeded("the call's deadline passed while it waited for its batch");
    } catch (InterruptedException e) {
      abandon();
      Thread.currentThread().interrupt();
      throw ServingException.unavailable("The server is shutting down; retry later");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(cause);
    }
  }
}
