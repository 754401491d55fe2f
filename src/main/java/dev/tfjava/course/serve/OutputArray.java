package dev.tfjava.course.serve;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * An output tensor copied out in bulk into a Java array (so the tensor can be closed at once),
 * written back as JSON in its natural nesting: whole, or one row of its first dimension at a time
 * for the row format. Floats are written in their shortest round-tripping form.
 */
final class OutputArray {

  /** Writes element {@code index} of the flat array. */
  @FunctionalInterface
  private interface Element {
    void write(JsonGenerator json, int index) throws IOException;
  }

  private final String alias;
  private final long[] shape;
  private final Element element;

  private OutputArray(String alias, long[] shape, Element element) {
    this.alias = alias;
    this.shape = shape;
    this.element = element;
  }

  /** Copies {@code tensor}, the output named {@code alias}. */
  static OutputArray of(String alias, Tensor tensor) {
    long[] shape = tensor.shape().asArray();
    int count = Math.toIntExact(tensor.shape().size());
    Element element;
    if (tensor instanceof TFloat32 t) {
      float[] v = new float[count];
      t.copyTo(DataBuffers.of(v, false, false));
      element = (json, i) -> json.writeNumber(v[i]);
    } else if (tensor instanceof TFloat64 t) {
      double[] v = new double[count];
      t.copyTo(DataBuffers.of(v, false, false));
      element = (json, i) -> json.writeNumber(v[i]);
    } else if (tensor instanceof TInt32 t) {
      int[] v = new int[count];
      t.copyTo(DataBuffers.of(v, false, false));
      element = (json, i) -> json.writeNumber(v[i]);
    } else if (tensor instanceof TInt64 t) {
      long[] v = new long[count];
      t.copyTo(DataBuffers.of(v, false, false));
      element = (json, i) -> json.writeNumber(v[i]);
    } else if (tensor instanceof TBool t) {
      boolean[] v = new boolean[count];
      t.copyTo(DataBuffers.of(v, false, false));
      element = (json, i) -> json.writeBoolean(v[i]);
    } else {
      // The model's own output type: nothing a client could change, so a server fault.
      throw new ServingException(500, "output '" + alias + "' has dtype " + tensor.dataType()
          + ", which this server does not encode");
    }
    return new OutputArray(alias, shape, element);
  }

  /** The size of the first dimension, or -1 for a scalar. */
  long batchSize() {
    return shape.length == 0 ? -1 : shape[0];
  }

  String alias() {
    return alias;
  }

  /** The whole tensor (the columnar format). */
  void writeWhole(JsonGenerator json) throws IOException {
    write(json, 0, 0);
  }

  /** Row {@code row} of the first dimension (one instance of the row format). */
  void writeRow(JsonGenerator json, int row) throws IOException {
    write(json, 1, row * stride(1));
  }

  private void write(JsonGenerator json, int dim, int offset) throws IOException {
    if (dim == shape.length) {
      element.write(json, offset);
      return;
    }
    int stride = stride(dim + 1);
    json.writeStartArray();
    for (int i = 0; i < shape[dim]; i++) {
      write(json, dim + 1, offset + i * stride);
    }
    json.writeEndArray();
  }

  private int stride(int fromDim) {
    long stride = 1;
    for (int d = fromDim; d < shape.length; d++) {
      stride *= shape[d];
    }
    return (int) stride;
  }
}
