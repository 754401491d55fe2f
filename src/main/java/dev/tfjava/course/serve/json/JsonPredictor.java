package dev.tfjava.course.serve.json;

import dev.tfjava.course.serve.core.ModelSpec;
import dev.tfjava.course.serve.core.PredictRequest;
import dev.tfjava.course.serve.core.PredictResponse;
import dev.tfjava.course.serve.core.PredictService;
import dev.tfjava.course.serve.core.TensorValues;
import java.util.List;
import java.util.Map;
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
    JsonPredictRequest request = JsonPredictRequest.scan(body);
    boolean rows = request.format() == JsonPredictRequest.Format.ROW;
    AtomicLong instances = new AtomicLong(-1);
    PredictResponse response = service.predict(new PredictRequest(model,
        request.signatureName(), signature -> {
          Map<String, TensorValues> values = request.decode(signature);
          values.values().stream().findFirst().ifPresent(v -> instances.set(v.firstDim()));
          return values;
        }, List.of(), rows));
    return rows ? JsonPredictResponse.rows(response, instances.get())
        : JsonPredictResponse.columnar(response);
  }
}
