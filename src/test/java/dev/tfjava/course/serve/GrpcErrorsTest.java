package dev.tfjava.course.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.Int64Value;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;
import tensorflow.serving.Classification;
import tensorflow.serving.GetModelMetadata;
import tensorflow.serving.GetModelStatus;
import tensorflow.serving.Inference;
import tensorflow.serving.InputOuterClass;
import tensorflow.serving.Model;
import tensorflow.serving.ModelManagement;
import tensorflow.serving.ModelServiceGrpc;
import tensorflow.serving.Predict;
import tensorflow.serving.PredictionServiceGrpc;
import tensorflow.serving.RegressionOuterClass;

/**
 * Every status code TF Serving gives a bad gRPC request, from raw protobuf requests on loopback:
 * NOT_FOUND, INVALID_ARGUMENT, FAILED_PRECONDITION, UNIMPLEMENTED, RESOURCE_EXHAUSTED; a 64 MB
 * message is a request, not a transport error; the server keeps
 * answering after each.
 */
class GrpcErrorsTest {
  @TempDir
  static Path models;
  static ServingFixture serving;
  static ManagedChannel channel;
  static PredictionServiceGrpc.PredictionServiceBlockingStub predictions;
  static ModelServiceGrpc.ModelServiceBlockingStub status;

  @BeforeAll
  static void start() {
    serving = ServingFixture.start(models, ServingFixture.settings().withGrpcPort(0)
        .withMaxBodyBytes(100L << 20).withMaxInFlightBytes(100L << 20));
    channel = NettyChannelBuilder.forAddress("127.0.0.1", serving.server.grpcPort())
        .usePlaintext().maxInboundMessageSize(Integer.MAX_VALUE).build();
    predictions = PredictionServiceGrpc.newBlockingStub(channel)
        .withMaxOutboundMessageSize(Integer.MAX_VALUE);
    status = ModelServiceGrpc.newBlockingStub(channel);
  }

  @AfterAll
  static void stop() {
    channel.shutdownNow();
    serving.close();
  }

  private static Model.ModelSpec spec(String name) {
    return Model.ModelSpec.newBuilder().setName(name).build();
  }

  /** A [n, 20, 1] float window tensor, as typed values. */
  private static TensorProto window(int n) {
    TensorProto.Builder t = TensorProto.newBuilder().setDtype(DataType.DT_FLOAT)
        .setTensorShape(shape(n, 20, 1));
    for (int i = 0; i < n * 20; i++) {
      t.addFloatVal(i / 10f);
    }
    return t.build();
  }

  private static TensorShapeProto shape(long... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (long d : dims) {
      shape.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
    }
    return shape.build();
  }

  private static Predict.PredictRequest lstm(TensorProto x) {
    return Predict.PredictRequest.newBuilder().setModelSpec(spec("lstm")).putInputs("X", x)
        .build();
  }

  /** The status of a call that must fail, its description checked to contain {@code text}. */
  private static <T> void assertStatus(Status.Code code, String text,
      Function<PredictionServiceGrpc.PredictionServiceBlockingStub, T> call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> call.apply(predictions));
    assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
    assertTrue(e.getStatus().getDescription().contains(text), e.getStatus().toString());
  }

  @Test
  void unknownModelOrVersionIsNotFound() {
    assertStatus(Status.Code.NOT_FOUND, "Servable not found for request: Latest(nope)",
        s -> s.predict(lstm(window(1)).toBuilder().setModelSpec(spec("nope")).build()));
    assertStatus(Status.Code.NOT_FOUND, "Specific(lstm, 7)",
        s -> s.predict(lstm(window(1)).toBuilder().setModelSpec(spec("lstm").toBuilder()
            .setVersion(Int64Value.of(7))).build()));
    assertStatus(Status.Code.NOT_FOUND, "Latest(nope)", s -> s.getModelMetadata(
        GetModelMetadata.GetModelMetadataRequest.newBuilder().setModelSpec(spec("nope"))
            .addMetadataField("signature_def").build()));
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> status.getModelStatus(GetModelStatus.GetModelStatusRequest.newBuilder()
            .setModelSpec(spec("lstm").toBuilder().setVersion(Int64Value.of(3))).build()));
    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    assertEquals("Could not find version 3 of model lstm", e.getStatus().getDescription());
    e = assertThrows(StatusRuntimeException.class, () -> status.getModelStatus(
        GetModelStatus.GetModelStatusRequest.newBuilder().setModelSpec(spec("nope")).build()));
    assertEquals("Could not find any versions of model nope", e.getStatus().getDescription());
  }

  @Test
  void badSpecsAndInputsAreInvalidArgument() {
    assertStatus(Status.Code.INVALID_ARGUMENT, "ModelSpec has no name specified.",
        s -> s.predict(lstm(window(1)).toBuilder().setModelSpec(spec("")).build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "Missing ModelSpec",
        s -> s.predict(lstm(window(1)).toBuilder().clearModelSpec().build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "input size does not match signature",
        s -> s.predict(lstm(window(1)).toBuilder().clearInputs().putInputs("Y", window(1))
            .build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "has dtype DT_DOUBLE",
        s -> s.predict(lstm(window(1).toBuilder().setDtype(DataType.DT_DOUBLE).build())));
    // Shapes are TensorFlow's to judge, as in TF Serving: the LSTM's graph reshapes its input,
    // so 20 values as [20] instead of the declared [-1,20,1] are answered.
    assertFalse(predictions.predict(lstm(window(1).toBuilder().setTensorShape(shape(20))
        .build())).getOutputsMap().isEmpty());
    assertStatus(Status.Code.INVALID_ARGUMENT, "tensor_content has 8 bytes",
        s -> s.predict(lstm(TensorProto.newBuilder().setDtype(DataType.DT_FLOAT)
            .setTensorShape(shape(1, 20, 1)).setTensorContent(ByteString.copyFrom(new byte[8]))
            .build())));
    assertStatus(Status.Code.INVALID_ARGUMENT, "non-finite value NaN",
        s -> s.predict(lstm(window(1).toBuilder().setFloatVal(3, Float.NaN).build())));
    assertStatus(Status.Code.INVALID_ARGUMENT, "21 values for 20 elements",
        s -> s.predict(lstm(window(1).toBuilder().addFloatVal(1).build())));
    assertStatus(Status.Code.INVALID_ARGUMENT, "output tensor alias not found in signature: Z",
        s -> s.predict(lstm(window(1)).toBuilder().addOutputFilter("Z").build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "Unrecognized servable version label: canary",
        s -> s.predict(lstm(window(1)).toBuilder().setModelSpec(spec("lstm").toBuilder()
            .setVersionLabel("canary")).build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "must specify at least one metadata_field",
        s -> s.getModelMetadata(GetModelMetadata.GetModelMetadataRequest.newBuilder()
            .setModelSpec(spec("lstm")).build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "Metadata field graph is not supported",
        s -> s.getModelMetadata(GetModelMetadata.GetModelMetadataRequest.newBuilder()
            .setModelSpec(spec("lstm")).addMetadataField("graph").build()));
    // One value fills the tensor, as in TensorFlow: a request, not an error.
    Predict.PredictResponse filled = predictions.predict(lstm(TensorProto.newBuilder()
        .setDtype(DataType.DT_FLOAT).setTensorShape(shape(2, 20, 1)).addFloatVal(0.5f).build()));
    assertEquals(40, filled.getOutputsOrThrow("outputs").getFloatValCount());
  }

  @Test
  void unknownSignatureIsFailedPrecondition() {
    assertStatus(Status.Code.FAILED_PRECONDITION, "Serving signature key \"nope\" not found.",
        s -> s.predict(lstm(window(1)).toBuilder().setModelSpec(spec("lstm").toBuilder()
            .setSignatureName("nope")).build()));
  }

  @Test
  void classifyRegressAndMultiInferenceRefuseAsTfServingAndReloadIsUnimplemented() {
    assertStatus(Status.Code.INVALID_ARGUMENT, "Missing ModelSpec",
        s -> s.classify(Classification.ClassificationRequest.getDefaultInstance()));
    InputOuterClass.Input one = InputOuterClass.Input.newBuilder().setExampleList(
        InputOuterClass.ExampleList.newBuilder().addExamples(
            org.tensorflow.proto.Example.getDefaultInstance())).build();
    // The LSTM's serving_default takes floats, not serialized tf.Examples.
    assertStatus(Status.Code.INVALID_ARGUMENT, "is DT_FLOAT, not DT_STRING",
        s -> s.classify(Classification.ClassificationRequest.newBuilder()
            .setModelSpec(spec("lstm")).setInput(one).build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "Input is empty.",
        s -> s.regress(RegressionOuterClass.RegressionRequest.newBuilder()
            .setModelSpec(spec("lstm")).build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "Found no tasks",
        s -> s.multiInference(Inference.MultiInferenceRequest.getDefaultInstance()));
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> status.handleReloadConfigRequest(
            ModelManagement.ReloadConfigRequest.getDefaultInstance()));
    assertEquals(Status.Code.UNIMPLEMENTED, e.getStatus().getCode());
  }

  @Test
  void aSixtyFourMegabyteMessageIsARequestAndBudgetsHold() {
    // 64 MB of floats under a wrong input name: the server reads it and answers its own error.
    int n = 16 << 20;
    TensorProto big = TensorProto.newBuilder().setDtype(DataType.DT_FLOAT)
        .setTensorShape(shape(n)).setTensorContent(ByteString.copyFrom(new byte[4 * n])).build();
    assertStatus(Status.Code.INVALID_ARGUMENT, "Sent extra: {big}",
        s -> s.predict(lstm(window(1)).toBuilder().putInputs("big", big).build()));
    // Larger than the whole in-flight budget (100 MB here): refused, not run.
    TensorProto huge = big.toBuilder().setTensorShape(shape(2L * n))
        .setTensorContent(ByteString.copyFrom(new byte[8 * n])).build();
    assertStatus(Status.Code.RESOURCE_EXHAUSTED, "serve --max-inflight-mb",
        s -> s.predict(lstm(huge)));
    // And the server still answers.
    assertEquals(20, predictions.predict(lstm(window(1))).getOutputsOrThrow("outputs")
        .getFloatValCount());
  }
}
