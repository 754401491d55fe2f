package dev.tfjava.course.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.tfjava.course.serve.tools.StandInModels;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;
import tensorflow.serving.Model;
import tensorflow.serving.Predict;
import tensorflow.serving.PredictionServiceGrpc;

/**
 * A TF Serving client's 64 MB Predict (its channel set to TF Serving's message limit, as
 * TF Serving's own clients do) is served at the defaults: the in-flight budget is sized from the
 * heap with room for it, not a fixed 64 MiB that refused it with RESOURCE_EXHAUSTED.
 */
class GrpcLargeMessageTest {
  private static final int ROWS = 1024;
  private static final int COLUMNS = 16 << 10; // 1024 x 16384 floats = 64 MiB of tensor_content

  @TempDir
  Path models;

  @Test
  void aSixtyFourMegabytePredictSucceedsAtTheDefaults() {
    assertTrue(ServingServer.defaultMaxInFlightBytes() >= ServingServer.MIN_DEFAULT_IN_FLIGHT_BYTES);
    StandInModels.exportRowSum(models, "sum");
    ByteBuffer content = ByteBuffer.allocate(4 * ROWS * COLUMNS).order(ByteOrder.LITTLE_ENDIAN);
    for (int r = 0; r < ROWS; r++) {
      for (int c = 0; c < COLUMNS; c++) {
        content.putFloat(r % 7 + (c == 0 ? 0.5f : 0f));
      }
    }
    Predict.PredictRequest request = Predict.PredictRequest.newBuilder()
        .setModelSpec(Model.ModelSpec.newBuilder().setName("sum"))
        .putInputs("X", TensorProto.newBuilder().setDtype(DataType.DT_FLOAT)
            .setTensorShape(TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dim.newBuilder().setSize(ROWS))
                .addDim(TensorShapeProto.Dim.newBuilder().setSize(COLUMNS)))
            .setTensorContent(ByteString.copyFrom(content.flip())).build())
        .build();
    assertTrue(request.getSerializedSize() > 64 << 20, "a message over 64 MiB");
    try (ServingFixture serving = ServingFixture.start(models,
        ServingFixture.settings().withGrpcPort(0))) {
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1",
          serving.server.grpcPort()).usePlaintext().maxInboundMessageSize(Integer.MAX_VALUE).build();
      try {
        Predict.PredictResponse response = PredictionServiceGrpc.newBlockingStub(channel)
            .withMaxOutboundMessageSize(Integer.MAX_VALUE).predict(request);
        TensorProto sums = response.getOutputsOrThrow("sum");
        assertEquals(ROWS, sums.getFloatValCount());
        for (int r = 0; r < ROWS; r++) {
          assertEquals((r % 7) * (float) COLUMNS + 0.5f, sums.getFloatVal(r), "row " + r);
        }
      } finally {
        channel.shutdownNow();
      }
    }
  }
}
