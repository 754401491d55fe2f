package dev.tfjava.course.serve;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Result;
import org.tensorflow.Tensor;

/**
 * Writes a prediction the way TensorFlow Serving does. Row format: {@code {"predictions": [...]}}
 * with one entry per instance, the output's value when the signature has one output, else an
 * object of all outputs. Columnar: {@code {"outputs": value}} with one output, else an object of
 * whole output tensors.
 */
final class PredictResponse {
  private PredictResponse() {}

  /** Copies the outputs out of {@code result} and writes the response body. */
  static byte[] write(PredictRequest request, ServingSignature signature, Result result) {
    List<OutputArray> outputs = new ArrayList<>();
    for (String alias : signature.outputs().keySet()) {
      Tensor tensor = result.get(alias).orElseThrow(
          () -> new IllegalStateException("the session returned no output '" + alias + "'"));
      outputs.add(OutputArray.of(alias, tensor));
    }
    boolean single = outputs.size() == 1;
    if (request.format() == PredictRequest.Format.COLUMNAR) {
      return ServingJson.write(json -> {
        json.writeStartObject();
        json.writeFieldName("outputs");
        if (single) {
          outputs.get(0).writeWhole(json);
        } else {
          json.writeStartObject();
          for (OutputArray output : outputs) {
            json.writeFieldName(output.alias());
            output.writeWhole(json);
          }
          json.writeEndObject();
        }
        json.writeEndObject();
      });
    }
    int rows = request.batchSize();
    for (OutputArray output : outputs) {
      if (output.batchSize() != rows) {
        throw ServingException.badRequest("Output '" + output.alias() + "' does not have one row"
            + " per instance (" + rows + " instances, first dimension " + output.batchSize()
            + "); use the columnar 'inputs' format for this signature");
      }
    }
    return ServingJson.write(json -> {
      json.writeStartObject();
      json.writeArrayFieldStart("predictions");
      for (int row = 0; row < rows; row++) {
        if (single) {
          outputs.get(0).writeRow(json, row);
        } else {
          json.writeStartObject();
          for (OutputArray output : outputs) {
            json.writeFieldName(output.alias());
            output.writeRow(json, row);
          }
          json.writeEndObject();
        }
      }
      json.writeEndArray();
      json.writeEndObject();
    });
  }
}
