package dev.tfjava.course.serve.batching;

import dev.tfjava.course.serve.config.BatchingParameters;
import dev.tfjava.course.serve.core.Deadline;
import dev.tfjava.course.serve.core.LoadedModel;
import dev.tfjava.course.serve.core.MetricsRecorder;
import dev.tfjava.course.serve.core.ModelLease;
import dev.tfjava.course.serve.core.ModelSource;
import dev.tfjava.course.serve.core.PredictRequest;
import dev.tfjava.course.serve.core.PredictResponse;
import dev.tfjava.course.serve.core.PredictService;
import dev.tfjava.course.serve.core.Predictor;
import dev.tfjava.course.serve.core.ServingException;
import dev.tfjava.course.serve.core.ServingSignature;
import dev.tfjava.course.serve.core.TensorSpec;
import dev.tfjava.course.serve.core.TensorValues;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Server-side batching ({@code --enable-batching}), TF Serving's batching session in front of the
 * {@link Predictor}: concurrent calls to the same model version, signature and outputs, with
 * inputs of the same inner shape, are stacked along the batch dimension into one session run
 * and split back. Each call is validated on its own before it joins a batch (its model, version,
 * signature, output filter and inputs: a bad request fails alone, with its own error, and never
 * costs the others). A batch that fails as a whole (a shape the signature leaves open but the
 * graph refuses, an output that is not one row per instance) is run again one call at a time,
 * so that each call gets exactly the answer or error it would have got unbatched. Calls that
 * cannot be stacked (a scalar input, inputs of different lengths, more instances than
 * {@code max_batch_size}) run unbatched.
 *
 * <p>A call without a deadline (REST) is queued by {@link #submit}, which returns at once: the
 * batch thread completes its answer, and no worker waits with it (one thread hand-over less per
 * call, and the workers no longer bound the batch sizes). A call with a deadline (gRPC) waits on its own
 * thread so that it can give up at the deadline.
 *
 * <p>The batches run through {@link Predictor#predict(LoadedModel, PredictRequest)}, so a batch
 * of more than 128 instances runs in slices like any request: batching never raises TensorFlow's
 * working memory per run. The models must treat instances independently (TF Serving's
 * requirement for batching; the course's models do).
 */
public final class BatchingService implements PredictService, AutoCloseable {
  private final ModelSource models;
  private final Predictor predictor;
  private final BatchingParameters parameters;
  private final MetricsRecorder metrics;
  private final BatchScheduler scheduler;
  private final Executor loneRuns;

  /**
   * @param loneRuns where a submitted call that cannot join a batch runs (the server's workers),
   *     so that {@link #submit} never runs TensorFlow on its caller's thread
   */
  public BatchingService(ModelSource models, Predictor predictor, BatchingParameters parameters,
      MetricsRecorder metrics, Executor loneRuns) {
    this.models = models;
    this.predictor = predictor;
    this.parameters = parameters;
    this.metrics = metrics;
    this.loneRuns = loneRuns;
    this.scheduler = new BatchScheduler(parameters, this::runBatch);
  }

  @Override
  public PredictResponse predict(PredictRequest request) {
    return predict(request, Deadline.NONE);
  }

  @Override
  public PredictResponse predict(PredictRequest request, Deadline deadline) {
    try (ModelLease lease = models.acquire(request.model())) {
      return enqueue(lease.model(), request, Runnable::run).await(deadline);
    }
  }

  /**
   * Queues the call and returns at once: the caller's thread is free while the call waits for
   * its batch, and the batch thread completes the answer. The model's lease is held until then.
   */
  @Override
  public CompletableFuture<PredictResponse> submit(PredictRequest request) {
    ModelLease lease;
    try {
      lease = models.acquire(request.model());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    BatchTask task;
    try {
      task = enqueue(lease.model(), request, loneRuns);
    } catch (RuntimeException | OutOfMemoryError e) {
      lease.close();
      return CompletableFuture.failedFuture(e);
    }
    return task.answer.whenComplete((response, error) -> lease.close());
  }

  /**
   * Validates and decodes {@code request} on the caller's thread, then queues it for a batch; a
   * call that cannot join one runs on {@code lone} (the caller's own thread for a waiting call).
   */
  private BatchTask enqueue(LoadedModel loaded, PredictRequest request, Executor lone) {
    // Everything a request can get wrong is found here, before it meets other requests.
    ServingSignature signature = loaded.predictSignature(request.signatureName());
    Set<String> outputs = Predictor.outputs(signature, request.outputFilter());
    Map<String, TensorValues> inputs = request.inputs().decode(signature);
    PredictRequest decoded = new PredictRequest(request.model(), signature.key(),
        s -> inputs, request.outputFilter(), request.instances());
    int rows = stackableRows(signature, inputs);
    BatchTask task = new BatchTask(decoded, inputs, rows);
    if (rows < 0) {
      try {
        lone.execute(() -> {
          try {
            task.answer.complete(predictor.predict(loaded, decoded));
          } catch (RuntimeException | OutOfMemoryError e) {
            task.answer.completeExceptionally(e);
          }
        });
      } catch (RejectedExecutionException e) {
        throw ServingException.unavailable("The server is shutting down; retry later");
      }
      return task;
    }
    scheduler.submit(new BatchKey(loaded, signature.key(), outputs, innerShapes(inputs)), task);
    return task;
  }

  /** The instances of a request that can join a batch, or -1 when it must run on its own. */
  private int stackableRows(ServingSignature signature, Map<String, TensorValues> inputs) {
    long rows = Predictor.freeBatch(signature) && Predictor.fitsDeclared(signature, inputs)
        ? Predictor.instances(inputs) : -1;
    return rows >= 1 && rows <= parameters.maxBatchSize() ? (int) rows : -1;
  }

  private static List<String> innerShapes(Map<String, TensorValues> inputs) {
    List<String> shapes = new ArrayList<>();
    inputs.forEach((alias, value) -> {
      long[] shape = value.shape();
      shapes.add(alias + ":" + value.dtype() + TensorSpec.formatShape(
          Arrays.copyOfRange(shape, 1, shape.length)));
    });
    return shapes;
  }

  /** Runs one batch on a batch thread and answers each of its tasks. */
  private void runBatch(BatchKey key, List<BatchTask> tasks) {
    LoadedModel model = key.model();
    // The batch's own reference: a caller that gives up at its deadline releases its lease, and
    // a bundle must never close under a running session. While any task is still waiting, its
    // caller's lease keeps the count above zero, so this fails only when all have left.
    if (!model.tryRetain()) {
      return;
    }
    try {
      List<BatchTask> taken = tasks.stream().filter(BatchTask::take).toList();
      if (taken.isEmpty()) {
        return;
      }
      long started = System.nanoTime();
      taken.forEach(t -> metrics.batchQueued(parameters.threadPoolName(), started - t.queuedAt));
      new StackedRun(predictor, parameters, metrics).run(model, key, taken);
    } finally {
      model.release();
    }
  }

  @Override
  public boolean submitQueues() {
    return true;
  }

  /** Refuses new calls and runs what is queued (call after the workers have drained). */
  @Override
  public void close() {
    scheduler.close();
  }
}
