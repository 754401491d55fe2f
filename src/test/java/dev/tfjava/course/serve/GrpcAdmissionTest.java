package dev.tfjava.course.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfjava.course.serve.core.ModelSpec;
import dev.tfjava.course.serve.core.TensorValues;
import dev.tfjava.course.serve.grpc.PredictionClient;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gRPC calls take the same admission and deadlines as REST requests: past {@code threads + queue}
 * calls at once the answer is UNAVAILABLE at once, the admitted ones are answered, and the server
 * goes on; connections that never start HTTP/2 are closed after the header timeout and do not
 * starve a well-behaved client.
 */
class GrpcAdmissionTest {
  @TempDir
  Path models;

  @Test
  void pastThreadsPlusQueueCallsAreUnavailableAndTheRestAnswered() throws Exception {
    ServingServer.Settings settings = ServingFixture.settings().withGrpcPort(0).withThreads(1)
        .withQueueCapacity(1);
    int windows = 1500;
    float[] values = new float[windows * 20];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) Math.sin(i / 7.0);
    }
    Map<String, TensorValues> batch = Map.of("X",
        TensorValues.ofFloats(new long[] {windows, 20, 1}, values));
    ExecutorService callers = Executors.newFixedThreadPool(12);
    try (ServingFixture serving = ServingFixture.start(models, settings);
        PredictionClient client = serving.grpcClient()) {
      List<Future<Status.Code>> calls = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        calls.add(callers.submit(() -> {
          try {
            client.predict(ModelSpec.latest("lstm"), "", batch);
            return Status.Code.OK;
          } catch (StatusRuntimeException e) {
            assertTrue(e.getStatus().getDescription().contains("overloaded"), e.toString());
            return e.getStatus().getCode();
          }
        }));
      }
      int ok = 0;
      int refused = 0;
      for (Future<Status.Code> call : calls) {
        Status.Code code = call.get();
        ok += code == Status.Code.OK ? 1 : 0;
        refused += code == Status.Code.UNAVAILABLE ? 1 : 0;
      }
      assertEquals(12, ok + refused, "only OK or UNAVAILABLE");
      assertTrue(ok >= 1 && refused >= 1, ok + " answered, " + refused + " refused");
      assertEquals(windows * 20, client.predict(ModelSpec.latest("lstm"), "", batch).outputs()
          .get("outputs").size());
    } finally {
      callers.shutdownNow();
    }
  }

  @Test
  void silentConnectionsAreClosedAndDoNotStarveAClient() throws Exception {
    ServingServer.Settings settings = ServingFixture.settings().withGrpcPort(0)
        .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(5));
    try (ServingFixture serving = ServingFixture.start(models, settings);
        PredictionClient client = serving.grpcClient()) {
      List<Socket> silent = new ArrayList<>();
      try {
        for (int i = 0; i < 20; i++) {
          Socket socket = new Socket("127.0.0.1", serving.server.grpcPort());
          socket.setSoTimeout(10_000);
          silent.add(socket);
        }
        Map<String, TensorValues> window = Map.of("X", TensorValues.ofFloats(
            new long[] {1, 20, 1}, ServingFixture.windows(1, 12.2)[0]));
        assertEquals(20, client.predict(ModelSpec.latest("lstm"), "", window).outputs()
            .get("outputs").size());
        long start = System.nanoTime();
        for (Socket socket : silent) {
          // The server closes each one (end of stream) once the 1 s handshake time is up.
          assertEquals(-1, readToEnd(socket.getInputStream()));
        }
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(8).toNanos());
      } finally {
        for (Socket socket : silent) {
          socket.close();
        }
      }
    }
  }

  /** Reads until the end of the stream; -1 then (whatever the server wrote first is skipped). */
  private static int readToEnd(InputStream in) throws IOException {
    byte[] buffer = new byte[4096];
    int n;
    do {
      n = in.read(buffer);
    } while (n >= 0);
    return n;
  }
}
