package dev.tfjava.course.serve.json;

import dev.tfjava.course.serve.core.ModelSpec;
import dev.tfjava.course.serve.core.PredictRequest;
import dev.tfjava.course.serve.core.PredictResponse;
import dev.tfjava.course.serve.core.PredictService;
import dev.tfjava.course.serve.core.TensorValues;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * TF Serving's JSON predict API, from a body to body bytes, through a {@link PredictService}: the
 * REST server and the {@code predict} command both answer here, so they send the same JSON.
 */
public final class JsonPredictor {
  private final PredictService service;

  public JsonPredictor(PredictService service) {
    this.service = service;
  }

  /** {@link #predict(ModelSpec, JsonPredictRequest.Body)} for a body in a byte array. */
  public byte[] predict(ModelSpec model, byte[] body) {
    return predict(model, JsonPredictRequest.Body.of(body));
  }

  /**
   * Answers one {@code :predict} call.
   *
   * @throws dev.tfjava.course.serve.core.ServingException for a bad request, unknown model,
   *     version or signature
   */
  public byte[] predict(ModelSpec model, JsonPredictRequest.Body body) {
    Call call = new Call(model, body);
    return call.answer(service.predict(call.request));
  }

  /**
   * Answers one {@code :predict} call through {@link PredictService#submit}: the body is read
   * before this returns; the future completes with the answer's bytes, or exceptionally with
   * what the call met. An answer that is not there at once (a call queued for its batch) is
   * written as JSON on {@code later}, which keeps that work off the batch thread: the batch
   * thread's time is every queued call's wait.
   */
  public CompletableFuture<byte[]> submit(ModelSpec model, Executor later,
      JsonPredictRequest.Body body) {
    Call call;
    try {
      call = new Call(model, body);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<PredictResponse> response = service.submit(call.request);
    return response.isDone() ? response.thenApply(call::answer)
        : response.thenApplyAsync(call::answer, later);
  }

  /** A scanned body as a request to the core, and how its answer is written back. */
  private static final class Call {
    final PredictRequest request;
    final boolean rows;
    /** The number of instances, known once the core has decoded the inputs. */
    final AtomicLong instances = new AtomicLong(-1);

    Call(ModelSpec model, JsonPredictRequest.Body body) {
      JsonPredictRequest scanned = JsonPredictRequest.scan(body);
      this.rows = scanned.format() == JsonPredictRequest.Format.ROW;
      this.request = new PredictRequest(model, scanned.signatureName(), signature -> {
        Map<String, TensorValues> values = scanned.decode(signature);
        values.values().stream().findFirst().ifPresent(v -> instances.set(v.firstDim()));
        return values;
      }, List.of(), rows);
    }

    byte[] answer(PredictResponse response) {
      return rows ? JsonPredictResponse.rows(response, instances.get())
          : JsonPredictResponse.columnar(response);
    }
  }
}
