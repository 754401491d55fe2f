package dev.tfjava.course.serve.core;

import java.util.Arrays;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;

/**
 * One named input or output of a signature as the SavedModel declares it: the graph tensor it
 * binds to ({@code X:0}), its dtype and its shape, where -1 is a dimension of any size (the batch).
 *
 * @param dims the declared dimensions; meaningless when {@code unknownRank}
 */
public record TensorSpec(String alias, String tensorName, DataType dtype, long[] dims,
    boolean unknownRank) {

  /** Reads a signature's {@code TensorInfo}. */
  public static TensorSpec of(String alias, TensorInfo info) {
    TensorShapeProto shape = info.getTensorShape();
    long[] dims = shape.getDimList().stream().mapToLong(TensorShapeProto.Dim::getSize).toArray();
    return new TensorSpec(alias, info.getName(), info.getDtype(), dims, shape.getUnknownRank());
  }

  /** Whether a value of {@code shape} fits the declared shape (-1 matches any size). */
  public boolean accepts(long[] shape) {
    if (unknownRank) {
      return true;
    }
    if (shape.length != dims.length) {
      return false;
    }
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] >= 0 && dims[i] != shape[i]) {
        return false;
      }
    }
    return true;
  }

  /** The declared shape as TensorFlow prints it, e.g. {@code [-1,784]} or {@code <unknown>}. */
  public String shapeText() {
    return unknownRank ? "<unknown>" : formatShape(dims);
  }

  /** A shape as {@code [2,784]}. */
  public static String formatShape(long[] shape) {
    return Arrays.toString(shape).replace(" ", "");
  }
}
