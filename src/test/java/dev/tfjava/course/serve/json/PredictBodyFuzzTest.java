package dev.tfjava.course.serve.json;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tfjava.course.serve.core.ServingSignature;
import dev.tfjava.course.serve.core.TensorSpec;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.proto.DataType;

/**
 * Differential fuzzing of the REST predict body (docs/fuzzing.md): for any bytes and a signature
 * the input's first byte picks, the byte-level fast path and the streaming parser alone give the
 * same tensors bit for bit or the same error, with the body on the heap, at an offset, in a slice
 * and off the heap. {@code mvn test} replays the seeds and corpus in PredictBodyFuzzTestInputs/;
 * scripts/fuzz explores.
 */
class PredictBodyFuzzTest {
  private static final List<DataType> DTYPES =
      List.of(DataType.DT_FLOAT, DataType.DT_DOUBLE, DataType.DT_INT32, DataType.DT_INT64);
  private static final List<long[]> SHAPES = List.of(new long[] {-1}, new long[] {-1, 2},
      new long[] {-1, -1}, new long[] {-1, 2, 2}, new long[] {2}, new long[] {}, new long[] {-1, 784});

  /**
   * Byte 0 picks the signature: bits 0-1 the dtype, bits 2-4 a shape from SHAPES or (7) an
   * unknown rank, bit 5 a second input; the rest is the body.
   */
  @FuzzTest
  void fastPathAgreesWithTheStreamingParser(byte[] input) {
    if (input.length == 0) {
      return;
    }
    ServingSignature signature = signature(input[0]);
    byte[] body = Arrays.copyOfRange(input, 1, input.length);
    DecodeOutcomes.assertSameAsStreaming(body, signature, signature.inputs().toString());
  }

  static ServingSignature signature(byte selector) {
    DataType dtype = DTYPES.get(selector & 3);
    int shape = selector >> 2 & 7;
    boolean unknownRank = shape >= SHAPES.size();
    Map<String, TensorSpec> inputs = new LinkedHashMap<>();
    inputs.put("x", new TensorSpec("x", "x:0", dtype,
        unknownRank ? new long[0] : SHAPES.get(shape), unknownRank));
    if ((selector & 0x20) != 0) {
      inputs.put("y", new TensorSpec("y", "y:0", DataType.DT_FLOAT, new long[] {-1}, false));
    }
    return new ServingSignature("serving_default", "tensorflow/serving/predict", inputs, Map.of());
  }
}
