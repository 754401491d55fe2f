package dev.tfjava.course.serve.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tfjava.course.serve.core.ServingException;
import dev.tfjava.course.serve.core.ServingSignature;
import dev.tfjava.course.serve.core.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.DataType;

/** The raw top-level scan agrees with a full JSON parse whenever it answers. */
class TopLevelScanTest {

  private static TopLevelScan.Keys scan(String body) {
    return TopLevelScan.scan(ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), "default");
  }

  @Test
  void agreesWithJacksonOnWellFormedBodies() throws Exception {
    for (String body : List.of("{\"instances\": [[0, 0.5, 1e-3]]}",
        " {\n\t\"signature_name\" : \"pred\", \"instances\":[{\"a\":[1],\"b\":\"x]}\\\"\"}]}\r\n",
        "{\"inputs\": {\"X\": [[1, 2]]}, \"signature_name\": \"s2\"}",
        "{\"inputs\": 3.5}", "{\"instances\": [\"a,b\", \"[\"], \"extra\": {\"k\": [true, null]}}",
        "{}", "{\"instances\": [], \"inputs\": []}")) {
      TopLevelScan.Keys keys = scan(body);
      JsonNode tree = ServingJson.parse(body.getBytes(StandardCharsets.UTF_8));
      assertEquals(List.of(tree.path("signature_name").asText("default"), tree.has("instances"),
          tree.has("inputs")), List.of(keys.signatureName(), keys.instances(), keys.inputs()), body);
    }
  }

  @Test
  void boundsTheValueOnlyWhenItIsTheOnlyOne() {
    String body = "{ \"signature_name\": \"s\", \"instances\" : [[1, 2]] }";
    TopLevelScan.Keys keys = scan(body);
    assertEquals(" [[1, 2]]", body.substring(keys.valueStart(), keys.valueEnd()));
    for (String other : List.of("{\"instances\": [1], \"x\": 2}", "{\"inputs\": 1, \"inputs\": 2}",
        "{\"signature_name\": \"a\", \"signature_name\": \"b\", \"inputs\": 1}")) {
      assertEquals(-1, scan(other).valueStart(), other);
    }
  }

  @Test
  void declinesWhatItDoesNotExpect() {
    for (String body : List.of("", "[1]", "{\"instances\": [1}", "{\"instances\": [1]",
        "{\"instances\": [1]} x", "{\"instances\": [1]}}", "{\"sig\\u006eature_name\": \"a\"}",
        "{\"signature_name\": 7, \"instances\": [1]}", "{\"signature_name\": \"\u00e9\"}",
        "{\"instances\": [1] \"inputs\": 2}", "{\"instances\" [1]}", "{instances: [1]}",
        "{\"instances\": " + "[".repeat(70) + "]".repeat(70) + "}")) {
      assertNull(scan(body), body);
    }
  }

  @Test
  void aFlawInsideTheSkippedValuesIsStillAParseError() {
    TensorSpec spec = new TensorSpec("x", "x:0", DataType.DT_FLOAT, new long[] {-1}, false);
    ServingSignature signature = new ServingSignature("serving_default",
        "tensorflow/serving/predict", Map.of("x", spec), Map.of());
    for (String body : List.of("{\"instances\": [1, 2,, 3]}", "{\"instances\": [1], \"x\": [tru]}",
        "{\"instances\": [1.2.3]}")) {
      JsonPredictRequest request = JsonPredictRequest.scan(
          JsonPredictRequest.Body.of(body.getBytes(StandardCharsets.UTF_8)));
      ServingException e = assertThrows(ServingException.class, () -> request.decode(signature));
      assertTrue(e.getMessage().startsWith("JSON Parse error"), e.getMessage());
    }
  }
}
