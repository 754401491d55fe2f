package dev.tfjava.course.serve.core;

import java.util.Arrays;
import java.util.List;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * A tensor's values held in a Java primitive array, in row-major order, with its dtype and shape:
 * what a front door decodes a request's inputs into and what outputs are copied out into (so the
 * native tensor is closed at once). Float, double, int32, int64 and bool are supported, the dtypes
 * of the course's models. The array may be longer than the shape needs (a decoder's spare
 * capacity); only the first {@link #size()} elements count.
 */
public final class TensorValues {
  private final DataType dtype;
  private final long[] shape;
  private final Object array;
  private final int size;

  private TensorValues(DataType dtype, long[] shape, Object array) {
    this.dtype = dtype;
    this.shape = shape.clone();
    this.array = array;
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    if (n > java.lang.reflect.Array.getLength(array)) {
      throw new IllegalArgumentException("shape " + TensorSpec.formatShape(shape) + " needs " + n
          + " values, the array holds " + java.lang.reflect.Array.getLength(array));
    }
    this.size = (int) n;
  }

  public static TensorValues ofFloats(long[] shape, float[] values) {
    return new TensorValues(DataType.DT_FLOAT, shape, values);
  }

  public static TensorValues ofDoubles(long[] shape, double[] values) {
    return new TensorValues(DataType.DT_DOUBLE, shape, values);
  }

  public static TensorValues ofInts(long[] shape, int[] values) {
    return new TensorValues(DataType.DT_INT32, shape, values);
  }

  public static TensorValues ofLongs(long[] shape, long[] values) {
    return new TensorValues(DataType.DT_INT64, shape, values);
  }

  public static TensorValues ofBooleans(long[] shape, boolean[] values) {
    return new TensorValues(DataType.DT_BOOL, shape, values);
  }

  /**
   * Copies {@code tensor} out, the output named {@code alias}.
   *
   * @throws ServingException INTERNAL for a dtype this server does not encode (the model's own
   *     output type: nothing a client could change)
   */
  public static TensorValues copyOf(String alias, Tensor tensor) {
    long[] shape = tensor.shape().asArray();
    int count = Math.toIntExact(tensor.shape().size());
    if (tensor instanceof TFloat32 t) {
      float[] v = new float[count];
      t.copyTo(DataBuffers.of(v, false, false));
      return ofFloats(shape, v);
    } else if (tensor instanceof TFloat64 t) {
      double[] v = new double[count];
      t.copyTo(DataBuffers.of(v, false, false));
      return ofDoubles(shape, v);
    } else if (tensor instanceof TInt32 t) {
      int[] v = new int[count];
      t.copyTo(DataBuffers.of(v, false, false));
      return ofInts(shape, v);
    } else if (tensor instanceof TInt64 t) {
      long[] v = new long[count];
      t.copyTo(DataBuffers.of(v, false, false));
      return ofLongs(shape, v);
    } else if (tensor instanceof TBool t) {
      boolean[] v = new boolean[count];
      t.copyTo(DataBuffers.of(v, false, false));
      return ofBooleans(shape, v);
    }
    throw ServingException.internal("output '" + alias + "' has dtype " + tensor.dataType()
        + ", which this server does not encode");
  }

  /**
   * The parts joined along their first dimension (one output over the slices a batch ran in).
   * Every part has this dtype and the same trailing dimensions.
   */
  public static TensorValues concat(List<TensorValues> parts) {
    if (parts.size() == 1) {
      return parts.get(0);
    }
    TensorValues first = parts.get(0);
    long[] shape = first.shape.clone();
    shape[0] = parts.stream().mapToLong(p -> p.shape[0]).sum();
    int total = parts.stream().mapToInt(TensorValues::size).sum();
    Object joined = java.lang.reflect.Array.newInstance(first.array.getClass().getComponentType(),
        total);
    int at = 0;
    for (TensorValues part : parts) {
      System.arraycopy(part.array, 0, joined, at, part.size);
      at += part.size;
    }
    return new TensorValues(first.dtype, shape, joined);
  }

  /** A value of {@code shape} holding zeros (false), e.g. the padding rows of a batch. */
  public static TensorValues zeros(DataType dtype, long[] shape) {
    int n = Math.toIntExact(Arrays.stream(shape).reduce(1, Math::multiplyExact));
    return switch (dtype) {
      case DT_FLOAT -> ofFloats(shape, new float[n]);
      case DT_DOUBLE -> ofDoubles(shape, new double[n]);
      case DT_INT32 -> ofInts(shape, new int[n]);
      case DT_INT64 -> ofLongs(shape, new long[n]);
      case DT_BOOL -> ofBooleans(shape, new boolean[n]);
      default -> throw new IllegalArgumentException("unsupported dtype " + dtype);
    };
  }

  /** Rows {@code [from, from + count)} of the first dimension, copied (a request's part of a batch). */
  public TensorValues rowSlice(long from, long count) {
    long rowSize = shape[0] == 0 ? 0 : size / shape[0];
    long[] part = shape.clone();
    part[0] = count;
    int n = (int) (count * rowSize);
    Object copy = java.lang.reflect.Array.newInstance(array.getClass().getComponentType(), n);
    System.arraycopy(array, (int) (from * rowSize), copy, 0, n);
    return new TensorValues(dtype, part, copy);
  }

  public DataType dtype() {
    return dtype;
  }

  /** The shape (a copy). */
  public long[] shape() {
    return shape.clone();
  }

  /** The rank: 0 for a scalar. */
  public int rank() {
    return shape.length;
  }

  /** The size of the first dimension, or -1 for a scalar. */
  public long firstDim() {
    return shape.length == 0 ? -1 : shape[0];
  }

  /** How many values the shape holds. */
  public int size() {
    return size;
  }

  /** The values of a DT_FLOAT tensor (the backing array: read, do not change). */
  public float[] floats() {
    return (float[]) typed(DataType.DT_FLOAT);
  }

  public double[] doubles() {
    return (double[]) typed(DataType.DT_DOUBLE);
  }

  public int[] ints() {
    return (int[]) typed(DataType.DT_INT32);
  }

  public long[] longs() {
    return (long[]) typed(DataType.DT_INT64);
  }

  public boolean[] booleans() {
    return (boolean[]) typed(DataType.DT_BOOL);
  }

  private Object typed(DataType wanted) {
    if (dtype != wanted) {
      throw new IllegalStateException("a " + dtype + " tensor read as " + wanted);
    }
    return array;
  }

  /** The whole value as a native tensor; the caller closes it. */
  public Tensor tensor() {
    return shape.length == 0 ? tensor(Shape.scalar(), 0, 1) : rows(0, shape[0]);
  }

  /** Rows {@code [from, from + count)} of the first dimension as a native tensor; closed by the caller. */
  public Tensor rows(long from, long count) {
    long rowSize = shape[0] == 0 ? 0 : size / shape[0];
    long[] part = shape.clone();
    part[0] = count;
    return tensor(Shape.of(part), (int) (from * rowSize), (int) (count * rowSize));
  }

  private Tensor tensor(Shape of, int offset, int n) {
    return switch (dtype) {
      case DT_FLOAT -> TFloat32.tensorOf(of,
          DataBuffers.of((float[]) array, true, false).slice(offset, n));
      case DT_DOUBLE -> TFloat64.tensorOf(of,
          DataBuffers.of((double[]) array, true, false).slice(offset, n));
      case DT_INT32 -> TInt32.tensorOf(of,
          DataBuffers.of((int[]) array, true, false).slice(offset, n));
      case DT_INT64 -> TInt64.tensorOf(of,
          DataBuffers.of((long[]) array, true, false).slice(offset, n));
      case DT_BOOL -> TBool.tensorOf(of,
          DataBuffers.of((boolean[]) array, true, false).slice(offset, n));
      default -> throw new IllegalStateException("unsupported dtype " + dtype);
    };
  }

  @Override
  public String toString() {
    return dtype + Arrays.toString(shape);
  }
}
