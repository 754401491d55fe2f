package dev.tfjava.course.serve.tools;

import com.google.protobuf.Int64Value;
import dev.tfjava.course.serve.core.VersionFolders;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import tensorflow.serving.GetModelStatus;
import tensorflow.serving.Model;
import tensorflow.serving.ModelServiceGrpc;
import tensorflow.serving.Predict;
import tensorflow.serving.PredictionServiceGrpc;

/**
 * What the first caller of a fresh version pays (issue 29's target: at most 3x the steady
 * median), over each door of a running {@code lessons serve}: publish a new version of
 * {@code MODEL} (a copy of its newest folder, renamed into place at once), poll GetModelStatus
 * until it is AVAILABLE, time the first predict naming that version, then {@code STEADY} more
 * on the same connection and take their median. REST and gRPC each get their own fresh version
 * per round, so each door's first call is a version's first call. Before the rounds, both doors
 * are driven for a while on the version already served: the client's code (and the server's
 * door code) is compiled, as on a server that has been answering before the new version lands.
 * The request is one window of the LSTM lesson ([1, 20, 1] floats), REST JSON and gRPC
 * {@code tensor_content} as {@link LoadGenerator} and {@link GrpcLoadGenerator} send them.
 *
 * <p>{@code FirstCallBench MODELS_DIR MODEL REST_PORT GRPC_PORT ROUNDS STEADY}
 */
public final class FirstCallBench {
  /** Requests per door on the served version before the rounds (client and door JIT). */
  private static final int CLIENT_WARMUP = 2000;
  /** The target for first / steady median. */
  private static final double TARGET = 3;

  private final Path modelDir;
  private final String model;
  private final RestConnection rest;
  private final ManagedChannel channel;

  private FirstCallBench(Path modelDir, String model, int restPort, int grpcPort)
      throws IOException {
    this.modelDir = modelDir;
    this.model = model;
    this.rest = new RestConnection(restPort);
    this.channel = NettyChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 6) {
      System.err.println("usage: FirstCallBench MODELS_DIR MODEL REST_PORT GRPC_PORT ROUNDS"
          + " STEADY");
      System.exit(2);
    }
    FirstCallBench bench = new FirstCallBench(Path.of(args[0], args[1]), args[1],
        Integer.parseInt(args[2]), Integer.parseInt(args[3]));
    try {
      bench.run(Integer.parseInt(args[4]), Integer.parseInt(args[5]));
    } finally {
      bench.rest.close();
      bench.channel.shutdownNow();
    }
  }

  /** A door: the call naming a version, timed from sending to the whole answer. */
  private interface Door {
    String name();

    /** Nanoseconds of one predict on {@code version}; throws unless it is answered. */
    long predict(long version) throws IOException;
  }

  private void run(int rounds, int steady) throws IOException, InterruptedException {
    List<Door> doors = List.of(restDoor(), grpcDoor());
    long served = newest();
    for (Door door : doors) {
      for (int i = 0; i < CLIENT_WARMUP; i++) {
        door.predict(served);
      }
    }
    List<List<Double>> ratios = new ArrayList<>();
    List<List<Double>> againstPause = new ArrayList<>();
    doors.forEach(d -> {
      ratios.add(new ArrayList<>());
      againstPause.add(new ArrayList<>());
    });
    for (int round = 1; round <= rounds; round++) {
      for (int d = 0; d < doors.size(); d++) {
        Door door = doors.get(d);
        long version = publish();
        long published = System.nanoTime();
        awaitAvailable(version);
        long loadMillis = (System.nanoTime() - published) / 1_000_000;
        long first = door.predict(version);
        long[] next = {door.predict(version), door.predict(version)};
        long[] rest = new long[steady];
        for (int i = 0; i < steady; i++) {
          rest[i] = door.predict(version);
        }
        Arrays.sort(rest);
        // The control: the same version, now warm, after as long a pause as the load took.
        Thread.sleep(loadMillis);
        long afterPause = door.predict(version);
        double median = rest[steady / 2] / 1e6;
        double ratio = first / 1e6 / median;
        ratios.get(d).add(ratio);
        againstPause.get(d).add((double) first / afterPause);
        System.out.printf(Locale.ROOT, "round %d %-4s version %d AVAILABLE after %d ms: first"
            + " %.2f ms, then %.2f %.2f ms; steady median %.3f ms (p90 %.3f) over %d;"
            + " first/steady %.1fx; a warm version after as long a pause %.2f ms (%.1fx)%n",
            round, door.name(), version, loadMillis, first / 1e6, next[0] / 1e6, next[1] / 1e6,
            median, rest[steady * 9 / 10] / 1e6, steady, ratio, afterPause / 1e6,
            afterPause / 1e6 / median);
        removeOlderThan(version);
      }
    }
    for (int d = 0; d < doors.size(); d++) {
      double[] sorted = ratios.get(d).stream().mapToDouble(Double::doubleValue).sorted()
          .toArray();
      double median = sorted[sorted.length / 2];
      double[] paused = againstPause.get(d).stream().mapToDouble(Double::doubleValue).sorted()
          .toArray();
      System.out.printf(Locale.ROOT, "%-4s first/steady: median %.1fx over %d rounds (%.1f ..."
          + " %.1f); target <= %.0fx: %s; first / warm version after as long a pause: median"
          + " %.1fx%n", doors.get(d).name(), median, sorted.length, sorted[0],
          sorted[sorted.length - 1], TARGET, median <= TARGET ? "met" : "NOT met",
          paused[paused.length / 2]);
    }
  }

  private Door restDoor() {
    byte[] body = RequestBodies.windows(1, 12.2).getBytes(StandardCharsets.UTF_8);
    return new Door() {
      @Override
      public String name() {
        return "REST";
      }

      @Override
      public long predict(long version) throws IOException {
        return rest.post("/v1/models/" + model + "/versions/" + version + ":predict", body);
      }
    };
  }

  private Door grpcDoor() {
    Predict.PredictRequest request = Predict.PredictRequest.newBuilder()
        .putInputs("X", GrpcLoadGenerator.windows(1)).buildPartial();
    PredictionServiceGrpc.PredictionServiceBlockingStub stub =
        PredictionServiceGrpc.newBlockingStub(channel);
    return new Door() {
      @Override
      public String name() {
        return "gRPC";
      }

      @Override
      public long predict(long version) {
        Predict.PredictRequest call = request.toBuilder().setModelSpec(spec(version)).build();
        long sent = System.nanoTime();
        Predict.PredictResponse response = stub.predict(call);
        long took = System.nanoTime() - sent;
        if (response.getModelSpec().getVersion().getValue() != version) {
          throw new IllegalStateException("answered by version "
              + response.getModelSpec().getVersion().getValue() + ", not " + version);
        }
        return took;
      }
    };
  }

  private Model.ModelSpec spec(long version) {
    return Model.ModelSpec.newBuilder().setName(model).setVersion(Int64Value.of(version)).build();
  }

  /** The newest version folder on disk. */
  private long newest() {
    return VersionFolders.all(modelDir, line -> { }).lastKey();
  }

  /**
   * Copies the newest version to the next number beside the model's folder, then renames it into
   * place (one rename: the server never sees half a version); returns its number.
   */
  private long publish() throws IOException {
    long from = newest();
    long version = from + 1;
    Path staging = modelDir.resolveSibling("." + model + "-" + version);
    Path source = modelDir.resolve(Long.toString(from));
    try (Stream<Path> files = Files.walk(source)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Files.copy(file, staging.resolve(source.relativize(file).toString()));
      }
    }
    Files.move(staging, modelDir.resolve(Long.toString(version)),
        StandardCopyOption.ATOMIC_MOVE);
    return version;
  }

  private void awaitAvailable(long version) throws InterruptedException {
    ModelServiceGrpc.ModelServiceBlockingStub status = ModelServiceGrpc.newBlockingStub(channel);
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (System.nanoTime() < deadline) {
      try {
        GetModelStatus.ModelVersionStatus state = status.getModelStatus(
            GetModelStatus.GetModelStatusRequest.newBuilder().setModelSpec(spec(version))
                .build()).getModelVersionStatus(0);
        if (state.getState() == GetModelStatus.ModelVersionStatus.State.AVAILABLE) {
          return;
        }
        if (state.getState() == GetModelStatus.ModelVersionStatus.State.END) {
          throw new IllegalStateException("version " + version + " failed to load: "
              + state.getStatus().getErrorMessage());
        }
      } catch (io.grpc.StatusRuntimeException e) {
        // NOT_FOUND until the server's scan has seen the folder.
      }
      Thread.sleep(1);
    }
    throw new IllegalStateException("version " + version + " not AVAILABLE within 120 s");
  }

  /** Deletes the version folders below {@code version} (the server has retired them). */
  private void removeOlderThan(long version) throws IOException {
    for (long old : VersionFolders.all(modelDir, line -> { }).headMap(version).keySet()) {
      try (Stream<Path> files = Files.walk(modelDir.resolve(Long.toString(old)))) {
        files.sorted(Comparator.reverseOrder()).forEach(file -> {
          try {
            Files.delete(file);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
      }
    }
  }

  /** One keep-alive HTTP/1.1 connection, as a client library keeps it between calls. */
  private static final class RestConnection implements AutoCloseable {
    private final int port;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RestConnection(int port) throws IOException {
      this.port = port;
      this.socket = new Socket("127.0.0.1", port);
      socket.setTcpNoDelay(true);
      this.in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
      this.out = socket.getOutputStream();
    }

    /** Nanoseconds from sending {@code body} to the end of a 200 answer. */
    long post(String path, byte[] body) throws IOException {
      byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
          + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length
          + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
      long sent = System.nanoTime();
      out.write(head);
      out.write(body);
      out.flush();
      LoadGenerator.Response response = LoadGenerator.Response.read(in);
      long took = System.nanoTime() - sent;
      if (response.status() != 200 || response.close()) {
        throw new IOException("POST " + path + ": HTTP " + response.status()
            + (response.close() ? " (connection closed)" : ""));
      }
      return took;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
