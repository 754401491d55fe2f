package dev.tfjava.course.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfjava.course.serve.core.ModelSpec;
import dev.tfjava.course.serve.core.TensorValues;
import dev.tfjava.course.serve.grpc.PredictionClient;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gRPC calls take the same admission as REST requests: past {@code threads + queue} calls at once
 * the answer is UNAVAILABLE at once, the admitted ones are answered, and the server goes on.
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
}
