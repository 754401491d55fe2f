package dev.tfjava.course.serve.batching;

import dev.tfjava.course.serve.core.PredictRequest;
import dev.tfjava.course.serve.core.PredictResponse;
import dev.tfjava.course.serve.core.TensorValues;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
}
