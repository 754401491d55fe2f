package dev.tfjava.course.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfjava.course.serve.core.ModelRepository;
import dev.tfjava.course.train.ThreadSettings;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.io.ParseExample;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;
import org.tensorflow.proto.Features;
import org.tensorflow.proto.FloatList;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;
import tensorflow.serving.Classification;
import tensorflow.serving.Inference;
import tensorflow.serving.InputOuterClass;
import tensorflow.serving.Model;
import tensorflow.serving.PredictionServiceGrpc;
import tensorflow.serving.RegressionOuterClass;

/**
 * Classify, Regress and MultiInference on tf.Example inputs, over gRPC and REST, on a model built
 * here the way TF Serving's half_plus_two is: serialized tf.Examples parsed for a float feature
 * {@code x} (default 0), y = x / 2 + 2, exported with a classify signature (scores) and a
 * regress signature (outputs). The context's features reach every example.
 */
class ExampleInferenceTest {
  @TempDir
  static Path models;
  static ServingFixture serving;
  static ManagedChannel channel;
  static PredictionServiceGrpc.PredictionServiceBlockingStub stub;

  @BeforeAll
  static void start() throws Exception {
    Path version = models.resolve("half").resolve("1");
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Operand<TString> serialized = tf.withName("tf_example").placeholder(TString.class);
      ParseExample parsed = tf.io.parseExample(serialized, strings(tf), strings(tf),
          strings(tf, "x"), strings(tf), List.of(tf.constant(new float[] {0f})), 0L, List.of(),
          List.of(), List.of(), List.of(Shape.of(1)));
      @SuppressWarnings("unchecked")
      Operand<TFloat32> x = (Operand<TFloat32>) parsed.denseValues().get(0);
      Operand<TFloat32> y = tf.math.add(tf.math.mul(x, tf.constant(0.5f)), tf.constant(2f));
      try (Session session = new Session(graph)) {
        SavedModelBundle.exporter(version.toString()).withSession(session).withSignatures(
            Signature.builder().key("classify_x_to_y").methodName("tensorflow/serving/classify")
                .input("inputs", serialized).output("scores", y).build(),
            Signature.builder().key("regress_x_to_y").methodName("tensorflow/serving/regress")
                .input("inputs", serialized).output("outputs", y).build()).export();
      }
    }
    serving = ServingFixture.of(models, ServingServer.start(new ModelRepository(models,
        new ThreadSettings(1, 1), line -> { }), ServingFixture.settings().withGrpcPort(0),
        line -> { }));
    channel = NettyChannelBuilder.forAddress("127.0.0.1", serving.server.grpcPort())
        .usePlaintext().build();
    stub = PredictionServiceGrpc.newBlockingStub(channel);
  }

  private static Operand<TString> strings(Ops tf, String... values) {
    return values.length == 0 ? tf.constant(Shape.of(0), DataBuffers.ofObjects(String.class, 0))
        : tf.constant(StandardCharsets.UTF_8, values);
  }

  @AfterAll
  static void stop() {
    channel.shutdownNow();
    serving.close();
  }

  private static Example x(float... values) {
    return Example.newBuilder().setFeatures(Features.newBuilder().putFeature("x",
        Feature.newBuilder().setFloatList(FloatList.newBuilder().addAllValue(
            java.util.stream.Stream.of(box(values)).toList())).build())).build();
  }

  private static Float[] box(float[] values) {
    Float[] boxed = new Float[values.length];
    for (int i = 0; i < values.length; i++) {
      boxed[i] = values[i];
    }
    return boxed;
  }

  private static Model.ModelSpec spec(String signature) {
    return Model.ModelSpec.newBuilder().setName("half").setSignatureName(signature).build();
  }

  private static InputOuterClass.Input examples(Example... examples) {
    return InputOuterClass.Input.newBuilder().setExampleList(InputOuterClass.ExampleList
        .newBuilder().addAllExamples(List.of(examples))).build();
  }

  @Test
  void classifyAndRegressOverGrpc() {
    Classification.ClassificationResponse classified = stub.classify(
        Classification.ClassificationRequest.newBuilder().setModelSpec(spec("classify_x_to_y"))
            .setInput(examples(x(2f), x(4f))).build());
    assertEquals(3.0f, classified.getResult().getClassifications(0).getClasses(0).getScore());
    assertEquals(4.0f, classified.getResult().getClassifications(1).getClasses(0).getScore());
    assertEquals("classify_x_to_y", classified.getModelSpec().getSignatureName());
    assertEquals(1, classified.getModelSpec().getVersion().getValue());

    RegressionOuterClass.RegressionResponse regressed = stub.regress(
        RegressionOuterClass.RegressionRequest.newBuilder().setModelSpec(spec("regress_x_to_y"))
            .setInput(examples(x(2f))).build());
    assertEquals(3.0f, regressed.getResult().getRegressions(0).getValue());
  }

  @Test
  void contextReachesEveryExampleAndMultiInferenceRunsEachTask() {
    // The examples carry no x: the context's x = 6 is each one's (y = 5).
    InputOuterClass.Input withContext = InputOuterClass.Input.newBuilder()
        .setExampleListWithContext(InputOuterClass.ExampleListWithContext.newBuilder()
            .setContext(x(6f)).addExamples(Example.getDefaultInstance())
            .addExamples(Example.getDefaultInstance())).build();
    Inference.MultiInferenceResponse both = stub.multiInference(
        Inference.MultiInferenceRequest.newBuilder()
            .addTasks(Inference.InferenceTask.newBuilder().setModelSpec(spec("regress_x_to_y"))
                .setMethodName("tensorflow/serving/regress"))
            .addTasks(Inference.InferenceTask.newBuilder().setModelSpec(spec("classify_x_to_y"))
                .setMethodName("tensorflow/serving/classify"))
            .setInput(withContext).build());
    assertEquals(2, both.getResults(0).getRegressionResult().getRegressionsCount());
    assertEquals(5.0f, both.getResults(0).getRegressionResult().getRegressions(1).getValue());
    assertEquals(5.0f, both.getResults(1).getClassificationResult().getClassifications(0)
        .getClasses(0).getScore());
  }

  @Test
  void aSignatureWithoutTheOutputsIsInvalidArgument() {
    StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(
        StatusRuntimeException.class, () -> stub.regress(RegressionOuterClass.RegressionRequest
            .newBuilder().setModelSpec(spec("classify_x_to_y")).setInput(examples(x(1f)))
            .build()));
    assertEquals(io.grpc.Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("No output tensor named outputs"),
        e.getStatus().getDescription());
  }

  @Test
  void classifyAndRegressOverRest() {
    ServingFixture.Answer classified = serving.post("/v1/models/half:classify",
        "{\"signature_name\": \"classify_x_to_y\", \"examples\": [{\"x\": 2.0}]}");
    assertEquals(200, classified.status(), classified.body());
    assertEquals("{\"results\":[[[\"\",3.0]]]}", classified.body());
    ServingFixture.Answer regressed = serving.post("/v1/models/half:regress",
        "{\"signature_name\": \"regress_x_to_y\", \"context\": {\"x\": 6.0},"
            + " \"examples\": [{}, {\"x\": [2.0]}]}");
    assertEquals("{\"results\":[5.0,3.0]}", regressed.body());
    String error = ServingFixture.assertError(400, serving.post("/v1/models/half:regress",
        "{\"signature_name\": \"regress_x_to_y\", \"examples\": [{\"x\": [true]}]}"));
    assertTrue(error.contains("Feature x"), error);
  }
}
