package dev.tfjava.course.serve.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfjava.course.serve.core.ServingSignature;
import dev.tfjava.course.serve.core.TensorSpec;
import dev.tfjava.course.serve.core.TensorValues;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.DataType;

/**
 * The byte-level reader gives what the streaming decoder gives, value for value and bit for bit,
 * and for anything it declines the streaming decoder's own answer or error stands.
 */
class PlainNumberListsTest {

  private static ServingSignature signature(DataType dtype, long... dims) {
    TensorSpec spec = new TensorSpec("x", "x:0", dtype, dims, false);
    return new ServingSignature("serving_default", "tensorflow/serving/predict", Map.of("x", spec),
        Map.of());
  }

  private static void assertSameAsStreaming(String body, ServingSignature signature) {
    DecodeOutcomes.assertSameAsStreaming(body.getBytes(StandardCharsets.UTF_8), signature, body);
  }

  @Test
  void randomNestedListsDecodeBitForBitAsTheStreamingDecoder() {
    Random random = new Random(18);
    for (int trial = 0; trial < 300; trial++) {
      int rows = 1 + random.nextInt(4);
      int cols = 1 + random.nextInt(6);
      List<String> rowTexts = new ArrayList<>();
      for (int r = 0; r < rows; r++) {
        List<String> numbers = new ArrayList<>();
        for (int c = 0; c < cols; c++) {
          numbers.add(switch (random.nextInt(6)) {
            case 0 -> "0";
            case 1 -> "-0";
            case 2 -> Float.toString(random.nextFloat());
            case 3 -> String.format(Locale.ROOT, "%.3e", random.nextGaussian() * 1e10);
            case 4 -> Long.toString(random.nextLong());
            default -> Double.toString(-random.nextDouble() * 1e-5);
          });
        }
        rowTexts.add("[" + String.join(random.nextBoolean() ? "," : " ,\n ", numbers) + "]");
      }
      String rowsText = "[" + String.join(",", rowTexts) + "]";
      byte[] value = rowsText.getBytes(StandardCharsets.US_ASCII);
      assertNotNull(PlainNumberLists.read(ByteBuffer.wrap(value), 0, value.length,
          signature(DataType.DT_FLOAT, -1, -1).inputs().get("x")), "the fast path reads " + rowsText);
      byte[] body = ("{\"instances\": " + rowsText + "}").getBytes(StandardCharsets.US_ASCII);
      for (String how : List.of("position", "slice")) {
        ByteBuffer inside = DecodeOutcomes.inside(body, how).bytes();
        TopLevelScan.Keys keys = TopLevelScan.scan(inside.duplicate(), "serving_default");
        assertNotNull(PlainNumberLists.read(inside, keys.valueStart(), keys.valueEnd(),
            signature(DataType.DT_FLOAT, -1, -1).inputs().get("x")), how + ": " + rowsText);
      }
      for (DataType dtype : List.of(DataType.DT_FLOAT, DataType.DT_DOUBLE)) {
        assertSameAsStreaming("{\"instances\": " + rowsText + "}", signature(dtype, -1, -1));
        assertSameAsStreaming("{\"signature_name\": \"serving_default\", \"inputs\": " + rowsText
            + "}", signature(dtype, -1, cols));
      }
    }
  }

  @Test
  void whatItDeclinesGetsTheStreamingDecodersAnswer() {
    ServingSignature floats = signature(DataType.DT_FLOAT, -1, 2);
    for (String value : List.of("[]", "[[]]", "[[1, 2], [3]]", "[[1, 2], 3]", "[[1, [2]]]",
        "[[1, 2, 3]]", "[[\"1\", 2]]", "[[01, 2]]", "[[1., 2]]", "[[.5, 2]]", "[[-, 2]]",
        "[[1e, 2]]", "[[+1, 2]]", "[[NaN, 2]]", "[[1e39, 2]]", "[[1e999, 2]]", "[[1 2]]",
        "[[1, 2],]", "[[1, 2]] x", "[[true, 2]]", "[{\"x\": [1, 2]}]", "[[1, 2]]]")) {
      assertSameAsStreaming("{\"instances\": " + value + "}", floats);
    }
    assertSameAsStreaming("{\"instances\": [[1, 2]]}", signature(DataType.DT_INT32, -1, 2));
    assertSameAsStreaming("{\"instances\": [[1, 2]], \"other\": [}", floats);
  }

  /**
   * Found by PredictBodyFuzzTest: a 0xFF byte (or any byte the scan skips unchecked) in a body
   * without 'instances' was "Missing 'inputs' or 'instances' key" on the fast path and a parse
   * error naming the byte in Jackson.
   */
  @Test
  void aMalformedBodyWithoutTheKeysIsTheSameParseError() {
    ServingSignature floats = signature(DataType.DT_FLOAT, -1);
    for (String body : List.of("{\"instanceq\": [1\u00ff]}", "{\"instanceq\": [1x]}",
        "{\"instances\": [1], \"inputs\": [2, x]}", "{\"other\": [1]}")) {
      assertSameAsStreaming(body, floats);
    }
    // A value's own problem (here: not an object of the two inputs) after a flaw further on.
    assertSameAsStreaming("{\"inputs\": [{\"x\": 1.0}]instances, [1ew-3]}", new ServingSignature(
        "serving_default", "tensorflow/serving/predict", Map.of("x", floats.inputs().get("x"),
            "y", floats.inputs().get("x")), Map.of()));
    byte[] ff = {'{', '"', 'i', 'n', 's', 't', 'a', 'n', 'c', 'e', 'q', '"', ':', '[', '1',
        (byte) 0xff, ']', '}'};
    DecodeOutcomes.assertSameAsStreaming(ff, floats, "0xff");
    // A 0xFF byte after the body's object was taken for its end, and the body decoded.
    byte[] trailing = "{\"instances\": [1, 2]}\u0000".getBytes(StandardCharsets.ISO_8859_1);
    trailing[trailing.length - 1] = (byte) 0xff;
    DecodeOutcomes.assertSameAsStreaming(trailing, floats, "trailing 0xff");
    assertTrue(DecodeOutcomes.outcome(JsonPredictRequest.Body.of(trailing), floats)
        .startsWith("error"));
    assertTrue(DecodeOutcomes.outcome(JsonPredictRequest.Body.of(ff), floats)
        .contains("JSON Parse error"));
  }

  /** Found by PredictBodyFuzzTest: 64 lists decoded on the fast path but not in Jackson. */
  @Test
  void bothPathsStopAtTheSameNestingDepth() {
    TensorSpec any = new TensorSpec("x", "x:0", DataType.DT_FLOAT, new long[0], true);
    ServingSignature unknownRank = new ServingSignature("serving_default",
        "tensorflow/serving/predict", Map.of("x", any), Map.of());
    for (int depth : new int[] {62, 63, 64, 65}) {
      String body = "{\"instances\": " + "[".repeat(depth) + "1" + "]".repeat(depth) + "}";
      assertSameAsStreaming(body, unknownRank);
      assertEquals(depth <= ServingJson.MAX_LIST_DEPTH, DecodeOutcomes.outcome(
          JsonPredictRequest.Body.of(body.getBytes(StandardCharsets.US_ASCII)), unknownRank)
          .startsWith("x["), "depth " + depth);
    }
  }

  @Test
  void readsAMnistShapedRowAndDeclinesOtherDtypes() {
    StringBuilder row = new StringBuilder("[[");
    for (int i = 0; i < 784; i++) {
      row.append(i == 0 ? "" : ", ").append(i % 3 == 0 ? "0" : Float.toString(i / 784f));
    }
    byte[] value = row.append("]]").toString().getBytes(StandardCharsets.US_ASCII);
    TensorSpec spec = new TensorSpec("X", "X:0", DataType.DT_FLOAT, new long[] {-1, 784}, false);
    TensorValues read = PlainNumberLists.read(ByteBuffer.wrap(value), 0, value.length, spec);
    assertNotNull(read);
    assertArrayEquals(new long[] {1, 784}, read.shape());
    assertEquals(782 / 784f, read.floats()[782]);
    assertNull(PlainNumberLists.read(ByteBuffer.wrap(value), 0, value.length,
        new TensorSpec("X", "X:0", DataType.DT_INT64, new long[] {-1, 784}, false)));
  }
}
