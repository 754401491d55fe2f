package dev.tfjava.course.serve;

import static dev.tfjava.course.serve.ServingFixture.assertError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tfjava.course.serve.tools.StandInModels;
import dev.tfjava.course.serve.tools.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Versions that cannot be loaded are reported as TF Serving reports them: in the model's status,
 * state END with the error's code and message, beside the version still served; each is tried
 * again when its files change, so a folder filled in slowly, or a corrupt version fixed in place,
 * is served once complete. A model none of whose versions loads is listed with its failures, and
 * a predict names why.
 */
class FailedVersionsTest {
  private static final String WINDOW = ServingFixture.windowInstances(
      ServingFixture.windows(1, 12.2));

  @TempDir
  Path models;
  @TempDir
  Path staging;
  private final List<String> log = new CopyOnWriteArrayList<>();

  private ServingFixture start() {
    return ServingFixture.start(models, ServingFixture.settings()
        .withPollInterval(Duration.ofMillis(100)).withGrpcPort(0), log::add);
  }

  @Test
  void aVersionFolderFilledInSlowlyIsServedOnceComplete() {
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      try (ServingFixture serving = start()) {
        Path second = Files.createDirectories(models.resolve("lstm/2"));
        // Empty for more scans than a version is tried on unchanged files.
        awaitLog(line -> line.contains(second + " (attempt 5 of 5)")
            && line.endsWith("tried again when its files change"));
        Thread.sleep(500);
        assertTrue(log.stream().noneMatch(line -> line.contains("(attempt 6")), log::toString);
        JsonNode failed = version(serving, 2);
        assertEquals("END", failed.path("state").asText(), failed.toString());
        assertEquals("NOT_FOUND", failed.at("/status/error_code").asText(), failed.toString());
        assertTrue(failed.at("/status/error_message").asText().contains(second.toString()),
            failed.toString());
        assertEquals("AVAILABLE", version(serving, 1).path("state").asText());
        assertEquals(200, serving.post("/v1/models/lstm:predict", WINDOW).status());

        // Now the copy arrives, file by file, into the folder being watched.
        Path complete = StandInModels.exportLstm(staging, "lstm", 2);
        Trees.copy(complete, second);
        awaitState(serving, 2, "AVAILABLE");
        assertEquals("OK", version(serving, 2).at("/status/error_code").asText());
        assertEquals("END", version(serving, 1).path("state").asText());
        assertServes(serving, "lstm", complete);
      }
    });
  }

  @Test
  void aCorruptVersionShowsEndWithItsErrorThenLoadsOnceFixed() {
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      try (ServingFixture serving = start()) {
        Path broken = Files.createDirectories(models.resolve("lstm/2"));
        Files.writeString(broken.resolve("saved_model.pb"), "not a SavedModel");
        awaitLog(line -> line.contains(broken + " (attempt 5 of 5)"));
        Thread.sleep(500); // more scans, on unchanged files: none tries again
        for (int attempt = 1; attempt <= 5; attempt++) {
          String marker = broken + " (attempt " + attempt + " of 5)";
          assertEquals(1, log.stream().filter(line -> line.contains(marker)).count(),
              marker + " in " + log);
        }
        assertTrue(log.stream().noneMatch(line -> line.contains("(attempt 6")), log::toString);

        // TF Serving's status: every version, highest first, the failed one with its error.
        JsonNode all = serving.get("/v1/models/lstm").json().path("model_version_status");
        assertEquals(2, all.size(), all.toString());
        assertEquals("2", all.get(0).path("version").asText());
        assertEquals("END", all.get(0).path("state").asText());
        assertNotEquals("OK", all.get(0).at("/status/error_code").asText(), all.toString());
        String error = all.get(0).at("/status/error_message").asText();
        assertTrue(error.contains(broken.toString()), error);
        assertEquals("1", all.get(1).path("version").asText());
        assertEquals("AVAILABLE", all.get(1).path("state").asText());
        assertEquals("OK", all.get(1).at("/status/error_code").asText());
        assertEquals(all.get(0), version(serving, 2));
        // gRPC's GetModelStatus: the same list.
        try (dev.tfjava.course.serve.grpc.PredictionClient grpc = serving.grpcClient()) {
          var versions = grpc.status(dev.tfjava.course.serve.core.ModelSpec.latest("lstm"));
          assertEquals(2, versions.size(), versions.toString());
          assertEquals(2, versions.get(0).getVersion());
          assertEquals(tensorflow.serving.GetModelStatus.ModelVersionStatus.State.END,
              versions.get(0).getState());
          assertEquals(all.get(0).at("/status/error_code").asText(),
              versions.get(0).getStatus().getErrorCode().name());
          assertEquals(error, versions.get(0).getStatus().getErrorMessage());
          assertEquals(1, versions.get(1).getVersion());
        }

        // Latest is still version 1; version 2 asked for by number says why it is not there.
        assertEquals(200, serving.post("/v1/models/lstm:predict", WINDOW).status());
        String why = assertError(404, serving.post("/v1/models/lstm/versions/2:predict", WINDOW));
        assertTrue(why.contains("version 2 of lstm could not be loaded: " + error), why);

        // Fixed in place: the files changed, so it is tried again, and served.
        Path fixed = StandInModels.exportLstm(staging, "lstm", 2);
        Files.delete(broken.resolve("saved_model.pb"));
        Trees.copy(fixed, broken);
        awaitState(serving, 2, "AVAILABLE");
        assertEquals("END", version(serving, 1).path("state").asText());
        assertEquals("OK", version(serving, 1).at("/status/error_code").asText());
        assertServes(serving, "lstm", fixed);
      }
    });
  }

  @Test
  void aModelWhoseEveryVersionFailedIsListedWithItsErrors() {
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      try (ServingFixture serving = start()) {
        Path broken = Files.createDirectories(models.resolve("broken/3"));
        Files.writeString(broken.resolve("saved_model.pb"), "not a SavedModel");
        awaitLog(line -> line.contains(broken + " (attempt 1 of 5)"));
        JsonNode status = serving.get("/v1/models/broken").json().path("model_version_status");
        assertEquals(1, status.size(), status.toString());
        assertEquals("3", status.get(0).path("version").asText());
        assertEquals("END", status.get(0).path("state").asText());
        String error = status.get(0).at("/status/error_message").asText();
        assertTrue(error.contains(broken.toString()), status.toString());
        String why = assertError(404, serving.post("/v1/models/broken:predict", WINDOW));
        assertTrue(why.startsWith("Servable not found for request: Latest(broken): no version of"
            + " broken could be loaded; version 3: " + error), why);
        assertError(404, serving.get("/v1/models/broken/metadata"));

        // Its folder removed: nothing left to report.
        Files.delete(broken.resolve("saved_model.pb"));
        Files.delete(broken);
        Files.delete(broken.getParent());
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (serving.get("/v1/models/broken").status() != 404 && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        assertTrue(assertError(404, serving.get("/v1/models/broken"))
            .contains("Could not find any versions of model broken"));
      }
    });
  }

  private void awaitLog(Predicate<String> line) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (log.stream().noneMatch(line) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(log.stream().anyMatch(line), log::toString);
  }

  private static JsonNode version(ServingFixture serving, long version) {
    ServingFixture.Answer answer = serving.get("/v1/models/lstm/versions/" + version);
    assertEquals(200, answer.status(), answer.body());
    JsonNode status = answer.json().path("model_version_status");
    assertEquals(1, status.size(), answer.body());
    return status.get(0);
  }

  private void awaitState(ServingFixture serving, long version, String state)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!state.equals(version(serving, version).path("state").asText())
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(state, version(serving, version).path("state").asText(),
        () -> version(serving, version) + " " + log);
  }

  /** The latest version of {@code model} answers as the SavedModel in {@code folder} does. */
  private static void assertServes(ServingFixture serving, String model, Path folder) {
    float[][] window = ServingFixture.windows(1, 12.2);
    double[] expected = ServingFixture.doubles((float[]) ServingFixture.inProcess(folder, window,
        20, 1).get("outputs"));
    ServingFixture.Answer answer = serving.post("/v1/models/" + model + ":predict", WINDOW);
    assertEquals(200, answer.status(), answer.body());
    assertArrayEquals(expected, ServingFixture.flatten(answer.json().path("predictions")), 1e-6);
  }
}
