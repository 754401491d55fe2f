package dev.tfjava.course.serve;

import static dev.tfjava.course.serve.ServingFixture.doubles;
import static dev.tfjava.course.serve.ServingFixture.flatten;
import static dev.tfjava.course.serve.ServingFixture.inProcess;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every endpoint, for both kinds of model, over real HTTP, checked against in-process runs. */
class ServingApiTest {
  private static final double TOLERANCE = 1e-6;

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

  @Test
  void statusOfEachModelIsTfServingsShape() throws Exception {
    JsonNode expected = ServingFixture.JSON.readTree("{\"model_version_status\": [{\"version\":"
        + " \"1\", \"state\": \"AVAILABLE\", \"status\": {\"error_code\": \"OK\","
        + " \"error_message\": \"\"}}]}");
    for (String path : List.of("/v1/models/mnist_cnn", "/v1/models/lstm",
        "/v1/models/mnist_cnn/versions/1", "/v1/models/lstm/versions/1")) {
      ServingFixture.Answer answer = serving.get(path);
      assertEquals(200, answer.status(), path);
      assertEquals("application/json",
          answer.response().headers().firstValue("Content-Type").orElse(""));
      assertEquals(expected, answer.json(), path);
    }
  }

  @Test
  void metadataListsTheSignatures() {
    for (String path : List.of("/v1/models/mnist_cnn/metadata",
        "/v1/models/mnist_cnn/versions/1/metadata")) {
      JsonNode json = serving.get(path).json();
      assertEquals("mnist_cnn", json.at("/model_spec/name").asText());
      assertEquals("1", json.at("/model_spec/version").asText());
      JsonNode signature = json.at("/metadata/signature_def/signature_def/serving_default");
      assertEquals("tensorflow/serving/predict", signature.path("method_name").asText());
      assertTensorInfo(signature.at("/inputs/X"), "DT_FLOAT", "-1", "784");
      assertTensorInfo(signature.at("/outputs/Y_prob"), "DT_FLOAT", "-1", "10");
      assertTensorInfo(signature.at("/outputs/classes"), "DT_INT64", "-1");
    }
    JsonNode lstm = serving.get("/v1/models/lstm/metadata").json()
        .at("/metadata/signature_def/signature_def/serving_default");
    assertTensorInfo(lstm.at("/inputs/X"), "DT_FLOAT", "-1", "20", "1");
    assertTensorInfo(lstm.at("/outputs/outputs"), "DT_FLOAT", "-1", "20", "1");
  }

  private static void assertTensorInfo(JsonNode info, String dtype, String... sizes) {
    assertEquals(dtype, info.path("dtype").asText(), info.toString());
    JsonNode dims = info.at("/tensor_shape/dim");
    assertEquals(sizes.length, dims.size(), info.toString());
    for (int i = 0; i < sizes.length; i++) {
      assertEquals(sizes[i], dims.get(i).path("size").asText());
    }
    assertTrue(info.path("name").asText().endsWith(":0"), info.toString());
  }

  @Test
  void mnistRowFormatGivesAnObjectPerInstance() {
    float[][] images = ServingFixture.images(3, 7);
    Map<String, Object> expected = inProcess(models.resolve("mnist_cnn/1"), images, 784);
    for (String path : List.of("/v1/models/mnist_cnn:predict",
        "/v1/models/mnist_cnn/versions/1:predict")) {
      ServingFixture.Answer answer = serving.post(path, ServingFixture.imageInstances(images));
      assertEquals(200, answer.status(), answer.body());
      JsonNode predictions = answer.json().path("predictions");
      assertEquals(3, predictions.size());
      float[] probabilities = (float[]) expected.get("Y_prob");
      long[] classes = (long[]) expected.get("classes");
      for (int i = 0; i < 3; i++) {
        JsonNode instance = predictions.get(i);
        assertEquals(2, instance.size(), instance.toString());
        assertArrayEquals(doubles(probabilities, i * 10, 10), flatten(instance.path("Y_prob")),
            TOLERANCE);
        assertEquals(classes[i], instance.path("classes").asLong());
      }
    }
  }

  @Test
  void mnistColumnarFormatGivesAnObjectOfOutputs() {
    float[][] images = ServingFixture.images(2, 8);
    Map<String, Object> expected = inProcess(models.resolve("mnist_cnn/1"), images, 784);
    String body = "{\"signature_name\": \"serving_default\", \"inputs\": {\"X\": "
        + ServingFixture.json(images) + "}}";
    ServingFixture.Answer answer = serving.post("/v1/models/mnist_cnn:predict", body);
    assertEquals(200, answer.status(), answer.body());
    JsonNode outputs = answer.json().path("outputs");
    assertEquals(2, outputs.path("Y_prob").size());
    assertArrayEquals(doubles((float[]) expected.get("Y_prob")),
        flatten(outputs.path("Y_prob")), TOLERANCE);
    long[] classes = (long[]) expected.get("classes");
    assertArrayEquals(new double[] {classes[0], classes[1]}, flatten(outputs.path("classes")));
  }

  @Test
  void lstmRowFormatGivesThePlainValuePerInstance() {
    float[][] windows = ServingFixture.windows(2, 12.2);
    float[] expected = (float[]) inProcess(models.resolve("lstm/1"), windows, 20, 1)
        .get("outputs");
    ServingFixture.Answer answer = serving.post("/v1/models/lstm:predict",
        ServingFixture.windowInstances(windows));
    assertEquals(200, answer.status(), answer.body());
    JsonNode predictions = answer.json().path("predictions");
    assertEquals(2, predictions.size());
    assertEquals(20, predictions.get(0).size());
    assertEquals(1, predictions.get(0).get(0).size());
    assertArrayEquals(doubles(expected), flatten(predictions), TOLERANCE);
  }

  @Test
  void lstmAcceptsNamedInstancesAndBothColumnarForms() {
    float[][] windows = ServingFixture.windows(1, 12.2);
    double[] expected = doubles((float[]) inProcess(models.resolve("lstm/1"), windows, 20, 1)
        .get("outputs"));
    // {"instances":[<one [20][1] window>]} → value = [<window>], the batch of one.
    String window = ServingFixture.windowInstances(windows);
    String value = window.substring(window.indexOf(':') + 1, window.length() - 1);
    ServingFixture.Answer named = serving.post("/v1/models/lstm:predict",
        "{\"instances\": [{\"X\": " + value.substring(1, value.length() - 1) + "}]}");
    assertEquals(200, named.status(), named.body());
    assertArrayEquals(expected, flatten(named.json().path("predictions")), TOLERANCE);

    for (String inputs : List.of(value, "{\"X\": " + value + "}")) {
      ServingFixture.Answer columnar = serving.post("/v1/models/lstm:predict",
          "{\"inputs\": " + inputs + "}");
      assertEquals(200, columnar.status(), columnar.body());
      JsonNode outputs = columnar.json().path("outputs");
      assertTrue(outputs.isArray(), "one output: the value itself, " + outputs);
      assertArrayEquals(expected, flatten(outputs), TOLERANCE);
    }
  }
}
