package dev.tfjava.course.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfjava.course.serve.json.ServingJson;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The JSON dialect, without a model or a server. */
class ServingJsonTest {

  @Test
  void nonFiniteTokensAreReadAndWrittenBareLikeTfServing() throws Exception {
    assertTrue(Double.isNaN(ServingJson.parse("[NaN]".getBytes(StandardCharsets.UTF_8))
        .get(0).doubleValue()));
    String written = new String(ServingJson.write(json -> {
      json.writeStartArray();
      json.writeNumber(Float.NaN);
      json.writeNumber(Float.NEGATIVE_INFINITY);
      json.writeNumber(0.1f);
      json.writeEndArray();
    }), StandardCharsets.UTF_8);
    assertEquals("[NaN,-Infinity,0.1]", written);
  }

  @Test
  void errorBodyIsTfServingsShape() {
    assertEquals("{\"error\":\"a \\\"quoted\\\" message\"}",
        new String(ServingJson.error("a \"quoted\" message"), StandardCharsets.UTF_8));
  }
}
