package dev.tfjava.course.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfjava.course.serve.config.BatchingParameters;
import dev.tfjava.course.serve.core.LoadedModel;
import dev.tfjava.course.serve.core.ModelLease;
import dev.tfjava.course.serve.core.ModelSpec;
import dev.tfjava.course.serve.core.PredictResponse;
import dev.tfjava.course.serve.core.TensorValues;
import dev.tfjava.course.serve.grpc.PredictionClient;
import dev.tfjava.course.serve.tools.StandInModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An unloaded version's native resources (its SavedModelBundle and Session) are closed only after
 * its last in-flight request: a REST and a gRPC request are held in flight on version 1 (waiting
 * in a batching queue whose timeout is long), version 2 replaces it, and while version 1 is
 * already END its bundle stays open; both requests are then answered by version 1 with version
 * 1's numbers, and only afterwards is the bundle closed.
 */
class RetiredVersionTest {
  /** How long a lone request waits for companions: the time the test holds it in flight. */
  private static final Duration HOLD = Duration.ofSeconds(3);

  @TempDir
  Path models;

  @Test
  void aRetiredVersionClosesAfterItsLastInFlightRequest() throws Exception {
    BatchingParameters slowQueue = new BatchingParameters(32, HOLD, 10, 1, "batch_threads",
        List.of(), false);
    // Scans only when the test asks (refresh): the swap happens exactly when the requests wait.
    ServingServer.Settings settings = ServingFixture.settings().withGrpcPort(0)
        .withPollInterval(Duration.ofHours(1));
    try (ServingFixture serving = ServingFixture.start(models, settings,
        ServingFeatures.defaults().withBatching(slowQueue), line -> { });
        PredictionClient grpc = serving.grpcClient()) {
      float[][] window = ServingFixture.windows(1, 12.2);
      Path first = models.resolve("lstm/1");
      double[] expected = ServingFixture.doubles((float[]) ServingFixture.inProcess(first, window,
          20, 1).get("outputs"));
      LoadedModel retired;
      try (ModelLease lease = serving.server.repository().acquire(ModelSpec.latest("lstm"))) {
        retired = lease.model();
      }
      assertEquals(1, retired.holders(), "only the repository holds version 1 before the calls");

      CompletableFuture<ServingFixture.Answer> rest = CompletableFuture.supplyAsync(() ->
          serving.post("/v1/models/lstm:predict", ServingFixture.windowInstances(window)));
      CompletableFuture<PredictResponse> overGrpc = CompletableFuture.supplyAsync(() ->
          grpc.predict(ModelSpec.latest("lstm"), "", Map.of("X",
              TensorValues.ofFloats(new long[] {1, 20, 1}, window[0]))));
      awaitTrue(() -> retired.holders() == 3, "both calls hold version 1 (holders "
          + retired.holders() + ")");

      Path second = StandInModels.exportLstm(models, "lstm", 2);
      serving.server.repository().refresh();
      assertEquals("END", serving.get("/v1/models/lstm/versions/1").json()
          .at("/model_version_status/0/state").asText());
      assertEquals("AVAILABLE", serving.get("/v1/models/lstm/versions/2").json()
          .at("/model_version_status/0/state").asText());
      assertFalse(rest.isDone() || overGrpc.isDone(), "the calls are still waiting");
      assertFalse(retired.closed(), "version 1 closed under its in-flight requests");
      assertEquals(2, retired.holders(), "the repository let go; the two calls still hold it");

      ServingFixture.Answer answer = rest.get(30, TimeUnit.SECONDS);
      assertEquals(200, answer.status(), answer.body());
      assertArrayEquals(expected, ServingFixture.flatten(answer.json().path("predictions")),
          1e-5);
      PredictResponse grpcAnswer = overGrpc.get(30, TimeUnit.SECONDS);
      assertEquals(1, grpcAnswer.version(), "answered by the version the call leased");
      assertArrayEquals(expected, ServingFixture.doubles(grpcAnswer.outputs().get("outputs")
          .floats()), 1e-5);
      awaitTrue(retired::closed, "version 1 is closed once its last call is answered");

      // Version 2 is another model (other weights): the answers above were version 1's.
      double[] newer = ServingFixture.doubles((float[]) ServingFixture.inProcess(second, window,
          20, 1).get("outputs"));
      assertTrue(maxDifference(expected, newer) > 1e-3, "versions 1 and 2 answer alike");
      assertArrayEquals(newer, ServingFixture.flatten(serving.post("/v1/models/lstm:predict",
          ServingFixture.windowInstances(window)).json().path("predictions")), 1e-5);
    }
  }

  @Test
  void aModelWhoseFolderEmptiesKeepsItsLeaseUntilReleased(@TempDir Path elsewhere)
      throws Exception {
    try (ServingFixture serving = ServingFixture.start(models, ServingFixture.settings()
        .withPollInterval(Duration.ofHours(1)))) {
      float[][] window = ServingFixture.windows(1, 3.0);
      Path version = models.resolve("lstm/1");
      double[] expected = ServingFixture.doubles((float[]) ServingFixture.inProcess(version,
          window, 20, 1).get("outputs"));
      assertEquals(200, serving.post("/v1/models/lstm:predict",
          ServingFixture.windowInstances(window)).status());
      ModelLease lease = serving.server.repository().acquire(ModelSpec.latest("lstm"));
      LoadedModel model = lease.model();
      try {
        // Moved out (one rename, as an operator would), so that the model has no version left.
        Files.move(version, elsewhere.resolve("1"));
        serving.server.repository().refresh();
        assertFalse(serving.server.repository().modelNames().contains("lstm"));
        assertFalse(model.closed(), "the lease still holds the unloaded model");
        // The lease's model still runs, with its own numbers: the bundle is open.
        try (var x = dev.tfjava.course.train.Tensors.of(window[0], 1, 20, 1);
            var result = model.run("serving_default", Map.of("X", x))) {
          float[] outputs = dev.tfjava.course.train.Tensors.toArray(result.get("outputs")
              .orElseThrow());
          assertArrayEquals(expected, ServingFixture.doubles(outputs), 1e-6);
        }
      } finally {
        lease.close();
      }
      assertTrue(model.closed(), "closed as its last lease was released");
      assertEquals(0, model.holders());
    }
  }

  private static double maxDifference(double[] a, double[] b) {
    double most = 0;
    for (int i = 0; i < a.length; i++) {
      most = Math.max(most, Math.abs(a[i] - b[i]));
    }
    return most;
  }

  private static void awaitTrue(BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out: " + what);
      }
      Thread.sleep(10);
    }
  }
}
