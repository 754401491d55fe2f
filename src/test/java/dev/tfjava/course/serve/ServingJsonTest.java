package dev.tfjava.course.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The JSON dialect and URL grammar, without a model or a server. */
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

  @Test
  void routesParseTfServingsPaths() {
    assertEquals(new RestRoute(RestRoute.Kind.STATUS, "lstm", OptionalLong.empty()),
        RestRoute.parse("GET", "/v1/models/lstm"));
    assertEquals(new RestRoute(RestRoute.Kind.METADATA, "lstm", OptionalLong.of(3)),
        RestRoute.parse("GET", "/v1/models/lstm/versions/3/metadata"));
    assertEquals(new RestRoute(RestRoute.Kind.PREDICT, "mnist_cnn", OptionalLong.of(12)),
        RestRoute.parse("POST", "/v1/models/mnist_cnn/versions/12:predict"));
    assertEquals(405, assertThrows(ServingException.class,
        () -> RestRoute.parse("PUT", "/v1/models/lstm:predict")).status());
    assertEquals(404, assertThrows(ServingException.class,
        () -> RestRoute.parse("GET", "/v1/models")).status());
    assertEquals(400, assertThrows(ServingException.class,
        () -> RestRoute.parse("GET", "/v1/models/lstm/versions/99999999999999999999")).status());
  }
}
