package dev.tfjava.course.serve.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonParser;
import dev.tfjava.course.serve.core.ServingException;
import dev.tfjava.course.serve.core.ServingSignature;
import dev.tfjava.course.serve.core.TensorSpec;
import dev.tfjava.course.serve.core.TensorValues;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Decodes one body on both of the server's paths and compares them: the byte-level fast path
 * (with the body on the heap, at an offset in a larger array, in a slice, off the heap) against
 * the streaming parser alone. Shared by the chosen cases and the fuzz target.
 */
final class DecodeOutcomes {
  private DecodeOutcomes() {}

  /**
   * The outcome of decoding: each input's shape and value bits, or the error status and message.
   */
  static String outcome(JsonPredictRequest.Body body, ServingSignature signature) {
    try {
      StringBuilder text = new StringBuilder();
      for (Map.Entry<String, TensorValues> input
          : JsonPredictRequest.scan(body).decode(signature).entrySet()) {
        TensorValues v = input.getValue();
        text.append(input.getKey()).append(TensorSpec.formatShape(v.shape()));
        for (int i = 0; i < v.size(); i++) {
          text.append(' ').append(switch (v.dtype()) {
            case DT_FLOAT -> Integer.toHexString(Float.floatToRawIntBits(v.floats()[i]));
            case DT_DOUBLE -> Long.toHexString(Double.doubleToRawLongBits(v.doubles()[i]));
            case DT_INT64 -> Long.toString(v.longs()[i]);
            default -> Integer.toString(v.ints()[i]);
          });
        }
        text.append('\n');
      }
      return text.toString();
    } catch (ServingException e) {
      return "error " + e.code() + ": " + e.getMessage();
    }
  }

  /** The same body with no bytes at hand: only the streaming parser reads it. */
  static JsonPredictRequest.Body streamedOnly(byte[] bytes) {
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
  static JsonPredictRequest.Body inside(byte[] bytes, String how) {
    byte[] padded = new byte[bytes.length + 11];
    Arrays.fill(padded, (byte) '[');
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

  /** Every way of holding {@code bytes} decodes as the streaming parser alone does. */
  static void assertSameAsStreaming(byte[] bytes, ServingSignature signature, String what) {
    String streamed = outcome(streamedOnly(bytes), signature);
    assertEquals(streamed, outcome(JsonPredictRequest.Body.of(bytes), signature), what);
    for (String how : List.of("position", "slice", "direct")) {
      assertEquals(streamed, outcome(inside(bytes, how), signature), how + ": " + what);
    }
  }
}
