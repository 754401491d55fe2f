package dev.tfjava.course.serve;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.tensorflow.Result;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TFInvalidArgumentException;

/**
 * The predict API from a body to body bytes: scan, lease the model, decode the inputs against the
 * signature, run the session, encode the outputs. The HTTP server and the {@code predict} command
 * both go through here, so they answer with the same JSON. A row-format batch whose inputs all
 * have a free batch dimension runs in slices of {@link #ROWS_PER_RUN} instances, so that
 * TensorFlow's working memory for a request is bounded whatever its size (a 16 MB MNIST body is
 * ~3,900 images: 1.2 GB of activations in one run, 40 MB in slices). Every tensor made for a
 * request is closed as soon as its slice has run, whatever happens.
 */
public final class Predictor {
  /** Instances per session run; more than any benchmark request, and its activations stay small. */
  static final int ROWS_PER_RUN = 128;

  private final ModelSource models;

  public Predictor(ModelSource models) {
    this.models = models;
  }

  /** {@link #predict(String, OptionalLong, PredictRequest.Body)} for a body in a byte array. */
  public byte[] predict(String model, OptionalLong version, byte[] body) {
    return predict(model, version, PredictRequest.Body.of(body));
  }

  /**
   * Answers one {@code :predict} call.
   *
   * @throws ServingException with the status to answer for a bad request, unknown model, version
   *     or signature
   */
  public byte[] predict(String model, OptionalLong version, PredictRequest.Body body) {
    PredictRequest request = PredictRequest.scan(body);
    try (ModelLease lease = models.acquire(model, version)) {
      LoadedModel loaded = lease.model();
      ServingSignature signature = loaded.predictSignature(request.signatureName());
      PredictRequest.Inputs inputs = request.decode(signature);
      if (request.format() == PredictRequest.Format.COLUMNAR) {
        return PredictResponse.columnar(run(loaded, signature, inputs.whole()));
      }
      long rows = inputs.rows();
      long step = inputs.sliceable() ? ROWS_PER_RUN : rows;
      List<PredictResponse.Slice> slices = new ArrayList<>();
      for (long from = 0; from < rows; from += step) {
        long count = Math.min(step, rows - from);
        slices.add(new PredictResponse.Slice(count,
            run(loaded, signature, inputs.rows(from, count))));
      }
      return PredictResponse.rows(slices);
    }
  }

  /** Runs the signature on {@code inputs} (closing them) and copies its outputs out. */
  private static List<OutputArray> run(LoadedModel model, ServingSignature signature,
      Map<String, Tensor> inputs) {
    try (Result result = model.run(signature.key(), inputs)) {
      List<OutputArray> outputs = new ArrayList<>();
      for (String alias : signature.outputs().keySet()) {
        Tensor tensor = result.get(alias).orElseThrow(
            () -> new IllegalStateException("the session returned no output '" + alias + "'"));
        outputs.add(OutputArray.of(alias, tensor));
      }
      return outputs;
    } catch (TFInvalidArgumentException e) {
      // Shapes the signature leaves open can still be wrong for the graph (e.g. a reshape).
      throw ServingException.badRequest(firstLine(e.getMessage()));
    } finally {
      inputs.values().forEach(Tensor::close);
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
