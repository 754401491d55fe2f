package dev.tfjava.course.serve.tools;

import com.google.protobuf.ByteString;
import dev.tfjava.course.data.TimeSeries;
import dev.tfjava.course.serve.tls.ClientTlsFiles;
import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;
import tensorflow.serving.Model;
import tensorflow.serving.Predict;
import tensorflow.serving.PredictionServiceGrpc;

/**
 * {@link LoadGenerator}'s closed loop over TF Serving's gRPC Predict: N clients, each on its own
 * channel (one HTTP/2 connection, as REST's N keep-alive connections), sending the same request
 * as soon as the previous answer is in. Inputs are the same images / windows as the REST bodies,
 * sent as {@code tensor_content} bytes, as Python's {@code tf.make_tensor_proto} sends them. An
 * unmeasured 8 s run comes first (JIT warm-up of the gRPC code on both sides).
 * stdout gets one Markdown row in LoadGenerator's format.
 *
 * <p>{@code GrpcLoadGenerator HOST:PORT MODEL mnist|lstm INSTANCES CONNECTIONS SECONDS RUNS
 * [CA_PEM]}: with the CA that signed the server's certificate, over TLS (one handshake per
 * channel; the row says "gRPC, TLS").
 */
public final class GrpcLoadGenerator {
  private static final double WARMUP_SECONDS = 2;
  private static final double WARMUP_RUN_SECONDS = 8;

  private GrpcLoadGenerator() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 7 && args.length != 8) {
      System.err.println("usage: GrpcLoadGenerator HOST:PORT MODEL mnist|lstm INSTANCES"
          + " CONNECTIONS SECONDS RUNS [CA_PEM]");
      System.exit(2);
    }
    ChannelCredentials tls = args.length == 8
        ? ClientTlsFiles.read(Path.of(args[7]), null, null) : null;
    int instances = Integer.parseInt(args[3]);
    Predict.PredictRequest request = Predict.PredictRequest.newBuilder()
        .setModelSpec(Model.ModelSpec.newBuilder().setName(args[1]))
        .putInputs("X", args[2].equals("mnist") ? images(instances) : windows(instances))
        .build();
    int connections = Integer.parseInt(args[4]);
    // gRPC's client and server paths are far more code than REST's plain socket client: one
    // unmeasured run lets the JIT compile both before anything is measured.
    System.err.println("  warm-up: " + run(args[0], tls, request, instances, connections,
        WARMUP_RUN_SECONDS));
    List<LoadGenerator.Report> reports = new ArrayList<>();
    for (int run = 0; run < Integer.parseInt(args[6]); run++) {
      LoadGenerator.Report report = run(args[0], tls, request, instances, connections,
          Double.parseDouble(args[5]));
      System.err.println("  run " + (run + 1) + ": " + report);
      reports.add(report);
    }
    System.out.printf(Locale.ROOT, "| %s (gRPC%s) | %d | %d | %.0f | %.0f | %.2f | %.2f | %d |%n",
        args[1], tls == null ? "" : ", TLS", instances, connections,
        LoadGenerator.median(reports, LoadGenerator.Report::requestsPerSecond),
        LoadGenerator.median(reports, r -> r.requestsPerSecond() * instances),
        LoadGenerator.median(reports, r -> r.percentileMillis(50)),
        LoadGenerator.median(reports, r -> r.percentileMillis(99)),
        reports.stream().mapToLong(LoadGenerator.Report::errors).sum());
  }

  /** The REST benchmark's images (same seed and draw), as a [n, 784] float tensor. */
  static TensorProto images(int count) {
    Random random = new Random(42);
    float[] pixels = new float[count * 784];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = random.nextDouble() < 0.8 ? 0f : random.nextInt(256) / 255f;
    }
    return floats(pixels, count, 784);
  }

  /** The REST benchmark's windows (t0 = 12.2, one step 0.1 apart), as a [n, 20, 1] tensor. */
  static TensorProto windows(int count) {
    float[] values = new float[count * TimeSeries.STEPS];
    for (int w = 0; w < count; w++) {
      for (int s = 0; s < TimeSeries.STEPS; s++) {
        double t = 12.2 + 0.1 * (w + s);
        values[w * TimeSeries.STEPS + s] = (float) (t * Math.sin(t) / 3 + 2 * Math.sin(5 * t));
      }
    }
    return floats(values, count, TimeSeries.STEPS, 1);
  }

  private static TensorProto floats(float[] values, long... dims) {
    ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(values);
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (long d : dims) {
      shape.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
    }
    return TensorProto.newBuilder().setDtype(DataType.DT_FLOAT).setTensorShape(shape)
        .setTensorContent(ByteString.copyFrom(bytes.array())).build();
  }

  static LoadGenerator.Report run(String target, ChannelCredentials tls,
      Predict.PredictRequest request, int instances, int connections, double seconds)
      throws InterruptedException {
    long measureFrom = System.nanoTime() + (long) (WARMUP_SECONDS * 1e9);
    long end = measureFrom + (long) (seconds * 1e9);
    List<Client> clients = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      clients.add(new Client(target, tls, request, measureFrom, end));
    }
    return LoadGenerator.measure(clients, seconds, instances);
  }

  /** One channel's loop. */
  private static final class Client extends LoadGenerator.Loop {
    final String target;
    final ChannelCredentials tls;
    final Predict.PredictRequest request;

    Client(String target, ChannelCredentials tls, Predict.PredictRequest request,
        long measureFrom, long end) {
      super(measureFrom, end);
      this.target = target;
      this.tls = tls;
      this.request = request;
    }

    @Override
    public void run() {
      ManagedChannel channel = (tls == null
          ? NettyChannelBuilder.forTarget(target).usePlaintext()
          : NettyChannelBuilder.forTarget(target, tls))
          .maxInboundMessageSize(Integer.MAX_VALUE).build();
      try {
        PredictionServiceGrpc.PredictionServiceBlockingStub stub =
            PredictionServiceGrpc.newBlockingStub(channel);
        while (true) {
          long sent = System.nanoTime();
          if (sent >= end) {
            return;
          }
          boolean ok;
          try {
            ok = stub.withDeadlineAfter(60, TimeUnit.SECONDS).predict(request).getOutputsCount()
                > 0;
          } catch (RuntimeException e) {
            ok = false;
          }
          record(sent, System.nanoTime(), !ok);
        }
      } finally {
        channel.shutdownNow();
      }
    }
  }
}
