package dev.tfjava.course.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tfjava.course.export.SavedModels;
import dev.tfjava.course.serve.config.BatchingParameters;
import dev.tfjava.course.serve.tools.PrometheusText;
import dev.tfjava.course.serve.tools.PrometheusText.Family;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Server-side batching against the same server without it, on the same models: many concurrent
 * clients with distinct inputs each get the unbatched server's answer (the same error text for a
 * bad request, the same numbers to float rounding and the same classes for a good one) while
 * their requests really share session runs; a full batch queue answers 503 at once; a batch
 * whose stacked run cannot be split back runs each request alone.
 */
class ServingBatchingTest {
  private static final int CLIENTS = 48;
  private static final int REQUESTS = 12;
  private static final String METRICS = "/monitoring/prometheus/metrics";

  @TempDir
  static Path models;
  static ServingFixture batched;
  static ServingFixture unbatched;

  @BeforeAll
  static void start() {
    exportReshapeModel(models);
    BatchingParameters parameters = new BatchingParameters(32, Duration.ofMillis(2), 100, 2,
        "batch_threads", List.of(), false);
    batched = ServingFixture.start(models, ServingFixture.settings().withThreads(CLIENTS),
        ServingFeatures.defaults().withBatching(parameters), line -> { });
    // The same folder: the stand-ins are exported again as version 2 and both servers load it.
    unbatched = ServingFixture.start(models, ServingFixture.settings());
    batched.server.repository().refresh();
  }

  @AfterAll
  static void stop() {
    batched.close();
    unbatched.close();
  }

  /** A request and where it goes. */
  private record Call(String path, String body) {}

  @Test
  void concurrentClientsGetTheUnbatchedAnswersWhileSharingSessionRuns() {
    assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
      List<Call> calls = new ArrayList<>();
      float[][] images = ServingFixture.images(CLIENTS * 2, 7);
      float[][] windows = ServingFixture.windows(CLIENTS, 3.0);
      for (int i = 0; i < CLIENTS * 2; i++) {
        calls.add(new Call("/v1/models/mnist_cnn:predict",
            ServingFixture.imageInstances(new float[][] {images[i]})));
      }
      for (int i = 0; i < CLIENTS; i++) {
        calls.add(new Call("/v1/models/lstm:predict",
            ServingFixture.windowInstances(new float[][] {windows[i]})));
      }
      // Requests that fail alone, mixed in: they must fail with their own error, not others'.
      calls.add(new Call("/v1/models/mnist_cnn:predict", "{\"instances\": [[1, 2, 3]]}"));
      calls.add(new Call("/v1/models/lstm:predict", "{\"instances\": [[[NaN]]]}"));
      calls.add(new Call("/v1/models/mnist_cnn:predict",
          "{\"signature_name\": \"nope\", \"instances\": [[0]]}"));
      calls.add(new Call("/v1/models/mnist_cnn:predict", ServingFixture.imageInstances(
          ServingFixture.images(3, 99))));
      List<ServingFixture.Answer> expected = new ArrayList<>();
      for (Call c : calls) {
        expected.add(unbatched.post(c.path(), c.body()));
      }
      // The tolerance below cannot hide a mix-up: distinct inputs' answers differ far more.
      for (int i = 1; i < CLIENTS * 2; i++) {
        double[] a = numbers(expected.get(0).json());
        double[] b = numbers(expected.get(i).json());
        double most = 0;
        for (int j = 0; j < a.length; j++) {
          most = Math.max(most, Math.abs(a[j] - b[j]));
        }
        assertTrue(most > 1e-4, "images 0 and " + i + " differ by only " + most);
      }
      double runsBefore = value(":tensorflow:serving:batching_session:wrapped_run_count",
          ":tensorflow:serving:batching_session:wrapped_run_count", Map.of());

      ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
      List<Future<?>> done = new ArrayList<>();
      AtomicInteger answered = new AtomicInteger();
      for (int t = 0; t < CLIENTS; t++) {
        int client = t;
        done.add(clients.submit(() -> {
          for (int r = 0; r < REQUESTS; r++) {
            int i = (client * 5 + r * 13) % calls.size();
            assertSameAnswer(expected.get(i), batched.post(calls.get(i).path(),
                calls.get(i).body()), calls.get(i).body());
            answered.incrementAndGet();
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      clients.shutdown();
      assertEquals(CLIENTS * REQUESTS, answered.get());
      double runs = value(":tensorflow:serving:batching_session:wrapped_run_count",
          ":tensorflow:serving:batching_session:wrapped_run_count", Map.of()) - runsBefore;
      double rows = value(":tensorflow:serving:batching:processed_batch_size",
          ":tensorflow:serving:batching:processed_batch_size_sum", Map.of("model_name",
              "mnist_cnn"));
      double batches = value(":tensorflow:serving:batching:processed_batch_size",
          ":tensorflow:serving:batching:processed_batch_size_count", Map.of("model_name",
              "mnist_cnn"));
      assertTrue(runs > 0 && runs < CLIENTS * REQUESTS * 0.9, "requests shared runs: " + runs
          + " runs for " + CLIENTS * REQUESTS + " requests");
      assertTrue(rows / batches > 1.5, "instances per MNIST batch: " + rows / batches);
    });
  }

  /** The batched answer is the unbatched one: same status and error, same numbers and classes. */
  private static void assertSameAnswer(ServingFixture.Answer want, ServingFixture.Answer got,
      String request) {
    String what = request.substring(0, Math.min(80, request.length()));
    assertEquals(want.status(), got.status(), what + " → " + got.body());
    if (want.status() != 200) {
      assertEquals(want.body(), got.body(), what);
      return;
    }
    JsonNode expected = want.json();
    JsonNode actual = got.json();
    assertEquals(expected.fieldNames().next(), actual.fieldNames().next(), what);
    assertEquals(expected.findValues("classes"), actual.findValues("classes"), what);
    // TensorFlow's kernels round a row differently alone (matrix-vector) and inside a batch
    // (matrix-matrix): up to ~1e-7 here (docs/serving.md); other inputs differ by far more.
    double[] values = numbers(expected);
    assertTrue(values.length > 0, what);
    assertArrayEquals(values, numbers(actual), 1e-6, what);
  }

  @Test
  void aStackedRunThatCannotBeSplitRunsEachRequestAlone() {
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      // reshape(X, [1, -1]): alone, a [1,3] input gives [1,3]; stacked, [n,3] gives [1,3n],
      // which is not one row per request, so the batch falls back to one run per request.
      List<Call> calls = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        calls.add(new Call("/v1/models/reshape:predict",
            "{\"inputs\": [[" + i + ", " + (i + 10) + ", " + (i + 20) + "]]}"));
      }
      double queuedBefore = value(":tensorflow:serving:batching_session:queuing_latency",
          ":tensorflow:serving:batching_session:queuing_latency_count",
          Map.of("thread_pool_name", "batch_threads"));
      ExecutorService clients = Executors.newFixedThreadPool(calls.size());
      List<Future<ServingFixture.Answer>> answers = new ArrayList<>();
      for (Call c : calls) {
        answers.add(clients.submit(() -> batched.post(c.path(), c.body())));
      }
      for (int i = 0; i < calls.size(); i++) {
        assertSameAnswer(unbatched.post(calls.get(i).path(), calls.get(i).body()),
            answers.get(i).get(), calls.get(i).body());
        assertEquals(List.of(2.0 * i, 2.0 * (i + 10), 2.0 * (i + 20)),
            boxed(numbers(answers.get(i).get().json().path("outputs"))));
      }
      clients.shutdown();
      assertEquals(calls.size(), value(":tensorflow:serving:batching_session:queuing_latency",
          ":tensorflow:serving:batching_session:queuing_latency_count",
          Map.of("thread_pool_name", "batch_threads")) - queuedBefore, "all went through batching");
    });
  }

  @Test
  void aFullBatchQueueAnswers503AtOnce(@TempDir Path other) {
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      BatchingParameters tiny = new BatchingParameters(1, Duration.ZERO, 1, 1, "batch_threads",
          List.of(), false);
      try (ServingFixture serving = ServingFixture.start(other,
          ServingFixture.settings().withThreads(32), ServingFeatures.defaults().withBatching(tiny),
          line -> { })) {
        String body = ServingFixture.windowInstances(ServingFixture.windows(1, 0.0));
        String want = unbatched.post("/v1/models/lstm:predict", body).body();
        ExecutorService clients = Executors.newFixedThreadPool(32);
        List<Future<ServingFixture.Answer>> answers = new ArrayList<>();
        for (int i = 0; i < 32 * 8; i++) {
          answers.add(clients.submit(() -> serving.post("/v1/models/lstm:predict", body)));
        }
        int refused = 0;
        for (Future<ServingFixture.Answer> f : answers) {
          ServingFixture.Answer a = f.get();
          if (a.status() == 503) {
            refused++;
            assertTrue(ServingFixture.assertError(503, a)
                .contains("queue to which this task was submitted is full"), a.body());
          } else {
            assertEquals(200, a.status(), a.body());
            assertArrayEquals(numbers(ServingFixture.JSON.readTree(want)), numbers(a.json()),
                1e-6);
          }
        }
        clients.shutdown();
        assertTrue(refused > 0, "one batch thread, one queued batch of one: some were refused");
      }
    });
  }

  /**
   * A call is queued for its batch and no thread waits with it (nor is a worker taken for it),
   * so even a server with one worker fills a batch: eight concurrent clients, batches of up to
   * eight that wait up to a minute to fill. Were a thread to wait for its call's answer, the
   * first call would sit alone until the minute passed.
   */
  @Test
  void oneWorkerFillsABatchBecauseNoThreadWaitsWithItsCall(@TempDir Path other) {
    assertTimeoutPreemptively(Duration.ofSeconds(40), () -> {
      try (ServingFixture serving = oneWorkerServer(other, 8, Duration.ofMinutes(1))) {
        float[][] images = ServingFixture.images(8, 11);
        ExecutorService clients = Executors.newFixedThreadPool(8);
        List<Future<ServingFixture.Answer>> answers = new ArrayList<>();
        for (float[] image : images) {
          answers.add(clients.submit(() -> serving.post("/v1/models/mnist_cnn:predict",
              ServingFixture.imageInstances(new float[][] {image}))));
        }
        for (int i = 0; i < images.length; i++) {
          ServingFixture.Answer a = answers.get(i).get();
          assertEquals(200, a.status(), a.body());
          assertSameAnswer(unbatched.post("/v1/models/mnist_cnn:predict",
              ServingFixture.imageInstances(new float[][] {images[i]})), a, "image " + i);
        }
        clients.shutdown();
        Map<String, Family> page = PrometheusText.parse(serving.get(METRICS).body());
        Family sizes = page.get(":tensorflow:serving:batching:processed_batch_size");
        Map<String, String> mnist = Map.of("model_name", "mnist_cnn");
        assertEquals(1, sizes.value(":tensorflow:serving:batching:processed_batch_size_count",
            mnist), "one batch");
        assertEquals(8, sizes.value(":tensorflow:serving:batching:processed_batch_size_sum",
            mnist), "of all eight calls");
      }
    });
  }

  /**
   * A REST call that cannot join a batch (more instances than {@code max_batch_size}) is queued
   * from the event loop like any other, but runs on a worker (the event loop never runs
   * TensorFlow), alone, with the unbatched answer.
   */
  @Test
  void aCallTooLargeForABatchRunsAloneOnAWorker(@TempDir Path other) {
    assertTimeoutPreemptively(Duration.ofSeconds(40), () -> {
      try (ServingFixture serving = oneWorkerServer(other, 4, Duration.ofMillis(1))) {
        float[][] images = ServingFixture.images(9, 23);
        String body = ServingFixture.imageInstances(images);
        ServingFixture.Answer alone = serving.post("/v1/models/mnist_cnn:predict", body);
        assertEquals(200, alone.status(), alone.body());
        assertSameAnswer(unbatched.post("/v1/models/mnist_cnn:predict", body), alone,
            "nine instances");
        Family sizes = PrometheusText.parse(serving.get(METRICS).body())
            .get(":tensorflow:serving:batching:processed_batch_size");
        double batches = sizes == null ? 0 : sizes.value(
            ":tensorflow:serving:batching:processed_batch_size_count",
            Map.of("model_name", "mnist_cnn"));
        assertTrue(Double.isNaN(batches) || batches == 0, "no batch ran: " + sizes);
      }
    });
  }

  /** A batching server of its own on {@code folder}: one worker, one batch thread. */
  private static ServingFixture oneWorkerServer(Path folder, int maxBatchSize,
      Duration batchTimeout) {
    BatchingParameters parameters = new BatchingParameters(maxBatchSize, batchTimeout, 10, 1,
        "batch_threads", List.of(), false);
    return ServingFixture.start(folder, ServingFixture.settings().withThreads(1),
        ServingFeatures.defaults().withBatching(parameters), line -> { });
  }

  /** Every number of a JSON answer, depth first, objects' fields in order. */
  private static double[] numbers(JsonNode node) {
    List<Double> values = new ArrayList<>();
    collect(node, values);
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static void collect(JsonNode node, List<Double> values) {
    if (node.isContainerNode()) {
      node.elements().forEachRemaining(child -> collect(child, values));
    } else if (node.isNumber()) {
      values.add(node.doubleValue());
    }
  }

  private static List<Double> boxed(double[] values) {
    List<Double> list = new ArrayList<>();
    for (double v : values) {
      list.add(v);
    }
    return list;
  }

  private static double value(String family, String sample, Map<String, String> labels) {
    Map<String, Family> page = PrometheusText.parse(batched.get(METRICS).body());
    Family f = page.get(family);
    double v = f == null ? Double.NaN : f.value(sample, labels);
    return Double.isNaN(v) ? 0 : v;
  }

  /** {@code reshape}: X float [-1,-1] → Y = 2·reshape(X, [1, -1]). */
  private static void exportReshapeModel(Path root) {
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Operand<TFloat32> x = tf.withName("X").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, -1)));
      Operand<TFloat32> y = tf.withName("Y").math.mul(tf.reshape(x, tf.constant(new long[] {1, -1})),
          tf.constant(2f));
      try (Session session = new Session(graph)) {
        SavedModels.export(session, SavedModels.predictSignature(Map.of("X", x), Map.of("Y", y)),
            root, "reshape");
      }
    }
  }
}
