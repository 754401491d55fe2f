package dev.tfjava.course.serve.core;

import java.util.concurrent.CompletableFuture;

/**
 * The one place a predict call enters the core, from every front door (REST, gRPC, the
 * {@code predict} command): whatever wraps it (metrics, batching) sees every call.
 */
@FunctionalInterface
public interface PredictService {

  /**
   * Answers one call.
   *
   * @throws ServingException for a request the server refuses, with TF Serving's error code
   */
  PredictResponse predict(PredictRequest request);

  /**
   * Answers one call that must be answered by {@code deadline}: DEADLINE_EXCEEDED when it passes
   * before the answer. A call that runs at once has nothing to wait for (this default); the
   * batcher, where calls wait for their batch, overrides it.
   */
  default PredictResponse predict(PredictRequest request, Deadline deadline) {
    if (deadline.passed()) {
      throw Deadline.exceeded("the call's deadline passed before it ran");
    }
    return predict(request);
  }

  /**
   * Answers one call without a deadline, possibly later and on another thread, so that no thread
   * has to wait with it: the future completes with the answer, or exceptionally with what the
   * call met (a {@link ServingException}, or an error such as running out of memory). The
   * request's inputs are decoded before this returns, so its body may be released then. This
   * default answers at once on the calling thread; the batcher returns while the call waits for
   * its batch.
   */
  default CompletableFuture<PredictResponse> submit(PredictRequest request) {
    try {
      return CompletableFuture.completedFuture(predict(request));
    } catch (RuntimeException | OutOfMemoryError e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Whether {@link #submit} only decodes and queues, and never runs TensorFlow on the calling
   * thread (the batcher): a door may then submit from a thread that must not block for a run,
   * such as a connection's event loop. False for this default, which runs the call in submit.
   */
  default boolean submitQueues() {
    return false;
  }
}
