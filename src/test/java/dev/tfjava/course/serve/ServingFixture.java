package dev.tfjava.course.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tfjava.course.serve.core.ModelRepository;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import dev.tfjava.course.serve.tools.StandInModels;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Tensor;
import org.tensorflow.types.TInt64;
import dev.tfjava.course.export.SavedModels;
import dev.tfjava.course.train.Tensors;
import dev.tfjava.course.train.ThreadSettings;

/**
 * A real server on a loopback ephemeral port over freshly exported stand-in models
 * ({@code mnist_cnn}: X [-1,784] → Y_prob, classes; {@code lstm}: X [-1,20,1] → outputs), an HTTP
 * client, and in-process predictions (the bundle called directly) to check answers against.
 */
final class ServingFixture implements AutoCloseable {
  static final ObjectMapper JSON = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  final Path models;
  final ServingServer server;
  final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  /** One HTTP answer. */
  record Answer(int status, String body, HttpResponse<String> response) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }
  }

  private ServingFixture(Path models, ServingServer server) {
    this.models = models;
    this.server = server;
  }

  /** Exports both stand-ins under {@code models} and starts a server on them. */
  static ServingFixture start(Path models, ServingServer.Settings settings) {
    return start(models, settings, line -> { });
  }

  /** As {@link #start(Path, ServingServer.Settings)}, with the server's log lines to {@code log}. */
  static ServingFixture start(Path models, ServingServer.Settings settings,
      java.util.function.Consumer<String> log) {
    return start(models, settings, ServingFeatures.defaults(), log);
  }

  /** As {@link #start(Path, ServingServer.Settings)}, with monitoring and batching as given. */
  static ServingFixture start(Path models, ServingServer.Settings settings,
      ServingFeatures features, java.util.function.Consumer<String> log) {
    StandInModels.exportCnn(models, "mnist_cnn", 1);
    StandInModels.exportLstm(models, "lstm", 1);
    ModelRepository repository = new ModelRepository(models, new ThreadSettings(1, 1), log);
    return new ServingFixture(models, ServingServer.start(repository, settings, features, log));
  }

  /** A fixture around a server started elsewhere (on models already under {@code models}). */
  static ServingFixture of(Path models, ServingServer server) {
    return new ServingFixture(models, server);
  }

  static ServingServer.Settings settings() {
    return ServingServer.Settings.defaults("127.0.0.1", 0);
  }

  Answer get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET().build());
  }

  Answer post(String path, String body) {
    return send(HttpRequest.newBuilder(uri(path))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  Answer send(HttpRequest request) {
    try {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.body(), response);
    } catch (IOException e) {
      throw new AssertionError(request + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** A gRPC client of the server (which must have been started with a gRPC port). */
  dev.tfjava.course.serve.grpc.PredictionClient grpcClient() {
    return dev.tfjava.course.serve.grpc.PredictionClient.connect("127.0.0.1:" + server.grpcPort());
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  /** Asserts an error status with TF Serving's {@code {"error": "..."}} body; returns the text. */
  static String assertError(int status, Answer answer) {
    assertEquals(status, answer.status(), answer.body());
    String message = answer.json().path("error").asText("");
    if (message.isBlank()) {
      throw new AssertionError("no error message in " + answer.body());
    }
    return message;
  }

  @Override
  public void close() {
    server.close();
  }

  // ---- inputs and in-process reference predictions ----

  /** {@code n} MNIST-like rows of 784 pixel values in [0, 1). */
  static float[][] images(int n, long seed) {
    Random random = new Random(seed);
    float[][] rows = new float[n][784];
    for (float[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        row[i] = random.nextFloat();
      }
    }
    return rows;
  }

  /** {@code n} windows of 20 steps of the course's series t·sin(t)/3 + 2·sin(5t). */
  static float[][] windows(int n, double start) {
    float[][] rows = new float[n][dev.tfjava.course.data.TimeSeries.STEPS];
    for (int w = 0; w < n; w++) {
      for (int s = 0; s < dev.tfjava.course.data.TimeSeries.STEPS; s++) {
        double t = start + 0.1 * (w + s);
        rows[w][s] = (float) (t * Math.sin(t) / 3 + 2 * Math.sin(5 * t));
      }
    }
    return rows;
  }

  /** Row-format JSON for the MNIST model. */
  static String imageInstances(float[][] rows) {
    return json(Map.of("instances", rows));
  }

  /** Row-format JSON for the LSTM model: each instance is [20][1]. */
  static String windowInstances(float[][] rows) {
    List<float[][]> instances = new ArrayList<>();
    for (float[] row : rows) {
      float[][] steps = new float[row.length][1];
      for (int s = 0; s < row.length; s++) {
        steps[s][0] = row[s];
      }
      instances.add(steps);
    }
    return json(Map.of("instances", instances));
  }

  static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** The model's outputs for {@code rows}, from the bundle called directly (no server). */
  static Map<String, Object> inProcess(Path versionDir, float[][] rows, long... instanceShape) {
    long[] shape = new long[instanceShape.length + 1];
    shape[0] = rows.length;
    System.arraycopy(instanceShape, 0, shape, 1, instanceShape.length);
    float[] flat = new float[rows.length * rows[0].length];
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(rows[r], 0, flat, r * rows[r].length, rows[r].length);
    }
    try (SavedModelBundle bundle = SavedModels.load(versionDir);
        Tensor x = Tensors.of(flat, shape);
        Result result = bundle.function("serving_default").call(Map.of("X", x))) {
      Map<String, Object> outputs = new java.util.TreeMap<>();
      for (Map.Entry<String, Tensor> e : result) {
        if (e.getValue() instanceof TInt64 classes) {
          long[] values = new long[(int) classes.shape().size()];
          classes.copyTo(org.tensorflow.ndarray.buffer.DataBuffers.of(values, false, false));
          outputs.put(e.getKey(), values);
        } else {
          outputs.put(e.getKey(), Tensors.toArray(e.getValue()));
        }
      }
      return outputs;
    }
  }

  /** {@code values[from, from + length)} widened to doubles, for assertArrayEquals. */
  static double[] doubles(float[] values, int from, int length) {
    double[] out = new double[length];
    for (int i = 0; i < length; i++) {
      out[i] = values[from + i];
    }
    return out;
  }

  static double[] doubles(float[] values) {
    return doubles(values, 0, values.length);
  }

  /** All numbers of a JSON value, depth first. */
  static double[] flatten(JsonNode node) {
    List<Double> values = new ArrayList<>();
    collect(node, values);
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static void collect(JsonNode node, List<Double> values) {
    if (node.isArray()) {
      node.forEach(child -> collect(child, values));
    } else {
      values.add(node.doubleValue());
    }
  }
}
