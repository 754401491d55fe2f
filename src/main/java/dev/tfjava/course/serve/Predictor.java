package dev.tfjava.course.serve;

import java.util.Map;
import java.util.OptionalLong;
import org.tensorflow.Result;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TFInvalidArgumentException;

/**
 * The predict API from body bytes to body bytes: parse, lease the model, decode the inputs against
 * the signature, run the session, encode the outputs. The HTTP server and the {@code predict}
 * command both go through here, so they answer with the same JSON. Every tensor made for a request
 * is closed before it returns, whatever happens.
 */
public final class Predictor {
  private final ModelSource models;

  public Predictor(ModelSource models) {
    this.models = models;
  }

  /**
   * Answers one {@code :predict} call.
   *
   * @throws ServingException with the status to answer for a bad request, unknown model, version
   *     or signature
   */
  public byte[] predict(String model, OptionalLong version, byte[] body) {
    PredictRequest request = PredictRequest.parse(body);
    try (ModelLease lease = models.acquire(model, version)) {
      ServingSignature signature = lease.model().predictSignature(request.signatureName());
      Map<String, Tensor> inputs = request.decodeInputs(signature);
      try (Result result = lease.model().run(signature.key(), inputs)) {
        return PredictResponse.write(request, signature, result);
      } catch (TFInvalidArgumentException e) {
        // Shapes the signature leaves open can still be wrong for the graph (e.g. a reshape).
        throw ServingException.badRequest(firstLine(e.getMessage()));
      } finally {
        inputs.values().forEach(Tensor::close);
      }
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "invalid argument";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
