package dev.tfjava.course.train;

import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * Moves float data between Java arrays and tensors in bulk. Bulk copies are ~7x faster than
 * element-by-element setters, which matters when feeding every training step.
 */
public final class Tensors {
  private Tensors() {}

  /** A new float tensor of {@code shape} holding {@code data} (row-major); the caller closes it. */
  public static TFloat32 of(float[] data, long... shape) {
    Shape s = Shape.of(shape);
    if (s.size() != data.length) {
      throw new IllegalArgumentException(
          "shape " + s + " needs " + s.size() + " values, got " + data.length);
    }
    return TFloat32.tensorOf(s, DataBuffers.of(data, true, false));
  }

  /**
   * A new float tensor of {@code shape} holding the values of {@code data} from {@code offset} on
   * (row-major), e.g. one batch of a large array, without an intermediate Java copy; the caller
   * closes it.
   */
  public static TFloat32 slice(float[] data, long offset, long... shape) {
    Shape s = Shape.of(shape);
    if (offset < 0 || offset + s.size() > data.length) {
      throw new IllegalArgumentException("shape " + s + " from offset " + offset
          + " runs past the " + data.length + " values");
    }
    return TFloat32.tensorOf(s, DataBuffers.of(data, true, false).slice(offset, s.size()));
  }

  /** All values of a float tensor, row-major. */
  public static float[] toArray(TFloat32 tensor) {
    float[] values = new float[Math.toIntExact(tensor.shape().size())];
    tensor.copyTo(DataBuffers.of(values, false, false));
    return values;
  }

  /** All values of a fetched tensor that must be float32. */
  public static float[] toArray(Tensor tensor) {
    return toArray(asFloat(tensor));
  }

  /**
   * Copies the values of a fetched float32 tensor into {@code into}, which must be at least that
   * long, and returns their count: a buffer reused for every fetch allocates nothing per call.
   */
  public static int copyInto(Tensor tensor, float[] into) {
    TFloat32 floats = asFloat(tensor);
    int count = Math.toIntExact(floats.shape().size());
    floats.copyTo(DataBuffers.of(into, false, false).narrow(count));
    return count;
  }

  /** The single value of a scalar float tensor. */
  public static float scalar(Tensor tensor) {
    return asFloat(tensor).getFloat();
  }

  private static TFloat32 asFloat(Tensor tensor) {
    if (!(tensor instanceof TFloat32 floats)) {
      throw new IllegalArgumentException("expected a float32 tensor, got " + tensor.dataType());
    }
    return floats;
  }
}
