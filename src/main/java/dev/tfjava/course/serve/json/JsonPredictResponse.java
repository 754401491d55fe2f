package dev.tfjava.course.serve.json;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.tfjava.course.serve.core.PredictResponse;
import dev.tfjava.course.serve.core.TensorValues;
import java.io.IOException;
import java.util.Map;

/**
 * Writes a prediction the way TensorFlow Serving does. Row format: {@code {"predictions": [...]}}
 * with one entry per instance, the output's value when the signature has one output, else an
 * object of all outputs. Columnar: {@code {"outputs": value}} with one output, else an object of
 * whole output tensors. Values are nested lists in the tensor's shape; floats are written in their
 * shortest round-tripping form.
 */
public final class JsonPredictResponse {
  private JsonPredictResponse() {}

  /** The columnar answer: {@code outputs} in the response's order. */
  public static byte[] columnar(PredictResponse response) {
    Map<String, TensorValues> outputs = response.outputs();
    return ServingJson.write(json -> {
      json.writeStartObject();
      json.writeFieldName("outputs");
      if (outputs.size() == 1) {
        write(json, outputs.values().iterator().next(), 0, 0);
      } else {
        json.writeStartObject();
        for (Map.Entry<String, TensorValues> output : outputs.entrySet()) {
          json.writeFieldName(output.getKey());
          write(json, output.getValue(), 0, 0);
        }
        json.writeEndObject();
      }
      json.writeEndObject();
    });
  }

  /**
   * The row-format answer for {@code instances} instances.
   *
   * @throws dev.tfjava.course.serve.core.ServingException INVALID_ARGUMENT when an output does
   *     not have one row per instance
   */
  public static byte[] rows(PredictResponse response, long instances) {
    Map<String, TensorValues> outputs = response.outputs();
    outputs.forEach((alias, output) -> {
      if (output.firstDim() != instances) {
        throw PredictResponse.notOnePerInstance(alias, instances, output.firstDim());
      }
    });
    return ServingJson.write(json -> {
      json.writeStartObject();
      json.writeFieldName("predictions");
      writeRows(json, outputs, instances);
      json.writeEndObject();
    });
  }

  /**
   * {@code instances} rows as a list, each the one value's row or an object of every value's
   * (the row format, of a response or of a request).
   */
  static void writeRows(JsonGenerator json, Map<String, TensorValues> values, long instances)
      throws IOException {
    boolean single = values.size() == 1;
    json.writeStartArray();
    for (int row = 0; row < instances; row++) {
      if (single) {
        writeRow(json, values.values().iterator().next(), row);
      } else {
        json.writeStartObject();
        for (Map.Entry<String, TensorValues> value : values.entrySet()) {
          json.writeFieldName(value.getKey());
          writeRow(json, value.getValue(), row);
        }
        json.writeEndObject();
      }
    }
    json.writeEndArray();
  }

  /** A whole tensor as nested lists in its shape. */
  static void writeWhole(JsonGenerator json, TensorValues values) throws IOException {
    write(json, values, 0, 0);
  }

  /** Row {@code row} of the first dimension (one instance of the row format). */
  private static void writeRow(JsonGenerator json, TensorValues values, int row)
      throws IOException {
    write(json, values, 1, row * stride(values.shape(), 1));
  }

  private static void write(JsonGenerator json, TensorValues values, int dim, int offset)
      throws IOException {
    long[] shape = values.shape();
    if (dim == shape.length) {
      element(json, values, offset);
      return;
    }
    int stride = stride(shape, dim + 1);
    json.writeStartArray();
    for (int i = 0; i < shape[dim]; i++) {
      write(json, values, dim + 1, offset + i * stride);
    }
    json.writeEndArray();
  }

  private static void element(JsonGenerator json, TensorValues values, int i) throws IOException {
    switch (values.dtype()) {
      case DT_FLOAT -> json.writeNumber(values.floats()[i]);
      case DT_DOUBLE -> json.writeNumber(values.doubles()[i]);
      case DT_INT32 -> json.writeNumber(values.ints()[i]);
      case DT_INT64 -> json.writeNumber(values.longs()[i]);
      case DT_BOOL -> json.writeBoolean(values.booleans()[i]);
      default -> throw new IllegalStateException("unsupported dtype " + values.dtype());
    }
  }

  private static int stride(long[] shape, int fromDim) {
    long stride = 1;
    for (int d = fromDim; d < shape.length; d++) {
      stride *= shape[d];
    }
    return (int) stride;
  }
}
