package dev.tfjava.course.serve.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.core.JsonParser;
import dev.tfjava.course.serve.core.ServingException;
import dev.tfjava.course.serve.core.ServingSignature;
import dev.tfjava.course.serve.core.TensorSpec;
import dev.tfjava.course.serve.core.TensorValues;
import java.io.IOException;
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

  /** The outcome of decoding: the values' shape and bits, or the error message. */
  private static String outcome(JsonPredictRequest.Body body, ServingSignature signature) {
    try {
      TensorValues v = JsonPredictRequest.scan(body).decode(signature).get("x");
      StringBuilder text = new StringBuilder(TensorSpec.formatShape(v.shape()));
      for (int i = 0; i < v.size(); i++) {
        text.append(' ').append(switch (v.dtype()) {
          case DT_FLOAT -> Integer.toHexString(Float.floatToRawIntBits(v.floats()[i]));
          case DT_DOUBLE -> Long.toHexString(Double.doubleToRawLongBits(v.doubles()[i]));
          default -> Integer.toString(v.ints()[i]);
        });
      }
      return text.toString();
    } catch (ServingException e) {
      return "error: " + e.getMessage();
    }
  }

  /** The same body with no bytes at hand: only the streaming parser reads it. */
  private static JsonPredictRequest.Body streamedOnly(byte[] bytes) {
    return new JsonPredictRequest.Body() {
      @Override public JsonParser open() throws IOException {
        return ServingJson.parser(bytes);
      }
    };
  }

  /**
   * The same body inside a larger array, as a pooled server buffer holds it: at a position past
   * the array's start, or in a slice whose index 0 is past it, or off the heap (no array).
   */
  private static JsonPredictRequest.Body inside(byte[] bytes, String how) {
    byte[] padded = new byte[bytes.length + 11];
    java.util.Arrays.fill(padded, (byte) '[');
    System.arraycopy(bytes, 0, padded, 7, bytes.length);
    return new JsonPredictRequest.Body() {
      @Override public JsonParser open() throws IOException {
        return ServingJson.parser(bytes);
      }

      @Override public ByteBuffer bytes() {
        ByteBuffer at = ByteBuffer.wrap(padded, 7, bytes.length);
        return switch (how) {
          case "position" -> at;
          case "slice" -> at.slice();
          default -> ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
        };
      }
    };
  }

  private static void assertSameAsStreaming(String body, ServingSignature signature) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String streamed = outcome(streamedOnly(bytes), signature);
    assertEquals(streamed, outcome(JsonPredictRequest.Body.of(bytes), signature), body);
    for (String how : List.of("position", "slice", "direct")) {
      assertEquals(streamed, outcome(inside(bytes, how), signature), how + ": " + body);
    }
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
        ByteBuffer inside = inside(body, how).bytes();
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
