package dev.tfjava.course.serve.grpc;

import com.google.protobuf.ByteString;
import dev.tfjava.course.serve.core.ServingException;
import dev.tfjava.course.serve.core.TensorSpec;
import dev.tfjava.course.serve.core.TensorValues;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * {@code TensorProto} to and from {@link TensorValues}, in both forms clients send: the raw
 * little-endian {@code tensor_content} bytes, or the typed {@code float_val}/{@code double_val}/
 * {@code int_val}/{@code int64_val}/{@code bool_val} fields, where, as in TensorFlow, fewer values
 * than the shape holds are filled out with the last one (one value fills the whole tensor). Floats
 * must be finite, as on REST. Answers use the typed fields, as TF Serving's do by default.
 */
public final class TensorProtoCodec {
  /** How many decoded bytes one byte of a TensorProto may stand for (see requireEnvelope). */
  static final long BYTES_PER_BYTE_SENT = 8;
  /** What any tensor may decode to, however few bytes it was sent in (1 MiB). */
  static final long ALWAYS_DECODED = 1 << 20;

  private TensorProtoCodec() {}

  /**
   * The values of input {@code spec.alias()}, checked against the signature.
   *
   * @param maxElements the most elements a tensor may hold (a one-value proto could otherwise
   *     ask for any size)
   * @throws ServingException INVALID_ARGUMENT for a wrong dtype or shape, too few or too many
   *     bytes or values, or a non-finite float
   */
  public static TensorValues decode(TensorProto proto, TensorSpec spec, long maxElements) {
    return decode(proto, spec, maxElements, true);
  }

  private static TensorValues decode(TensorProto proto, TensorSpec spec, long maxElements,
      boolean strict) {
    String what = "input '" + spec.alias() + "'";
    if (proto.getDtype() != spec.dtype()) {
      throw ServingException.invalidArgument(what + " has dtype " + proto.getDtype()
          + " but the signature expects " + spec.dtype());
    }
    // The shape is left to TensorFlow, as TF Serving does (predict_util.cc checks names only).
    long[] shape = shape(proto.getTensorShape(), what);
    long count = 1;
    for (long d : shape) {
      if (d != 0 && count > maxElements / d) {
        throw ServingException.invalidArgument(what + " has shape " + TensorSpec.formatShape(shape)
            + ", more than the " + maxElements + " elements this server takes per tensor");
      }
      count *= d;
    }
    if (count > maxElements) {
      throw ServingException.invalidArgument(what + " has " + count + " elements; this server"
          + " takes at most " + maxElements + " per tensor");
    }
    requireEnvelope(proto, spec.dtype(), count, what);
    int n = (int) count;
    ByteString content = proto.getTensorContent();
    if (!content.isEmpty()) {
      return fromContent(content, spec.dtype(), shape, n, what, strict);
    }
    return switch (spec.dtype()) {
      case DT_FLOAT -> {
        float[] v = new float[n];
        int given = checkCount(proto.getFloatValCount(), n, what);
        for (int i = 0; i < n && given > 0; i++) {
          v[i] = finite(proto.getFloatVal(Math.min(i, given - 1)), what, strict);
        }
        yield TensorValues.ofFloats(shape, v);
      }
      case DT_DOUBLE -> {
        double[] v = new double[n];
        int given = checkCount(proto.getDoubleValCount(), n, what);
        for (int i = 0; i < n && given > 0; i++) {
          v[i] = finite(proto.getDoubleVal(Math.min(i, given - 1)), what, strict);
        }
        yield TensorValues.ofDoubles(shape, v);
      }
      case DT_INT32 -> {
        int[] v = new int[n];
        int given = checkCount(proto.getIntValCount(), n, what);
        for (int i = 0; i < n && given > 0; i++) {
          v[i] = proto.getIntVal(Math.min(i, given - 1));
        }
        yield TensorValues.ofInts(shape, v);
      }
      case DT_INT64 -> {
        long[] v = new long[n];
        int given = checkCount(proto.getInt64ValCount(), n, what);
        for (int i = 0; i < n && given > 0; i++) {
          v[i] = proto.getInt64Val(Math.min(i, given - 1));
        }
        yield TensorValues.ofLongs(shape, v);
      }
      case DT_BOOL -> {
        boolean[] v = new boolean[n];
        int given = checkCount(proto.getBoolValCount(), n, what);
        for (int i = 0; i < n && given > 0; i++) {
          v[i] = proto.getBoolVal(Math.min(i, given - 1));
        }
        yield TensorValues.ofBooleans(shape, v);
      }
      default -> throw unsupported(spec.dtype(), what);
    };
  }

  /** {@code values} as a TensorProto with its typed value field (TF Serving's default form). */
  public static TensorProto encode(TensorValues values) {
    TensorProto.Builder proto = TensorProto.newBuilder().setDtype(values.dtype())
        .setTensorShape(shape(values.shape()));
    int n = values.size();
    switch (values.dtype()) {
      case DT_FLOAT -> {
        float[] v = values.floats();
        for (int i = 0; i < n; i++) {
          proto.addFloatVal(v[i]);
        }
      }
      case DT_DOUBLE -> {
        double[] v = values.doubles();
        for (int i = 0; i < n; i++) {
          proto.addDoubleVal(v[i]);
        }
      }
      case DT_INT32 -> {
        int[] v = values.ints();
        for (int i = 0; i < n; i++) {
          proto.addIntVal(v[i]);
        }
      }
      case DT_INT64 -> {
        long[] v = values.longs();
        for (int i = 0; i < n; i++) {
          proto.addInt64Val(v[i]);
        }
      }
      case DT_BOOL -> {
        boolean[] v = values.booleans();
        for (int i = 0; i < n; i++) {
          proto.addBoolVal(v[i]);
        }
      }
      default -> throw new IllegalStateException("unsupported dtype " + values.dtype());
    }
    return proto.build();
  }

  /** {@code values} as a TensorProto holding raw little-endian {@code tensor_content} bytes. */
  public static TensorProto encodeContent(TensorValues values) {
    int n = values.size();
    ByteBuffer bytes = ByteBuffer.allocate(n * elementBytes(values.dtype()))
        .order(ByteOrder.LITTLE_ENDIAN);
    switch (values.dtype()) {
      case DT_FLOAT -> bytes.asFloatBuffer().put(values.floats(), 0, n);
      case DT_DOUBLE -> bytes.asDoubleBuffer().put(values.doubles(), 0, n);
      case DT_INT32 -> bytes.asIntBuffer().put(values.ints(), 0, n);
      case DT_INT64 -> bytes.asLongBuffer().put(values.longs(), 0, n);
      case DT_BOOL -> {
        boolean[] v = values.booleans();
        for (int i = 0; i < n; i++) {
          bytes.put(i, (byte) (v[i] ? 1 : 0));
        }
      }
      default -> throw new IllegalStateException("unsupported dtype " + values.dtype());
    }
    return TensorProto.newBuilder().setDtype(values.dtype()).setTensorShape(shape(values.shape()))
        .setTensorContent(ByteString.copyFrom(bytes.array())).build();
  }

  /**
   * The values of an answer's tensor, whichever form it came in, with its own dtype and shape
   * (what a client reads; non-finite floats are kept).
   */
  public static TensorValues read(String alias, TensorProto proto) {
    TensorSpec any = new TensorSpec(alias, "", proto.getDtype(), new long[0], true);
    return decode(proto, any, Integer.MAX_VALUE - 16, false);
  }

  private static TensorValues fromContent(ByteString content, DataType dtype, long[] shape, int n,
      String what, boolean strict) {
    int size = elementBytes(dtype);
    if (size < 0) {
      throw unsupported(dtype, what);
    }
    if (content.size() != (long) n * size) {
      throw ServingException.invalidArgument(what + ": tensor_content has " + content.size()
          + " bytes but shape " + TensorSpec.formatShape(shape) + " of " + dtype + " needs "
          + (long) n * size);
    }
    ByteBuffer bytes = content.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    switch (dtype) {
      case DT_FLOAT -> {
        float[] v = new float[n];
        bytes.asFloatBuffer().get(v);
        for (float f : v) {
          finite(f, what, strict);
        }
        return TensorValues.ofFloats(shape, v);
      }
      case DT_DOUBLE -> {
        double[] v = new double[n];
        bytes.asDoubleBuffer().get(v);
        for (double d : v) {
          finite(d, what, strict);
        }
        return TensorValues.ofDoubles(shape, v);
      }
      case DT_INT32 -> {
        int[] v = new int[n];
        bytes.asIntBuffer().get(v);
        return TensorValues.ofInts(shape, v);
      }
      case DT_INT64 -> {
        long[] v = new long[n];
        bytes.asLongBuffer().get(v);
        return TensorValues.ofLongs(shape, v);
      }
      default -> {
        boolean[] v = new boolean[n];
        for (int i = 0; i < n; i++) {
          v[i] = bytes.get(i) != 0;
        }
        return TensorValues.ofBooleans(shape, v);
      }
    }
  }

  /**
   * A proto with fewer values than its shape repeats the last one (TensorFlow's rule), so a few
   * bytes could ask for gigabytes: what a tensor decodes to may be at most
   * {@value #BYTES_PER_BYTE_SENT} times the bytes that carried it, or {@value #ALWAYS_DECODED}
   * bytes. Sent in full, no dtype needs more (an int64 varint takes one byte or more).
   */
  private static void requireEnvelope(TensorProto proto, DataType dtype, long count, String what) {
    long decoded = count * Math.max(1, elementBytes(dtype));
    long allowed = Math.max(ALWAYS_DECODED, BYTES_PER_BYTE_SENT * (long) proto.getSerializedSize());
    if (decoded > allowed) {
      throw ServingException.invalidArgument(what + " asks for " + count + " elements ("
          + decoded + " bytes) from a " + proto.getSerializedSize() + "-byte TensorProto; this"
          + " server decodes at most " + BYTES_PER_BYTE_SENT + " bytes per byte sent (or "
          + ALWAYS_DECODED + "): send the values instead of repeating the last one");
    }
  }

  private static int elementBytes(DataType dtype) {
    return switch (dtype) {
      case DT_FLOAT, DT_INT32 -> 4;
      case DT_DOUBLE, DT_INT64 -> 8;
      case DT_BOOL -> 1;
      default -> -1;
    };
  }

  private static long[] shape(TensorShapeProto proto, String what) {
    if (proto.getUnknownRank()) {
      throw ServingException.invalidArgument(what + " has an unknown rank; give its shape");
    }
    long[] shape = new long[proto.getDimCount()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = proto.getDim(i).getSize();
      if (shape[i] < 0) {
        throw ServingException.invalidArgument(what + " has a negative dimension "
            + shape[i] + " in its tensor_shape");
      }
    }
    return shape;
  }

  private static TensorShapeProto shape(long[] dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (long d : dims) {
      shape.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
    }
    return shape.build();
  }

  private static int checkCount(int given, int n, String what) {
    if (given > n) {
      throw ServingException.invalidArgument(what + " has " + given + " values for " + n
          + " elements");
    }
    return given;
  }

  private static float finite(float value, String what, boolean strict) {
    if (strict && !Float.isFinite(value)) {
      throw ServingException.invalidArgument(what + ": non-finite value " + value
          + " (inputs must be finite numbers)");
    }
    return value;
  }

  private static double finite(double value, String what, boolean strict) {
    if (strict && !Double.isFinite(value)) {
      throw ServingException.invalidArgument(what + ": non-finite value " + value
          + " (inputs must be finite numbers)");
    }
    return value;
  }

  private static ServingException unsupported(DataType dtype, String what) {
    return ServingException.invalidArgument(what + " has dtype " + dtype + ", which this server"
        + " does not decode (float, double, int32, int64 and bool are supported)");
  }
}
