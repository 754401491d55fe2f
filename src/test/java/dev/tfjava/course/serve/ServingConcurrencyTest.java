package dev.tfjava.course.serve;

import static dev.tfjava.course.serve.ServingFixture.flatten;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 8 client threads × 200 requests, both models interleaved: every answer is 200 and right. */
class ServingConcurrencyTest {
  private static final int THREADS = 8;
  private static final int REQUESTS = 200;
  private static final int DISTINCT = 16;

  @TempDir
  static Path models;
  static ServingFixture serving;

  @BeforeAll
  static void start() {
    serving = ServingFixture.start(models, ServingFixture.settings());
  }

  @AfterAll
  static void stop() {
    serving.close();
  }

  /** A request and the flattened numbers its answer must hold. */
  private record Case(String path, String body, double[] expected) {}

  @Test
  void manyThreadsAllGetCorrectAnswers() throws Exception {
    // References from one in-process batch per model, sliced per instance.
    float[][] images = ServingFixture.images(DISTINCT, 100);
    float[] probabilities = (float[]) ServingFixture.inProcess(models.resolve("mnist_cnn/1"),
        images, 784).get("Y_prob");
    float[][] windows = ServingFixture.windows(DISTINCT, 0.0);
    float[] outputs = (float[]) ServingFixture.inProcess(models.resolve("lstm/1"), windows, 20, 1)
        .get("outputs");
    List<Case> cases = new ArrayList<>();
    for (int i = 0; i < DISTINCT; i++) {
      cases.add(new Case("/v1/models/mnist_cnn:predict",
          "{\"signature_name\": \"serving_default\", \"inputs\": {\"X\": "
              + ServingFixture.json(new float[][] {images[i]}) + "}}",
          ServingFixture.doubles(probabilities, 10 * i, 10)));
      cases.add(new Case("/v1/models/lstm:predict",
          ServingFixture.windowInstances(new float[][] {windows[i]}),
          ServingFixture.doubles(outputs, 20 * i, 20)));
    }
    ExecutorService clients = Executors.newFixedThreadPool(THREADS);
    List<Future<Integer>> done = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      done.add(clients.submit(() -> {
        for (int r = 0; r < REQUESTS; r++) {
          Case c = cases.get((thread * 7 + r) % cases.size());
          ServingFixture.Answer answer = serving.post(c.path(), c.body());
          assertEquals(200, answer.status(), answer.body());
          double[] got = c.path().contains("mnist")
              ? flatten(answer.json().path("outputs").path("Y_prob"))
              : flatten(answer.json().path("predictions"));
          assertArrayEquals(c.expected(), got, 1e-6, c.path());
        }
        return REQUESTS;
      }));
    }
    int answered = 0;
    for (Future<Integer> f : done) {
      answered += f.get();
    }
    clients.shutdown();
    assertEquals(THREADS * REQUESTS, answered);
  }
}
