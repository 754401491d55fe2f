package dev.tfjava.course.serve.grpc;

import dev.tfjava.course.serve.core.ModelSpec;
import dev.tfjava.course.serve.core.PredictResponse;
import dev.tfjava.course.serve.core.TensorValues;
import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.tensorflow.proto.SignatureDef;
import tensorflow.serving.GetModelMetadata;
import tensorflow.serving.GetModelStatus;
import tensorflow.serving.Model;
import tensorflow.serving.ModelServiceGrpc;
import tensorflow.serving.Predict;
import tensorflow.serving.PredictionServiceGrpc;

/**
 * A Java client for TensorFlow Serving's gRPC API, for {@code lessons serve} and TF Serving alike:
 * inputs and outputs are {@link TensorValues} (Java arrays with a shape), the wire is TF Serving's
 * own PredictionService and ModelService. Failures are grpc-java's {@code StatusRuntimeException}
 * with TF Serving's status code (NOT_FOUND, INVALID_ARGUMENT, FAILED_PRECONDITION, ...).
 *
 * <pre>{@code
 * try (PredictionClient client = PredictionClient.connect("127.0.0.1:8500")) {
 *   float[] pixels = new float[784];                       // one MNIST image, values / 255
 *   PredictResponse answer = client.predict(ModelSpec.latest("mnist_cnn"), "",
 *       Map.of("X", TensorValues.ofFloats(new long[] {1, 784}, pixels)));
 *   float[] probabilities = answer.outputs().get("Y_prob").floats();
 * }
 * }</pre>
 */
public final class PredictionClient implements AutoCloseable {
  private final ManagedChannel channel;
  private final Duration deadline;

  private PredictionClient(ManagedChannel channel, Duration deadline) {
    this.channel = channel;
    this.deadline = deadline;
  }

  /**
   * A plaintext connection to {@code target} ({@code host:port}, e.g. {@code localhost:8500}),
   * each call given 60 s, and messages up to TF Serving's limit both ways.
   */
  public static PredictionClient connect(String target) {
    return connect(target, Duration.ofSeconds(60));
  }

  /** As {@link #connect(String)}, each call given {@code deadline}. */
  public static PredictionClient connect(String target, Duration deadline) {
    return new PredictionClient(NettyChannelBuilder.forTarget(target).usePlaintext()
        .maxInboundMessageSize(GrpcServer.TF_SERVING_MAX_MESSAGE_BYTES).build(), deadline);
  }

  /** As {@link #connect(String)}, over TLS with {@code credentials} (TLS channel credentials). */
  public static PredictionClient connect(String target, ChannelCredentials credentials) {
    return new PredictionClient(NettyChannelBuilder.forTarget(target, credentials)
        .maxInboundMessageSize(GrpcServer.TF_SERVING_MAX_MESSAGE_BYTES).build(),
        Duration.ofSeconds(60));
  }

  /**
   * Runs a predict signature.
   *
   * @param signature the signature's key; empty for {@code serving_default}
   * @param inputs one value per input of the signature, by alias
   * @return the servable that answered and every output (sorted by alias)
   */
  public PredictResponse predict(ModelSpec spec, String signature,
      Map<String, TensorValues> inputs) {
    return predict(spec, signature, inputs, List.of(), false);
  }

  /**
   * As {@link #predict(ModelSpec, String, Map)}, with only the outputs named in
   * {@code outputFilter} (all when empty), the inputs sent as raw {@code tensor_content} bytes or
   * as typed values.
   */
  public PredictResponse predict(ModelSpec spec, String signature,
      Map<String, TensorValues> inputs, List<String> outputFilter, boolean rawContent) {
    Predict.PredictRequest.Builder request = Predict.PredictRequest.newBuilder()
        .setModelSpec(proto(spec).setSignatureName(signature))
        .addAllOutputFilter(outputFilter);
    inputs.forEach((alias, values) -> request.putInputs(alias,
        rawContent ? TensorProtoCodec.encodeContent(values) : TensorProtoCodec.encode(values)));
    Predict.PredictResponse response = predictions().predict(request.build());
    Map<String, TensorValues> outputs = new TreeMap<>();
    response.getOutputsMap().forEach((alias, tensor) ->
        outputs.put(alias, TensorProtoCodec.read(alias, tensor)));
    Model.ModelSpec answered = response.getModelSpec();
    return new PredictResponse(answered.getName(), answered.getVersion().getValue(),
        answered.getSignatureName(), outputs);
  }

  /** The signature defs of the servable {@code spec} names, and the version that answered. */
  public Metadata metadata(ModelSpec spec) {
    GetModelMetadata.GetModelMetadataResponse response = predictions().getModelMetadata(
        GetModelMetadata.GetModelMetadataRequest.newBuilder().setModelSpec(proto(spec))
            .addMetadataField(PredictionService.SIGNATURE_DEF).build());
    try {
      GetModelMetadata.SignatureDefMap map = response.getMetadataOrThrow(
          PredictionService.SIGNATURE_DEF).unpack(GetModelMetadata.SignatureDefMap.class);
      return new Metadata(response.getModelSpec().getVersion().getValue(),
          new TreeMap<>(map.getSignatureDefMap()));
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException("the server's signature_def metadata does not decode: "
          + e.getMessage(), e);
    }
  }

  /** A servable's signature defs, as GetModelMetadata answers them. */
  public record Metadata(long version, Map<String, SignatureDef> signatureDefs) {}

  /** The versions of a model and their states, as GetModelStatus answers them. */
  public List<GetModelStatus.ModelVersionStatus> status(ModelSpec spec) {
    return ModelServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
        .getModelStatus(GetModelStatus.GetModelStatusRequest.newBuilder()
            .setModelSpec(proto(spec)).build())
        .getModelVersionStatusList();
  }

  private PredictionServiceGrpc.PredictionServiceBlockingStub predictions() {
    return PredictionServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
        .withMaxInboundMessageSize(GrpcServer.TF_SERVING_MAX_MESSAGE_BYTES)
        .withMaxOutboundMessageSize(GrpcServer.TF_SERVING_MAX_MESSAGE_BYTES);
  }

  private static Model.ModelSpec.Builder proto(ModelSpec spec) {
    Model.ModelSpec.Builder proto = Model.ModelSpec.newBuilder().setName(spec.name());
    spec.version().ifPresent(v -> proto.setVersion(com.google.protobuf.Int64Value.of(v)));
    spec.label().ifPresent(proto::setVersionLabel);
    return proto;
  }

  /** Closes the connection (waits up to 5 s for calls in flight). */
  @Override
  public void close() {
    channel.shutdown();
    try {
      if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
        channel.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      channel.shutdownNow();
    }
  }
}
