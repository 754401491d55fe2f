package dev.tfjava.course.serve.grpc;

import dev.tfjava.course.serve.core.ModelSpec;
import dev.tfjava.course.serve.core.PredictResponse;
import dev.tfjava.course.serve.core.ServingException;
import dev.tfjava.course.serve.core.ServingSignature;
import dev.tfjava.course.serve.core.TensorValues;
import dev.tfjava.course.serve.json.JsonPredictRequest;
import dev.tfjava.course.serve.json.JsonPredictResponse;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.tensorflow.proto.SignatureDef;

/**
 * TF Serving's JSON predict body sent over gRPC: the JSON is read against the signature that
 * GetModelMetadata reports (its dtypes), sent as TensorProtos to the version that answered, and
 * the outputs are printed as TF Serving's REST API prints them, so the two paths compare byte for
 * byte.
 */
public final class GrpcJsonPredictor {
  private final PredictionClient client;

  public GrpcJsonPredictor(PredictionClient client) {
    this.client = client;
  }

  /**
   * The REST answer to {@code body} for the servable {@code spec} names.
   *
   * @throws ServingException for a body that does not fit the signature (checked here)
   * @throws io.grpc.StatusRuntimeException for what the server refuses
   */
  public byte[] predict(ModelSpec spec, byte[] body) {
    JsonPredictRequest request = JsonPredictRequest.scan(JsonPredictRequest.Body.of(body));
    PredictionClient.Metadata metadata = client.metadata(spec);
    SignatureDef def = metadata.signatureDefs().get(request.signatureName());
    if (def == null) {
      throw ServingException.failedPrecondition("Serving signature key \""
          + request.signatureName() + "\" not found. (the model has "
          + metadata.signatureDefs().keySet() + ")");
    }
    Map<String, TensorValues> inputs = request.decode(
        ServingSignature.of(request.signatureName(), def));
    // The version that described the signature answers, even if a newer one loads meanwhile.
    ModelSpec pinned = ModelSpec.of(spec.name(), OptionalLong.of(metadata.version()));
    PredictResponse response = client.predict(pinned, request.signatureName(), inputs,
        List.of(), false);
    if (request.format() == JsonPredictRequest.Format.COLUMNAR) {
      return JsonPredictResponse.columnar(response);
    }
    long instances = inputs.values().stream().findFirst().map(TensorValues::firstDim).orElse(-1L);
    return JsonPredictResponse.rows(response, instances);
  }
}
