package dev.tfjava.course.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfjava.course.io.TfRecords;
import dev.tfjava.course.serve.core.ModelRepository;
import dev.tfjava.course.serve.core.ModelSpec;
import dev.tfjava.course.serve.core.TensorValues;
import dev.tfjava.course.serve.core.VersionStatus;
import dev.tfjava.course.serve.tools.PrometheusText;
import dev.tfjava.course.serve.tools.StandInModels;
import dev.tfjava.course.serve.warmup.WarmupRequests;
import dev.tfjava.course.train.ThreadSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tensorflow.serving.Predict;

/**
 * TF Serving's warm-up records: replayed through the predictor before a version is AVAILABLE
 * (the session runs are counted on the metrics page), as often as asked; a file with too many
 * records, or a record that is not a PredictionLog, fails that version's load, named in its
 * status, while the previous version keeps serving; with warm-up off the file is not read.
 */
class ModelWarmupTest {
  @TempDir
  Path models;
  private final List<String> log = new CopyOnWriteArrayList<>();

  @Test
  void recordsRunBeforeTheVersionIsServedAsOftenAsAsked() {
    Path version = StandInModels.exportLstm(models, "lstm", 1);
    WarmupRequests.write(version, List.of(window(1), window(8), window(3)));
    try (ServingServer server = start(ServingOperations.defaults().withWarmup(true, 2))) {
      assertTrue(log.stream().anyMatch(l -> l.matches(
          "warmed lstm version 1 with 3 warm-up requests x 2 in \\d+ ms")), log::toString);
      // Six session runs of the records (none on zeros), then each once through the REST door
      // (DoorWarmupTest), all before any request arrived.
      assertEquals(6 + 3, PrometheusText.parse(new String(server.metrics().page(), StandardCharsets.UTF_8))
          .get(":tensorflow:serving:runtime_latency").value(
              ":tensorflow:serving:runtime_latency_count",
              Map.of("model_name", "lstm", "API", "Predict", "runtime", "TF1")));
      assertEquals(List.of(VersionStatus.available(1)), server.repository()
          .status(ModelSpec.latest("lstm")));
    }
  }

  @Test
  void tooManyRecordsOrABadRecordFailTheVersionNamingTheFile() throws Exception {
    StandInModels.exportLstm(models, "lstm", 1);
    StandInModels.exportLstm(models, "other", 1);
    try (ServingServer server = start(ServingOperations.defaults())) {
      // The next versions arrive while serving (the scan is run by hand here).
      Path second = StandInModels.exportLstm(models, "lstm", 2);
      TfRecords.write(WarmupRequests.file(second), Collections.nCopies(
          WarmupRequests.MAX_RECORDS + 1, new byte[0]));
      Path bad = StandInModels.exportLstm(models, "other", 2);
      TfRecords.write(WarmupRequests.file(bad),
          List.of("not a PredictionLog".getBytes(StandardCharsets.US_ASCII)));
      server.repository().refresh();
      ModelRepository repository = server.repository();
      assertEquals("warm-up file " + WarmupRequests.file(second) + ": record 1001: more than "
          + "1000 records (TF Serving reads at most 1000 TFRecords of PredictionLog)",
          failure(repository, "lstm", 2));
      assertTrue(failure(repository, "other", 2).startsWith("warm-up file "
          + WarmupRequests.file(bad) + ": record 1 does not parse as a "
          + "tensorflow.serving.PredictionLog"), failure(repository, "other", 2));
      // The version before each keeps serving (a first load would have had nothing to serve).
      for (String model : List.of("lstm", "other")) {
        assertEquals(VersionStatus.available(1), repository.status(ModelSpec.of(model,
            OptionalLong.of(1))).get(0));
      }
    }
  }

  @Test
  void aRecordTheModelRefusesFailsTheLoadAndWarmupOffSkipsTheFile() {
    Path version = StandInModels.exportLstm(models, "lstm", 1);
    WarmupRequests.write(version, List.of(WarmupRequests.predict("lstm",
        Map.of("X", TensorValues.ofFloats(new long[] {1, 5}, new float[5])))));
    try (ServingServer server = start(ServingOperations.defaults())) {
      String failure = failure(server.repository(), "lstm", 1);
      assertTrue(failure.startsWith("warm-up file " + WarmupRequests.file(version)
          + ": record 1 failed: "), failure);
    }
    log.clear();
    try (ServingServer server = start(ServingOperations.defaults().withWarmup(false, 1))) {
      assertEquals(List.of(VersionStatus.available(1)), server.repository()
          .status(ModelSpec.latest("lstm")));
      assertTrue(log.stream().noneMatch(l -> l.startsWith("warmed")), log::toString);
    }
  }

  private ServingServer start(ServingOperations operations) {
    ModelRepository repository = new ModelRepository(models, new ThreadSettings(1, 1), log::add);
    return ServingServer.start(repository, ServingFixture.settings()
        .withPollInterval(Duration.ofSeconds(60)), ServingFeatures.defaults(), operations,
        log::add);
  }

  /** The error message of a version that failed to load. */
  private static String failure(ModelRepository repository, String model, long version) {
    VersionStatus status = repository.status(ModelSpec.of(model, OptionalLong.of(version)))
        .get(0);
    assertEquals("END", status.state().name(), status.toString());
    return status.errorMessage();
  }

  /** {@code n} windows of the course's series, [n, 20, 1]. */
  static Predict.PredictRequest window(int n) {
    float[][] rows = ServingFixture.windows(n, 12.2);
    float[] flat = new float[n * 20];
    for (int i = 0; i < n; i++) {
      System.arraycopy(rows[i], 0, flat, i * 20, 20);
    }
    return WarmupRequests.predict("lstm",
        Map.of("X", TensorValues.ofFloats(new long[] {n, 20, 1}, flat)));
  }
}
