package dev.tfjava.course.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tfjava.course.nn.cells.CellKind;
import dev.tfjava.course.serve.core.ModelSpec;
import dev.tfjava.course.serve.core.PredictResponse;
import dev.tfjava.course.serve.core.TensorValues;
import dev.tfjava.course.serve.grpc.PredictionClient;
import dev.tfjava.course.serve.tools.StandInModels;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import tensorflow.serving.GetModelStatus;

/**
 * TF Serving's gRPC API on loopback, through the project's Java client: Predict answers what the
 * REST API answers for the four models (both TensorProto forms), output_filter and version
 * choice, GetModelMetadata's signature defs and GetModelStatus's versions.
 */
class GrpcApiTest {
  @TempDir
  static Path models;
  static ServingFixture serving;
  static PredictionClient client;

  @BeforeAll
  static void start() {
    StandInModels.exportSequence(models, "basic_rnn", CellKind.BASIC_RNN, 5);
    StandInModels.exportSequence(models, "gru", CellKind.GRU, 6);
    serving = ServingFixture.start(models, ServingFixture.settings().withGrpcPort(0));
    client = serving.grpcClient();
  }

  @AfterAll
  static void stop() {
    client.close();
    serving.close();
  }

  @Test
  void predictAnswersWhatRestAnswersForTheFourModels() {
    float[][] images = ServingFixture.images(3, 11);
    float[][] windows = ServingFixture.windows(2, 12.2);
    check("mnist_cnn", images, new long[] {3, 784});
    for (String model : List.of("basic_rnn", "lstm", "gru")) {
      check(model, windows, new long[] {2, 20, 1});
    }
  }

  /** gRPC (typed values, then tensor_content) against REST's columnar answer, output by output. */
  private static void check(String model, float[][] rows, long[] shape) {
    float[] flat = flat(rows);
    String columnar = (shape.length == 3 ? ServingFixture.windowInstances(rows)
        : ServingFixture.imageInstances(rows)).replace("\"instances\"", "\"inputs\"");
    ServingFixture.Answer rest = serving.post("/v1/models/" + model + ":predict", columnar);
    assertEquals(200, rest.status(), rest.body());
    JsonNode outputs = rest.json().get("outputs");
    for (boolean raw : new boolean[] {false, true}) {
      PredictResponse grpc = client.predict(ModelSpec.latest(model), "",
          Map.of("X", TensorValues.ofFloats(shape, flat)), List.of(), raw);
      assertEquals(model, grpc.model());
      assertEquals(1, grpc.version());
      assertEquals("serving_default", grpc.signatureName());
      if (grpc.outputs().size() == 1) {
        assertClose(ServingFixture.flatten(outputs), grpc.outputs().values().iterator().next(),
            model);
      } else {
        grpc.outputs().forEach((alias, values) ->
            assertClose(ServingFixture.flatten(outputs.get(alias)), values, model + "." + alias));
      }
    }
  }

  private static void assertClose(double[] expected, TensorValues actual, String what) {
    double[] got = doubles(actual);
    assertEquals(expected.length, got.length, what);
    double worst = 0;
    for (int i = 0; i < got.length; i++) {
      worst = Math.max(worst, Math.abs(expected[i] - got[i]));
    }
    assertTrue(worst <= 1e-5, what + ": max |diff| " + worst);
  }

  private static double[] doubles(TensorValues values) {
    double[] out = new double[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = switch (values.dtype()) {
        case DT_FLOAT -> values.floats()[i];
        case DT_INT64 -> values.longs()[i];
        default -> throw new AssertionError("unexpected dtype " + values.dtype());
      };
    }
    return out;
  }

  private static float[] flat(float[][] rows) {
    int width = rows[0].length;
    float[] flat = new float[rows.length * width];
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(rows[r], 0, flat, r * width, width);
    }
    return flat;
  }

  @Test
  void outputFilterAndVersionNumberChooseWhatAnswers() {
    float[] image = flat(ServingFixture.images(1, 2));
    PredictResponse filtered = client.predict(ModelSpec.of("mnist_cnn", OptionalLong.of(1)), "",
        Map.of("X", TensorValues.ofFloats(new long[] {1, 784}, image)), List.of("classes"),
        false);
    assertEquals(List.of("classes"), List.copyOf(filtered.outputs().keySet()));
    assertEquals(DataType.DT_INT64, filtered.outputs().get("classes").dtype());
    PredictResponse all = client.predict(ModelSpec.latest("mnist_cnn"), "serving_default",
        Map.of("X", TensorValues.ofFloats(new long[] {1, 784}, image)));
    assertEquals(List.of("Y_prob", "classes"), List.copyOf(all.outputs().keySet()));
    assertEquals(all.outputs().get("classes").longs()[0],
        filtered.outputs().get("classes").longs()[0]);
  }

  @Test
  void metadataCarriesTheSavedModelsSignatureDefs() {
    PredictionClient.Metadata metadata = client.metadata(ModelSpec.latest("mnist_cnn"));
    assertEquals(1, metadata.version());
    SignatureDef signature = metadata.signatureDefs().get("serving_default");
    assertEquals("tensorflow/serving/predict", signature.getMethodName());
    TensorInfo x = signature.getInputsOrThrow("X");
    assertEquals(DataType.DT_FLOAT, x.getDtype());
    assertEquals(List.of(-1L, 784L), x.getTensorShape().getDimList().stream()
        .map(d -> d.getSize()).toList());
    assertEquals(DataType.DT_INT64, signature.getOutputsOrThrow("classes").getDtype());
    // The same signature REST's metadata describes.
    JsonNode rest = serving.get("/v1/models/mnist_cnn/metadata").json()
        .at("/metadata/signature_def/signature_def/serving_default/inputs/X");
    assertEquals(x.getName(), rest.get("name").asText());
  }

  @Test
  void statusListsTheAvailableVersion() {
    List<GetModelStatus.ModelVersionStatus> versions = client.status(ModelSpec.latest("lstm"));
    assertEquals(1, versions.size());
    assertEquals(1, versions.get(0).getVersion());
    assertEquals(GetModelStatus.ModelVersionStatus.State.AVAILABLE, versions.get(0).getState());
    assertEquals(0, versions.get(0).getStatus().getErrorCodeValue());
    assertEquals(1, client.status(ModelSpec.of("lstm", OptionalLong.of(1))).size());
  }
}
