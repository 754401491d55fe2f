package dev.tfjava.course.serve.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfjava.course.serve.core.ErrorCode;
import dev.tfjava.course.serve.core.ServingException;
import dev.tfjava.course.serve.core.TensorSpec;
import dev.tfjava.course.serve.core.TensorValues;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/** What TensorProtoCodecFuzzTest found, each fixed: every bad tensor is an INVALID_ARGUMENT. */
class TensorProtoCodecTest {
  private static final TensorSpec ANY_FLOAT =
      new TensorSpec("x", "x:0", DataType.DT_FLOAT, new long[0], true);

  private static TensorProto floats(long[] dims, float... values) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (long d : dims) {
      shape.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
    }
    TensorProto.Builder proto = TensorProto.newBuilder().setDtype(DataType.DT_FLOAT)
        .setTensorShape(shape);
    for (float v : values) {
      proto.addFloatVal(v);
    }
    return proto.build();
  }

  private static String refusal(TensorProto proto) {
    ServingException e = assertThrows(ServingException.class,
        () -> TensorProtoCodec.decode(proto, ANY_FLOAT, Integer.MAX_VALUE - 16L));
    assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
    return e.getMessage();
  }

  /** Was an ArithmeticException (gRPC UNKNOWN) from Math.multiplyExact. */
  @Test
  void dimensionsWhoseProductOverflowAreRefused() {
    String message = refusal(floats(new long[] {1L << 40, 1L << 40}, 0.5f));
    assertTrue(message.contains("[1099511627776,1099511627776]"), message);
  }

  /** Was a 4 GB float array (or an OutOfMemoryError) from a 20-byte message. */
  @Test
  void oneRepeatedValueCannotAskForGigabytes() {
    String message = refusal(floats(new long[] {1_000_000_000}, 0.5f));
    assertTrue(message.contains("1000000000 elements (4000000000 bytes)"), message);
    // Up to 1 MiB a repeated value is still TensorFlow's rule: the last value fills the rest.
    TensorValues filled = TensorProtoCodec.decode(floats(new long[] {2, 4}, 1f, 2f), ANY_FLOAT,
        Integer.MAX_VALUE - 16L);
    assertArrayEquals(new float[] {1, 2, 2, 2, 2, 2, 2, 2}, filled.floats());
  }
}
