package dev.tfjava.course.serve;

import static dev.tfjava.course.serve.ServingFixture.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each error case answers its status with {@code {"error": "..."}}, and the server keeps serving
 * after every one of them.
 */
class ServingErrorsTest {
  /** A small body limit so that the 413 test need not send megabytes. */
  private static final long LIMIT = 256 * 1024;
  private static final String LSTM = "/v1/models/lstm:predict";
  private static final String MNIST = "/v1/models/mnist_cnn:predict";

  @TempDir
  static Path models;
  static ServingFixture serving;

  @BeforeAll
  static void start() {
    serving = ServingFixture.start(models, ServingFixture.settings().withMaxBodyBytes(LIMIT));
  }

  @AfterAll
  static void stop() {
    serving.close();
  }

  /** The server survived whatever the test sent. */
  @AfterEach
  void stillServing() {
    ServingFixture.Answer answer = serving.post(LSTM,
        ServingFixture.windowInstances(ServingFixture.windows(1, 12.2)));
    assertEquals(200, answer.status(), answer.body());
  }

  @Test
  void malformedJsonIs400() {
    assertTrue(assertError(400, serving.post(LSTM, "{\"instances\": [[1.0, ")).contains("JSON"));
    assertError(400, serving.post(LSTM, "[1, 2, 3]"));
    assertError(400, serving.post(LSTM, ""));
  }

  @Test
  void deepNestingAndHugeNumbersAre400NotAServerFault() {
    String deep = "{\"instances\": " + "[".repeat(100_000) + "]".repeat(100_000) + "}";
    assertTrue(assertError(400, serving.post(LSTM, deep)).contains("nesting"));
    String huge = ServingFixture.windowInstances(ServingFixture.windows(1, 1.0))
        .replaceFirst("\\[\\[\\[[^\\]]*\\]", "[[[" + "9".repeat(5000) + "]");
    assertTrue(assertError(400, serving.post(LSTM, huge)).contains("Number"));
    String hugeFraction = huge.replace("9".repeat(5000), "0." + "1".repeat(5000));
    assertError(400, serving.post(LSTM, hugeFraction));
    // Far past Long's range in a signature_name position, and as an int64 version in the URL.
    assertError(400, serving.post(LSTM, "{\"instances\": [1], \"signature_name\": "
        + "1" + "0".repeat(400) + "}"));
  }

  @Test
  void bothOrNeitherOfInstancesAndInputsIs400() {
    assertTrue(assertError(400, serving.post(LSTM, "{\"instances\": [1], \"inputs\": [1]}"))
        .contains("only one of"));
    assertTrue(assertError(400, serving.post(LSTM, "{\"signature_name\": \"serving_default\"}"))
        .contains("Missing"));
    assertError(400, serving.post(LSTM, "{\"instances\": []}"));
  }

  @Test
  void wrongShapeIs400() {
    // Shapes are TensorFlow's to refuse, as in TF Serving: its message, 400.
    String message = assertError(400, serving.post(MNIST, "{\"instances\": [[0.5, 0.5]]}"));
    assertTrue(message.contains("Input to reshape is a tensor with 2 values"), message);
    assertError(400, serving.post(LSTM, "{\"instances\": [[1.0, 2.0]]}"));
    // Ragged: the second window is one step short.
    float[][] windows = ServingFixture.windows(2, 1.0);
    windows[1] = java.util.Arrays.copyOf(windows[1], 19);
    String ragged = ServingFixture.windowInstances(windows);
    assertTrue(assertError(400, serving.post(LSTM, ragged)).contains("ragged"));
    // Row format with an output per instance needs a batch dimension; a scalar input has none.
    assertError(400, serving.post(LSTM, "{\"inputs\": 3.0}"));
  }

  @Test
  void wrongTypeIs400() {
    String body = ServingFixture.windowInstances(ServingFixture.windows(1, 1.0))
        .replaceFirst("\\[\\[\\[[^\\]]*\\]", "[[[\"one\"]");
    assertTrue(assertError(400, serving.post(LSTM, body)).contains("string"), body);
    assertError(400, serving.post(LSTM, "{\"instances\": [1], \"signature_name\": 7}"));
    assertError(400, serving.post(LSTM, body.replace("\"one\"", "true")));
  }

  @Test
  void nonFiniteNumbersAre400() {
    for (String token : List.of("NaN", "Infinity", "-Infinity", "1e39")) {
      String body = ServingFixture.windowInstances(ServingFixture.windows(1, 1.0))
          .replaceFirst("\\[\\[\\[[^\\]]*\\]", "[[[" + token + "]");
      String message = assertError(400, serving.post(LSTM, body));
      assertTrue(message.contains("non-finite") || message.contains("range"), message);
    }
  }

  @Test
  void unknownModelOrVersionIs404AndUnknownSignature400LikeTfServing() {
    String body = ServingFixture.windowInstances(ServingFixture.windows(1, 1.0));
    assertTrue(assertError(404, serving.post("/v1/models/nope:predict", body))
        .contains("Servable not found"));
    assertError(404, serving.post("/v1/models/lstm/versions/2:predict", body));
    assertError(404, serving.get("/v1/models/nope"));
    assertError(404, serving.get("/v1/models/lstm/versions/2"));
    assertError(404, serving.get("/v1/models/lstm/versions/2/metadata"));
    // FAILED_PRECONDITION, which TF Serving's REST server answers 400.
    assertTrue(assertError(400, serving.post(LSTM,
        body.replace("{", "{\"signature_name\": \"nope\", ")))
        .startsWith("Serving signature key \"nope\" not found."));
    assertError(404, serving.get("/v2/anything"));
    assertTrue(assertError(400, serving.post("/v1/models/lstm:classify", body))
        .contains("'examples' array is missing"));
    assertError(400, serving.get("/v1/models/lstm/versions/x"));
  }

  @Test
  void wrongMethodIs405() {
    ServingFixture.Answer get = serving.get(LSTM);
    assertError(405, get);
    assertEquals("POST", get.response().headers().firstValue("Allow").orElse(""));
    assertError(405, serving.post("/v1/models/lstm", "{}"));
    assertError(405, serving.post("/v1/models/lstm/metadata", "{}"));
  }

  @Test
  void oversizeBodyIs413WithOrWithoutContentLength() {
    String big = ServingFixture.imageInstances(ServingFixture.images(60, 1));
    assertTrue(big.length() > LIMIT);
    assertTrue(assertError(413, serving.post(MNIST, big)).contains(Long.toString(LIMIT)));
    byte[] bytes = big.getBytes(StandardCharsets.UTF_8);
    // An input-stream body is sent chunked: no Content-Length to refuse it by up front.
    HttpRequest chunked = HttpRequest.newBuilder(serving.uri(MNIST))
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)))
        .build();
    assertError(413, serving.send(chunked));
  }

  @Test
  void overloadIs503AndNeverAHangOrADroppedConnection() throws Exception {
    // A second server with one worker and one queue slot, hit by 24 requests at once.
    Path second = models.resolveSibling(models.getFileName() + "-overload");
    try (ServingFixture tiny = ServingFixture.start(second,
        ServingFixture.settings().withThreads(1).withQueueCapacity(1))) {
      String body = ServingFixture.windowInstances(ServingFixture.windows(100, 1.0));
      int clients = 24;
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<ServingFixture.Answer>> answers = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        answers.add(pool.submit(() -> {
          go.await();
          return tiny.post(LSTM, body);
        }));
      }
      go.countDown();
      int ok = 0;
      int overloaded = 0;
      for (Future<ServingFixture.Answer> answer : answers) {
        ServingFixture.Answer a = answer.get();
        if (a.status() == 200) {
          ok++;
        } else {
          assertError(503, a);
          overloaded++;
        }
      }
      pool.shutdown();
      assertTrue(ok >= 1 && overloaded >= 1, ok + " answered, " + overloaded + " turned away");
    }
  }
}
