package dev.tfjava.course.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfjava.course.serve.core.ModelRepository;
import dev.tfjava.course.serve.core.ModelSpec;
import dev.tfjava.course.serve.core.TensorValues;
import dev.tfjava.course.serve.grpc.PredictionClient;
import dev.tfjava.course.serve.tools.PrometheusText;
import dev.tfjava.course.serve.tools.StandInModels;
import dev.tfjava.course.serve.warmup.WarmupRequests;
import dev.tfjava.course.train.ThreadSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The door warm-up: each version's warm-up records go once more through the server's own REST
 * and gRPC doors before the version is served, the versions loaded at start-up as soon as the
 * doors listen. Counted by what the model ran: every record is one session run on the metrics
 * page's {@code runtime_latency} (as TF Serving counts its warm-up), while {@code request_count}
 * holds only the clients' calls. With the gRPC door off, the REST door alone is used.
 */
class DoorWarmupTest {
  private static final String RUNS = ":tensorflow:serving:runtime_latency";
  private static final String REQUESTS = ":tensorflow:serving:request_count";

  @TempDir
  Path models;
  private final List<String> log = new CopyOnWriteArrayList<>();

  @Test
  void eachVersionIsReplayedThroughBothDoorsAndNotCountedAsRequests() {
    WarmupRequests.write(StandInModels.exportLstm(models, "lstm", 1),
        List.of(ModelWarmupTest.window(1), ModelWarmupTest.window(8)));
    try (ServingServer server = start(ServingFixture.settings().withGrpcPort(0));
        ServingFixture serving = ServingFixture.of(models, server)) {
      assertLogged("warmed lstm version 1 through REST and gRPC with 2 requests each in \\d+ ms");
      // Two records through the core, then through REST, then through gRPC.
      assertEquals(6, sessionRuns(server));

      WarmupRequests.write(StandInModels.exportLstm(models, "lstm", 2),
          List.of(ModelWarmupTest.window(1), ModelWarmupTest.window(8)));
      server.repository().refresh();
      assertLogged("warmed lstm version 2 through REST and gRPC with 2 requests each in \\d+ ms");
      assertEquals(12, sessionRuns(server));
      PrometheusText.Family requests = page(server).get(REQUESTS);
      assertTrue(requests == null || requests.samples().isEmpty(),
          "no warm-up call is a request: " + requests);

      // The clients' own calls: answered by version 2, and the only requests counted.
      assertEquals(200, serving.post("/v1/models/lstm:predict",
          ServingFixture.windowInstances(ServingFixture.windows(1, 12.2))).status());
      try (PredictionClient client = serving.grpcClient()) {
        assertEquals(2, client.predict(ModelSpec.latest("lstm"), "", Map.of("X",
            TensorValues.ofFloats(new long[] {1, 20, 1}, new float[20]))).version());
      }
      assertEquals(2, page(server).get(REQUESTS).value(REQUESTS,
          Map.of("model_name", "lstm", "status", "OK")));
      assertEquals(1, page(server).get(REQUESTS).samples().size(),
          page(server).get(REQUESTS).toString());
      assertEquals(14, sessionRuns(server));
    }
  }

  @Test
  void withTheGrpcDoorOffOnlyRestIsCalledAndTheModelServes() {
    WarmupRequests.write(StandInModels.exportLstm(models, "lstm", 1),
        List.of(ModelWarmupTest.window(1), ModelWarmupTest.window(8)));
    try (ServingServer server = start(ServingFixture.settings());
        ServingFixture serving = ServingFixture.of(models, server)) {
      assertLogged("warmed lstm version 1 through REST with 2 requests each in \\d+ ms");
      assertEquals(4, sessionRuns(server));
      assertEquals(200, serving.post("/v1/models/lstm/versions/1:predict",
          ServingFixture.windowInstances(ServingFixture.windows(3, 12.2))).status());
      assertFalse(log.stream().anyMatch(l -> l.startsWith("door warm-up")), log::toString);
    }
  }

  private ServingServer start(ServingServer.Settings settings) {
    ModelRepository repository = new ModelRepository(models, new ThreadSettings(1, 1), log::add);
    return ServingServer.start(repository, settings.withPollInterval(Duration.ofSeconds(60)),
        ServingFeatures.defaults(), ServingOperations.defaults(), log::add);
  }

  private void assertLogged(String regex) {
    assertTrue(log.stream().anyMatch(l -> l.matches(regex)), regex + " in " + log);
  }

  private static Map<String, PrometheusText.Family> page(ServingServer server) {
    return PrometheusText.parse(new String(server.metrics().page(), StandardCharsets.UTF_8));
  }

  /** The LSTM's session runs so far, over all its versions. */
  private static double sessionRuns(ServingServer server) {
    return page(server).get(RUNS).value(RUNS + "_count",
        Map.of("model_name", "lstm", "API", "Predict", "runtime", "TF1"));
  }
}
