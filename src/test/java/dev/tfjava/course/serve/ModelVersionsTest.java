package dev.tfjava.course.serve;

import static dev.tfjava.course.serve.ServingFixture.assertError;
import static dev.tfjava.course.serve.ServingFixture.flatten;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfjava.course.serve.core.LoadedModel;
import dev.tfjava.course.serve.core.ModelLease;
import dev.tfjava.course.serve.core.ModelSpec;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tfjava.course.serve.tools.StandInModels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A version exported while the server runs is picked up, the old one is retired (END) without a
 * single failed request, and its bundle is closed once released.
 */
class ModelVersionsTest {
  @TempDir
  Path models;

  @Test
  void newVersionIsServedWhileRequestsKeepFlowing() throws Exception {
    ServingServer.Settings settings = ServingFixture.settings()
        .withPollInterval(Duration.ofMillis(200));
    try (ServingFixture serving = ServingFixture.start(models, settings)) {
      float[][] window = ServingFixture.windows(1, 12.2);
      String body = ServingFixture.windowInstances(window);
      LoadedModel first;
      try (ModelLease lease = serving.server.repository().acquire(ModelSpec.latest("lstm"))) {
        first = lease.model();
      }

      // Requests run throughout the swap; none may fail.
      AtomicBoolean running = new AtomicBoolean(true);
      AtomicInteger sent = new AtomicInteger();
      AtomicReference<String> failure = new AtomicReference<>();
      Thread load = new Thread(() -> {
        while (running.get() && failure.get() == null) {
          ServingFixture.Answer answer = serving.post("/v1/models/lstm:predict", body);
          sent.incrementAndGet();
          if (answer.status() != 200) {
            failure.set(answer.body());
          }
        }
      });
      load.start();

      Path second = StandInModels.exportLstm(models, "lstm", 2);
      assertEquals("2", second.getFileName().toString());
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      JsonNode status;
      do {
        Thread.sleep(100);
        status = serving.get("/v1/models/lstm").json().path("model_version_status");
      } while (!status.toString().contains("\"2\"") && System.nanoTime() < deadline);
      Thread.sleep(300);
      running.set(false);
      load.join();

      assertEquals(null, failure.get(), "a request failed during the swap");
      assertTrue(sent.get() > 0);
      assertEquals("AVAILABLE", serving.get("/v1/models/lstm/versions/2").json()
          .at("/model_version_status/0/state").asText());
      assertEquals("END", serving.get("/v1/models/lstm/versions/1").json()
          .at("/model_version_status/0/state").asText());
      assertTrue(first.closed(), "the replaced bundle is closed once its requests are done");

      double[] expected = ServingFixture.doubles((float[]) ServingFixture.inProcess(second, window, 20, 1)
          .get("outputs"));
      ServingFixture.Answer answer = serving.post("/v1/models/lstm:predict", body);
      assertArrayEquals(expected, flatten(answer.json().path("predictions")), 1e-6);
      assertEquals(200, serving.post("/v1/models/lstm/versions/2:predict", body).status());
      assertError(404, serving.post("/v1/models/lstm/versions/1:predict", body));
      // The other model was not touched.
      assertEquals("1", serving.get("/v1/models/mnist_cnn").json()
          .at("/model_version_status/0/version").asText());
    }
  }

  @Test
  void strayEntriesInTheModelsFolderAreSkippedWithOneWarningEach() throws Exception {
    java.util.List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
    ServingServer.Settings settings = ServingFixture.settings()
        .withPollInterval(Duration.ofMillis(100));
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      try (ServingFixture serving = ServingFixture.start(models, settings, log::add)) {
        Path lstm = models.resolve("lstm");
        java.nio.file.Files.writeString(lstm.resolve("5"), "a file named like a version");
        java.nio.file.Files.createSymbolicLink(lstm.resolve("7"), lstm.resolve("nowhere"));
        java.nio.file.Files.createDirectories(lstm.resolve("999999999999999999"));
        java.nio.file.Files.createDirectories(lstm.resolve("99999999999999999999999"));
        Thread.sleep(1000); // several scans
        assertEquals("1", serving.get("/v1/models/lstm").json()
            .at("/model_version_status/0/version").asText());
        assertEquals(200, serving.post("/v1/models/lstm:predict",
            ServingFixture.windowInstances(ServingFixture.windows(1, 12.2))).status());
        for (String name : java.util.List.of("5", "7", "999999999999999999",
            "99999999999999999999999")) {
          String path = lstm.resolve(name).toString();
          assertEquals(1, log.stream().filter(line -> line.startsWith("skipping " + path + ":"))
              .count(), name + " in " + log);
        }
        assertTrue(log.stream().noneMatch(line -> line.contains("could not load")),
            log.toString());
      }
    });
  }
}
