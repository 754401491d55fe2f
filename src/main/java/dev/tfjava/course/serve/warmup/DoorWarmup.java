package dev.tfjava.course.serve.warmup;

import com.google.protobuf.Int64Value;
import dev.tfjava.course.serve.core.LoadedModel;
import dev.tfjava.course.serve.core.TensorValues;
import dev.tfjava.course.serve.core.WarmupAliases;
import dev.tfjava.course.serve.grpc.TensorProtoCodec;
import dev.tfjava.course.serve.json.JsonPredictRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import tensorflow.serving.Predict;
import tensorflow.serving.PredictionServiceGrpc;

/**
 * The warm-up records of a version sent once more, each once, through the server's own REST and
 * gRPC doors over loopback, before the version is served: what only a real call pays the first
 * time (the doors' request parsing, JSON and protobuf codecs, the event loops and the JIT of all
 * of it, and any per-version state on the way, such as a batching queue) is then paid by the
 * warm-up, not by the first caller. This matters most at start-up, when no door code has run yet:
 * the first REST call of a fresh server took over a second before (BENCHMARKS.md).
 *
 * <p>The calls name the version through a {@link WarmupAliases} name, so they reach it before it
 * is served, and they are not counted as requests ({@link UncountedWarmupCalls}). A door call that
 * fails is logged and does not fail the load: the version was warmed through the core already
 * ({@link WarmupReplay}). Versions loaded before the doors listen (at start-up) are kept until
 * {@link #listening} and warmed then. Doors over TLS are not called (the server holds no client
 * certificate of its own): only the core warm-up runs then.
 */
public final class DoorWarmup implements AutoCloseable {
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

  /** Where the doors listen; empty for a door that is off. */
  public record Doors(Optional<URI> rest, Optional<String> grpc) {}

  private record Pending(LoadedModel model, List<Predict.PredictRequest> requests) {}

  private final WarmupAliases aliases;
  private final Consumer<String> log;
  private final List<Pending> pending = new ArrayList<>();
  private Doors doors;
  private HttpClient http;
  private ManagedChannel channel;

  public DoorWarmup(WarmupAliases aliases, Consumer<String> log) {
    this.aliases = aliases;
    this.log = log;
  }

  /**
   * The doors listen now, at {@code doors}: versions loaded before are warmed through them here;
   * later ones as they load.
   */
  public void listening(Doors doors) {
    List<Pending> before;
    synchronized (this) {
      this.doors = doors;
      if (doors.rest().isPresent()) {
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CALL_TIMEOUT).build();
      }
      channel = doors.grpc().map(target -> NettyChannelBuilder.forTarget(target)
          .usePlaintext().build()).orElse(null);
      before = List.copyOf(pending);
      pending.clear();
    }
    for (Pending version : before) {
      try {
        replay(version.model(), version.requests());
      } finally {
        version.model().release();
      }
    }
  }

  /**
   * Sends {@code requests} through each door to {@code model} (a version being loaded, not served
   * yet), or keeps them for {@link #listening} while the doors do not listen yet.
   */
  void replay(LoadedModel model, List<Predict.PredictRequest> requests) {
    Doors at;
    synchronized (this) {
      if (doors == null) {
        if (model.tryRetain()) {
          pending.add(new Pending(model, requests));
        }
        return;
      }
      at = doors;
    }
    if (at.rest().isEmpty() && at.grpc().isEmpty()) {
      return;
    }
    long started = System.nanoTime();
    String alias = aliases.open(model);
    List<String> done = new ArrayList<>();
    try {
      if (at.rest().isPresent()) {
        for (Predict.PredictRequest request : requests) {
          rest(at.rest().get(), alias, model.version(), request);
        }
        done.add("REST");
      }
      if (at.grpc().isPresent()) {
        for (Predict.PredictRequest request : requests) {
          grpc(alias, model.version(), request);
        }
        done.add("gRPC");
      }
      log.accept("warmed " + model.name() + " version " + model.version() + " through "
          + String.join(" and ", done) + " with " + requests.size() + " requests each in "
          + (System.nanoTime() - started) / 1_000_000 + " ms");
    } catch (IOException | RuntimeException e) {
      log.accept("door warm-up of " + model.name() + " version " + model.version()
          + " stopped (the version is warmed and served all the same): " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      aliases.close(alias);
    }
  }

  private void rest(URI base, String alias, long version, Predict.PredictRequest request)
      throws IOException, InterruptedException {
    Map<String, TensorValues> inputs = new LinkedHashMap<>();
    request.getInputsMap().forEach((name, tensor) ->
        inputs.put(name, TensorProtoCodec.read(name, tensor)));
    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(
            base.resolve("/v1/models/" + alias + "/versions/" + version + ":predict"))
        .timeout(CALL_TIMEOUT).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(JsonPredictRequest.body(
            request.getModelSpec().getSignatureName(), inputs))).build(),
        HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() != 200) {
      throw new IOException("REST answered " + answer.statusCode() + ": " + answer.body());
    }
  }

  private void grpc(String alias, long version, Predict.PredictRequest request) {
    Predict.PredictRequest call = request.toBuilder().setModelSpec(request.getModelSpec()
        .toBuilder().setName(alias).setVersion(Int64Value.of(version)).clearVersionLabel())
        .build();
    PredictionServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).predict(call);
  }

  /** Drops what is still kept and closes the gRPC channel. */
  @Override
  public synchronized void close() {
    pending.forEach(version -> version.model().release());
    pending.clear();
    doors = new Doors(Optional.empty(), Optional.empty());
    if (channel != null) {
      channel.shutdownNow();
    }
  }
}
