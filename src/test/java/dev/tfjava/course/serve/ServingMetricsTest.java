package dev.tfjava.course.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfjava.course.serve.config.MonitoringConfig;
import dev.tfjava.course.serve.core.ModelSpec;
import dev.tfjava.course.serve.core.TensorValues;
import dev.tfjava.course.serve.grpc.PredictionClient;
import dev.tfjava.course.serve.tools.PrometheusText;
import dev.tfjava.course.serve.tools.PrometheusText.Family;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Prometheus page of a real server: it parses with a strict text-format reader, carries TF
 * Serving's families with their names, labels and buckets, rises with traffic, and moves or goes
 * away as the monitoring config says.
 */
class ServingMetricsTest {
  private static final String PAGE = MonitoringConfig.DEFAULT_PATH;
  private static final String PREDICT = "/v1/models/mnist_cnn:predict";

  @TempDir
  Path models;

  @Test
  void pageCarriesTfServingFamiliesThatRiseWithTraffic() {
    try (ServingFixture serving = ServingFixture.start(models, ServingFixture.settings())) {
      Map<String, Family> before = scrape(serving);
      for (int i = 0; i < 3; i++) {
        assertEquals(200, serving.post(PREDICT,
            ServingFixture.imageInstances(ServingFixture.images(2, i))).status());
      }
      ServingFixture.assertError(400, serving.post(PREDICT, "{\"instances\": [[1, 2, 3]]}"));
      ServingFixture.assertError(404, serving.post("/v1/models/nope:predict", "{\"instances\": [1]}"));
      Map<String, Family> after = scrape(serving);

      Map<String, String> ok = Map.of("model_name", "mnist_cnn", "status", "OK");
      Family count = after.get(":tensorflow:serving:request_count");
      assertEquals("untyped", count.type(), "exported under TF Serving's name, without _total");
      assertEquals(3, rise(before, after, ":tensorflow:serving:request_count", ok));
      assertEquals(1, rise(before, after, ":tensorflow:serving:request_count",
          Map.of("model_name", "mnist_cnn", "status", "INVALID_ARGUMENT")));
      assertEquals(1, rise(before, after, ":tensorflow:serving:request_count",
          Map.of("model_name", "nope", "status", "NOT_FOUND")));

      Map<String, String> rest = Map.of("model_name", "mnist_cnn", "API", "predict",
          "entrypoint", "REST");
      Family latency = after.get(":tensorflow:serving:request_latency");
      assertEquals("histogram", latency.type());
      assertEquals(3, latency.value(":tensorflow:serving:request_latency_count", rest)
          - orZero(before, ":tensorflow:serving:request_latency", rest));
      // TF Serving's buckets: 10 us * 1.8^i, 33 of them, then +Inf.
      long buckets = latency.samples().stream()
          .filter(s -> s.name().endsWith("_bucket") && s.labels().get("model_name")
              .equals("mnist_cnn")).count();
      assertEquals(34, buckets);
      assertEquals("10.0", latency.samples().stream().filter(s -> s.name().endsWith("_bucket"))
          .findFirst().orElseThrow().labels().get("le"));
      double micros = latency.value(":tensorflow:serving:request_latency_sum", rest);
      assertTrue(micros > 3 * 50 && micros < 3 * 60e6, "three predicts in microseconds: " + micros);

      assertTrue(after.get(":tensorflow:serving:runtime_latency").value(
          ":tensorflow:serving:runtime_latency_count", Map.of("model_name", "mnist_cnn",
              "API", "Predict", "runtime", "TF1")) >= 3);
      // Six rows answered and the [1,3] one TensorFlow refused: shapes are its to judge.
      assertEquals(7, after.get(":tensorflow:serving:request_example_counts").value(
          ":tensorflow:serving:request_example_counts_sum", Map.of("model", "mnist_cnn"))
          - orZero(before, ":tensorflow:serving:request_example_counts",
              Map.of("model", "mnist_cnn")));
      String cnnPath = models.resolve("mnist_cnn").resolve("1").toString();
      assertEquals(1, after.get(":tensorflow:cc:saved_model:load_attempt_count").value(
          ":tensorflow:cc:saved_model:load_attempt_count", Map.of("model_path", cnnPath,
              "status", "success")));
      assertTrue(after.get(":tensorflow:cc:saved_model:load_latency").value(
          ":tensorflow:cc:saved_model:load_latency", Map.of("model_path", cnnPath)) > 0);

      // What operators expect of a JVM service, and the server's own admission figures.
      assertTrue(after.get("jvm_memory_used_bytes").value("jvm_memory_used_bytes",
          Map.of("area", "heap")) > 0);
      assertTrue(after.get("process_resident_memory_bytes").samples().get(0).value() > 50e6);
      assertTrue(after.get("jvm_threads_current").samples().get(0).value() > 5);
      assertTrue(after.containsKey("jvm_gc_collection_seconds"));
      assertEquals(1, after.get("tfjava_serve_requests_in_flight").samples().get(0).value(),
          "the scrape itself");
      assertEquals(8 + 256, after.get("tfjava_serve_request_slots").samples().get(0).value(),
          0.0, "4 workers per core on this 2-core machine");
    }
  }

  @Test
  void grpcCallsRiseTheSameFamiliesWithTheGrpcEntrypoint() {
    try (ServingFixture serving = ServingFixture.start(models, ServingFixture.settings()
        .withGrpcPort(0).withMaxBodyBytes(1 << 20).withMaxInFlightBytes(1 << 20));
        PredictionClient client = serving.grpcClient()) {
      Map<String, Family> before = scrape(serving);
      for (int i = 0; i < 2; i++) {
        float[][] images = ServingFixture.images(3, i);
        float[] flat = new float[3 * 784];
        for (int row = 0; row < 3; row++) {
          System.arraycopy(images[row], 0, flat, row * 784, 784);
        }
        assertEquals(1, client.predict(ModelSpec.latest("mnist_cnn"), "",
            Map.of("X", TensorValues.ofFloats(new long[] {3, 784}, flat))).version());
      }
      StatusRuntimeException missing = assertThrows(StatusRuntimeException.class,
          () -> client.predict(ModelSpec.latest("nope"), "",
              Map.of("X", TensorValues.ofFloats(new long[] {1, 784}, new float[784]))));
      assertEquals(Status.Code.NOT_FOUND, missing.getStatus().getCode());
      // 2 MB in one message: more than the whole in-flight budget, refused before it runs.
      StatusRuntimeException huge = assertThrows(StatusRuntimeException.class,
          () -> client.predict(ModelSpec.latest("mnist_cnn"), "", Map.of("X",
              TensorValues.ofFloats(new long[] {700, 784}, new float[700 * 784])), List.of(), true));
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, huge.getStatus().getCode());
      Map<String, Family> after = scrape(serving);

      String count = ":tensorflow:serving:request_count";
      assertEquals(2, rise(before, after, count, Map.of("model_name", "mnist_cnn", "status", "OK")));
      assertEquals(1, rise(before, after, count, Map.of("model_name", "nope",
          "status", "NOT_FOUND")));
      Map<String, String> grpc = Map.of("model_name", "mnist_cnn", "API", "Predict",
          "entrypoint", "GRPC");
      assertEquals(2, after.get(":tensorflow:serving:request_latency").value(
          ":tensorflow:serving:request_latency_count", grpc)
          - orZero(before, ":tensorflow:serving:request_latency", grpc));
      assertEquals(6, after.get(":tensorflow:serving:request_example_counts").value(
          ":tensorflow:serving:request_example_counts_sum", Map.of("model", "mnist_cnn"))
          - orZero(before, ":tensorflow:serving:request_example_counts",
              Map.of("model", "mnist_cnn")), "instances counted on gRPC too");
      assertEquals(1, after.get("tfjava_serve_refused_requests_total").value(
          "tfjava_serve_refused_requests_total", Map.of("entrypoint", "GRPC",
              "status", "RESOURCE_EXHAUSTED")));
    }
  }

  @Test
  void refusedRequestsAreCountedByStatus() throws Exception {
    try (ServingFixture serving = ServingFixture.start(models, ServingFixture.settings()
        .withMaxBodyBytes(1 << 20).withMaxInFlightBytes(1 << 20))) {
      try (RawHttp client = new RawHttp(serving.server.port(), Duration.ofSeconds(10))) {
        client.send(RawHttp.postHead(PREDICT, 2L << 20));
        assertEquals(413, client.read().status());
      }
      Map<String, Family> page = scrape(serving);
      assertEquals(1, page.get("tfjava_serve_refused_requests_total").value(
          "tfjava_serve_refused_requests_total", Map.of("entrypoint", "REST", "status", "413")));
      assertEquals(0, page.get("tfjava_serve_admission_refused_total").value(
          "tfjava_serve_admission_refused_total", Map.of("reason", "requests")));
    }
  }

  @Test
  void monitoringConfigMovesOrDisablesThePage(@TempDir Path config) throws Exception {
    Path moved = Files.writeString(config.resolve("moved.txt"),
        "# TF Serving's MonitoringConfig\nprometheus_config { enable: true, path: \"/metrics\" }\n");
    try (ServingFixture serving = ServingFixture.start(models, ServingFixture.settings(),
        ServingFeatures.defaults().withMonitoring(MonitoringConfig.read(moved)), line -> { })) {
      assertEquals(200, serving.get("/metrics").status());
      ServingFixture.assertError(404, serving.get(PAGE));
      ServingFixture.assertError(405, serving.post("/metrics", ""));
    }
    Path off = Files.writeString(config.resolve("off.txt"), "prometheus_config < enable: false >");
    try (ServingFixture serving = ServingFixture.start(models.resolve("b"),
        ServingFixture.settings(), ServingFeatures.defaults().withMonitoring(
            MonitoringConfig.read(off)), line -> { })) {
      ServingFixture.assertError(404, serving.get(PAGE));
      assertEquals(200, serving.get("/v1/models/lstm").status());
    }
  }

  private static Map<String, Family> scrape(ServingFixture serving) {
    ServingFixture.Answer page = serving.get(PAGE);
    assertEquals(200, page.status());
    assertEquals("text/plain; version=0.0.4; charset=utf-8",
        page.response().headers().firstValue("Content-Type").orElse(""));
    assertFalse(page.body().contains("# HELP :tensorflow"), "TF Serving writes no HELP lines");
    return PrometheusText.parse(page.body());
  }

  private static double rise(Map<String, Family> before, Map<String, Family> after, String name,
      Map<String, String> labels) {
    return after.get(name).value(name, labels) - orZero(before, name, labels);
  }

  /** A sample's value before any traffic: absent (no such label set yet) counts as zero. */
  private static double orZero(Map<String, Family> page, String family, Map<String, String> labels) {
    Family f = page.get(family);
    if (f == null) {
      return 0;
    }
    String sample = f.type().equals("histogram") ? family + "_count" : family;
    if (family.endsWith("example_counts")) {
      sample = family + "_sum";
    }
    double v = f.value(sample, labels);
    return Double.isNaN(v) ? 0 : v;
  }
}
