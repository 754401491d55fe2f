package dev.tfjava.course.serve;

import static dev.tfjava.course.serve.ServingFixture.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tfjava.course.serve.config.ModelConfigFile;
import dev.tfjava.course.serve.core.ModelRepository;
import dev.tfjava.course.serve.core.ModelSpec;
import dev.tfjava.course.serve.core.PredictResponse;
import dev.tfjava.course.serve.core.TensorValues;
import dev.tfjava.course.serve.grpc.PredictionClient;
import dev.tfjava.course.serve.tools.StandInModels;
import dev.tfjava.course.train.ThreadSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TF Serving's model config file served: version policies choose what loads, version labels
 * route on REST ({@code /labels/L}) and gRPC ({@code version_label}), a label naming a version
 * that is not served is refused, and an edited file takes effect while serving.
 */
class ModelConfigTest {
  @TempDir
  Path models;

  private String config(String lstmPolicy, String lstmLabels) {
    return "model_config_list {\n"
        + "  config { name: \"lstm\" base_path: \"" + models.resolve("lstm").toAbsolutePath()
        + "\" model_platform: \"tensorflow\"\n    " + lstmPolicy + "\n    " + lstmLabels
        + "\n  }\n"
        + "  config { name: \"cnn\" base_path: \"" + models.resolve("mnist_cnn").toAbsolutePath()
        + "\" model_platform: \"tensorflow\" }\n"
        + "}\n";
  }

  private static String labels(String... pairs) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < pairs.length; i += 2) {
      text.append("version_labels { key: \"").append(pairs[i]).append("\" value: ")
          .append(pairs[i + 1]).append(" } ");
    }
    return text.toString();
  }

  /** The served (AVAILABLE) versions of lstm, from REST's status. */
  private static List<String> available(ServingFixture serving) {
    List<String> versions = new ArrayList<>();
    for (JsonNode v : serving.get("/v1/models/lstm").json().path("model_version_status")) {
      if (v.path("state").asText().equals("AVAILABLE")) {
        versions.add(v.path("version").asText());
      }
    }
    return versions;
  }

  private static void await(BooleanSupplier done, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  @Test
  void policiesAndLabelsRouteOnBothApisAndTheFileIsReReadWhileServing() throws Exception {
    for (int v = 0; v < 3; v++) {
      StandInModels.exportLstm(models, "lstm", 10 + v);
    }
    StandInModels.exportCnn(models, "mnist_cnn", 1);
    Path file = models.resolve("models.config");
    Files.writeString(file, config("model_version_policy { specific { versions: 1 versions: 2 } }",
        labels("stable", "1", "canary", "2")));
    List<String> log = new CopyOnWriteArrayList<>();
    ModelRepository repository = new ModelRepository(
        ModelConfigFile.source(file, Duration.ofMillis(200)), new ThreadSettings(1, 1), log::add);
    ServingServer server = ServingServer.start(repository, ServingFixture.settings()
        .withGrpcPort(0).withPollInterval(Duration.ofMillis(100)), log::add);
    try (ServingFixture serving = ServingFixture.of(models, server);
        PredictionClient client = serving.grpcClient()) {
      assertEquals(List.of("2", "1"), available(serving));
      assertEquals(200, serving.get("/v1/models/cnn/metadata").status());

      // Labels on REST: status, metadata and predict, each the labelled version's.
      assertEquals("1", serving.get("/v1/models/lstm/labels/stable").json()
          .at("/model_version_status/0/version").asText());
      assertEquals("2", serving.get("/v1/models/lstm/labels/canary/metadata").json()
          .at("/model_spec/version").asText());
      String body = ServingFixture.windowInstances(ServingFixture.windows(1, 12.2));
      assertEquals(serving.post("/v1/models/lstm/versions/2:predict", body).body(),
          serving.post("/v1/models/lstm/labels/canary:predict", body).body());
      assertTrue(assertError(400, serving.post("/v1/models/lstm/labels/nope:predict", body))
          .contains("Unrecognized servable version label: nope"));

      // Labels on gRPC.
      Map<String, TensorValues> window = Map.of("X", TensorValues.ofFloats(new long[] {1, 20, 1},
          ServingFixture.windows(1, 12.2)[0]));
      PredictResponse canary = client.predict(ModelSpec.labelled("lstm", "canary"), "", window);
      assertEquals(2, canary.version());
      assertEquals(1, client.predict(ModelSpec.labelled("lstm", "stable"), "", window).version());
      assertEquals(2, client.metadata(ModelSpec.labelled("lstm", "canary")).version());

      // A label naming a version that is not served: refused, the old labels stay.
      Files.writeString(file, config("model_version_policy { specific { versions: 1 versions: 2 } }",
          labels("stable", "1", "canary", "3")));
      await(() -> log.stream().anyMatch(l -> l.contains("Request to assign label to version 3")),
          "the refusal of canary -> 3");
      assertEquals(2, client.predict(ModelSpec.labelled("lstm", "canary"), "", window).version());

      // Edited while serving: the latest two versions, canary on the new one.
      Files.writeString(file, config("model_version_policy { latest { num_versions: 2 } }",
          labels("stable", "2", "canary", "3")));
      await(() -> available(serving).equals(List.of("3", "2")), "versions 3 and 2");
      await(() -> repository.labels("lstm").equals(Map.of("stable", 2L, "canary", 3L)),
          "the new labels");
      assertEquals(3, client.predict(ModelSpec.labelled("lstm", "canary"), "", window).version());
      assertEquals("END", serving.get("/v1/models/lstm/versions/1").json()
          .at("/model_version_status/0/state").asText());
      assertEquals(3, client.predict(ModelSpec.latest("lstm"), "", window).version());

      // All versions, no labels.
      Files.writeString(file, config("model_version_policy { all {} }", ""));
      await(() -> available(serving).equals(List.of("3", "2", "1")), "all three versions");
    }
  }
}
