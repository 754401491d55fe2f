package dev.tfjava.course.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfjava.course.serve.core.ModelRepository;
import dev.tfjava.course.serve.core.ModelSpec;
import dev.tfjava.course.serve.core.PredictResponse;
import dev.tfjava.course.serve.core.TensorValues;
import dev.tfjava.course.serve.grpc.PredictionClient;
import dev.tfjava.course.serve.tools.PrometheusText;
import dev.tfjava.course.serve.tools.StandInModels;
import dev.tfjava.course.train.ThreadSettings;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standard gRPC health service: the server, ModelService and PredictionService are SERVING
 * once every configured model has a version AVAILABLE, not before; on stop they turn NOT_SERVING
 * first, while calls in flight on both doors still finish and new ones are refused.
 */
class HealthAndDrainTest {
  /**
   * Large enough that a call runs for a while (the LSTM in 128-row slices); with one worker the
   * calls run one after the other, so the drain lasts several of them.
   */
  private static final int WINDOWS = 4_000;
  private static final int CALLS_PER_DOOR = 2;

  @TempDir
  Path models;

  @Test
  void servingOnceEveryModelIsAvailable() {
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      StandInModels.exportLstm(models, "lstm", 1);
      Files.createDirectories(models.resolve("later"));
      try (ServingServer server = start(Duration.ofMillis(200), 2);
          Health health = new Health(server.grpcPort())) {
        // "later" has no version yet: not every model is servable.
        Thread.sleep(600);
        for (String service : ServingHealth.SERVICES) {
          assertEquals(ServingStatus.NOT_SERVING, health.check(service), service);
        }
        StandInModels.exportLstm(models, "later", 1);
        for (String service : ServingHealth.SERVICES) {
          health.await(service, ServingStatus.SERVING);
        }
        StatusRuntimeException unknown = org.junit.jupiter.api.Assertions.assertThrows(
            StatusRuntimeException.class, () -> health.check("tensorflow.serving.Nothing"));
        assertEquals(io.grpc.Status.Code.NOT_FOUND, unknown.getStatus().getCode());
      }
    });
  }

  @Test
  void stopTurnsNotServingFirstAndDrainsCallsOnBothDoors() {
    assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
      StandInModels.exportLstm(models, "lstm", 1);
      ServingServer server = start(Duration.ofSeconds(60), 1);
      ExecutorService callers = Executors.newFixedThreadPool(2 * CALLS_PER_DOOR);
      ServingFixture serving = ServingFixture.of(models, server);
      try (Health health = new Health(server.grpcPort());
          PredictionClient client = serving.grpcClient()) {
        health.await("", ServingStatus.SERVING);
        float[][] windows = ServingFixture.windows(WINDOWS, 0);
        String body = ServingFixture.windowInstances(windows);
        List<CompletableFuture<ServingFixture.Answer>> rest = new ArrayList<>();
        List<CompletableFuture<PredictResponse>> grpc = new ArrayList<>();
        for (int i = 0; i < CALLS_PER_DOOR; i++) {
          rest.add(CompletableFuture.supplyAsync(
              () -> serving.post("/v1/models/lstm:predict", body), callers));
          grpc.add(CompletableFuture.supplyAsync(() -> client.predict(ModelSpec.latest("lstm"),
              "", Map.of("X", flat(windows))), callers));
        }
        awaitInFlight(server, 2 * CALLS_PER_DOOR);
        CompletableFuture<Void> stop = CompletableFuture.runAsync(server::close);
        health.await("", ServingStatus.NOT_SERVING);
        health.await("PredictionService", ServingStatus.NOT_SERVING);
        assertFalse(stop.isDone(), "the stop did not wait for the calls in flight");
        assertEquals(503, serving.post("/v1/models/lstm:predict",
            ServingFixture.windowInstances(ServingFixture.windows(1, 0))).status());
        for (CompletableFuture<ServingFixture.Answer> answer : rest) {
          assertEquals(200, answer.get(60, TimeUnit.SECONDS).status());
        }
        for (CompletableFuture<PredictResponse> answer : grpc) {
          assertEquals(List.of((long) WINDOWS, 20L, 1L), Arrays.stream(
              answer.get(60, TimeUnit.SECONDS).outputs().get("outputs").shape()).boxed()
              .toList());
        }
        stop.get(60, TimeUnit.SECONDS);
      } finally {
        server.close();
        callers.shutdownNow();
      }
    });
  }

  /** {@code lessons serve} stopped by SIGTERM, as an orchestrator stops it: drained, exit 0. */
  @Test
  void sigtermDrainsAndExitsZero(@TempDir Path logs) {
    assertTimeoutPreemptively(Duration.ofMinutes(2), () -> {
      StandInModels.exportLstm(models, "lstm", 1);
      Path log = logs.resolve("serve.log");
      String java = ProcessHandle.current().info().command().orElse("java");
      ProcessBuilder builder = new ProcessBuilder(java, "-cp",
          System.getProperty("java.class.path"), "dev.tfjava.course.cli.LessonsLauncher", "serve",
          "--models", models.toString(), "--port", "0", "--grpc-port", "0",
          "--enable-grpc-healthcheck-service", "--drain-seconds", "5")
          .redirectErrorStream(true).redirectOutput(log.toFile());
      builder.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
      Process server = builder.start();
      try {
        int port = ServingMemoryEnvelopeTest.awaitPort(server, log);
        assertTrue(port > 0);
        server.destroy(); // SIGTERM
        assertTrue(server.waitFor(60, TimeUnit.SECONDS), "serve did not stop");
        String text = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, server.exitValue(), text);
        assertTrue(text.contains("stopping: health NOT_SERVING, draining requests (up to 5.0 s)"),
            text);
      } finally {
        server.destroyForcibly();
      }
    });
  }

  private ServingServer start(Duration poll, int workers) {
    ModelRepository repository = new ModelRepository(models, new ThreadSettings(1, 1), l -> { });
    return ServingServer.start(repository, ServingFixture.settings().withGrpcPort(0)
        .withPollInterval(poll).withThreads(workers), ServingFeatures.defaults(), ServingOperations.defaults()
        .withHealthService(true).withDrain(Duration.ofSeconds(60)), l -> { });
  }

  /** Waits until {@code n} calls have been admitted (their bodies read, running or queued). */
  private static void awaitInFlight(ServingServer server, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (inFlight(server) < n && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(n, inFlight(server));
  }

  private static double inFlight(ServingServer server) {
    return PrometheusText.parse(new String(server.metrics().page(), StandardCharsets.UTF_8))
        .get("tfjava_serve_requests_in_flight").value("tfjava_serve_requests_in_flight", Map.of());
  }

  private static TensorValues flat(float[][] windows) {
    float[] values = new float[windows.length * 20];
    for (int i = 0; i < windows.length; i++) {
      System.arraycopy(windows[i], 0, values, i * 20, 20);
    }
    return TensorValues.ofFloats(new long[] {windows.length, 20, 1}, values);
  }

  /** A grpc.health.v1 client. */
  private static final class Health implements AutoCloseable {
    private final ManagedChannel channel;

    Health(int port) {
      channel = NettyChannelBuilder.forTarget("127.0.0.1:" + port).usePlaintext().build();
    }

    ServingStatus check(String service) {
      return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
          .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
    }

    void await(String service, ServingStatus status) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (check(service) != status && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(status, check(service), service);
    }

    @Override
    public void close() {
      channel.shutdownNow();
    }
  }
}
