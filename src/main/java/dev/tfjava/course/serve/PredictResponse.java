package dev.tfjava.course.serve;

import java.util.List;

/**
 * Writes a prediction the way TensorFlow Serving does. Row format: {@code {"predictions": [...]}}
 * with one entry per instance, the output's value when the signature has one output, else an
 * object of all outputs. Columnar: {@code {"outputs": value}} with one output, else an object of
 * whole output tensors.
 */
final class PredictResponse {
  private PredictResponse() {}

  /** The outputs of one session run over {@code rows} instances, in the signature's order. */
  record Slice(long rows, List<OutputArray> outputs) {}

  /** The columnar answer: {@code outputs} in the signature's order. */
  static byte[] columnar(List<OutputArray> outputs) {
    boolean single = outputs.size() == 1;
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

  /** The row-format answer over the slices a batch ran in, in order. */
  static byte[] rows(List<Slice> slices) {
    long instances = slices.stream().mapToLong(Slice::rows).sum();
    for (Slice slice : slices) {
      for (OutputArray output : slice.outputs()) {
        if (output.batchSize() != slice.rows()) {
          throw ServingException.badRequest("Output '" + output.alias() + "' does not have one"
              + " row per instance (" + instances + " instances, first dimension "
              + output.batchSize() + "); use the columnar 'inputs' format for this signature");
        }
      }
    }
    boolean single = slices.get(0).outputs().size() == 1;
    return ServingJson.write(json -> {
      json.writeStartObject();
      json.writeArrayFieldStart("predictions");
      for (Slice slice : slices) {
        for (int row = 0; row < slice.rows(); row++) {
          if (single) {
            slice.outputs().get(0).writeRow(json, row);
          } else {
            json.writeStartObject();
            for (OutputArray output : slice.outputs()) {
              json.writeFieldName(output.alias());
              output.writeRow(json, row);
            }
            json.writeEndObject();
          }
        }
      }
      json.writeEndArray();
      json.writeEndObject();
    });
  }
}
