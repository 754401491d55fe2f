package dev.tfjava.course.serve.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tfjava.course.serve.core.ModelSpec;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The URL grammar of TF Serving's REST API, without a model or a server. */
class RestRouteTest {

  @Test
  void routesParseTfServingsPaths() {
    assertEquals(new RestRoute(RestRoute.Kind.STATUS, ModelSpec.latest("lstm")),
        RestRoute.parse("GET", "/v1/models/lstm"));
    assertEquals(new RestRoute(RestRoute.Kind.METADATA, ModelSpec.of("lstm", OptionalLong.of(3))),
        RestRoute.parse("GET", "/v1/models/lstm/versions/3/metadata"));
    assertEquals(new RestRoute(RestRoute.Kind.PREDICT,
        ModelSpec.of("mnist_cnn", OptionalLong.of(12))),
        RestRoute.parse("POST", "/v1/models/mnist_cnn/versions/12:predict"));
    assertEquals(new RestRoute(RestRoute.Kind.PREDICT, ModelSpec.labelled("lstm", "canary")),
        RestRoute.parse("POST", "/v1/models/lstm/labels/canary:predict"));
    assertEquals(new RestRoute(RestRoute.Kind.METADATA, ModelSpec.labelled("lstm", "stable")),
        RestRoute.parse("GET", "/v1/models/lstm/labels/stable/metadata"));
    HttpError wrongMethod = assertThrows(HttpError.class,
        () -> RestRoute.parse("PUT", "/v1/models/lstm:predict"));
    assertEquals(405, wrongMethod.status());
    assertEquals("POST", wrongMethod.allow());
    assertEquals(404, assertThrows(HttpError.class,
        () -> RestRoute.parse("GET", "/v1/models")).status());
    assertEquals(400, assertThrows(HttpError.class,
        () -> RestRoute.parse("GET", "/v1/models/lstm/versions/99999999999999999999")).status());
  }
}
