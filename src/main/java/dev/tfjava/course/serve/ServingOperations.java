package dev.tfjava.course.serve;

import dev.tfjava.course.serve.tls.TlsConfig;
import java.time.Duration;
import java.util.Optional;

/**
 * How a server behaves in production, beside what it serves ({@link ServingFeatures}) and its
 * limits ({@link ServingServer.Settings}): TF Serving's model warm-up, the gRPC health service,
 * and how long a stop drains running requests.
 *
 * @param modelWarmup replay each version's {@code assets.extra/tf_serving_warmup_requests} before
 *     serving it ({@code --enable-model-warmup})
 * @param warmupIterations how often each warm-up record runs
 * @param healthService register {@code grpc.health.v1.Health} on the gRPC port
 * @param drain how long a stop waits for running requests
 * @param tls TLS on both doors ({@code --ssl-config-file}); empty: plaintext
 */
public record ServingOperations(boolean modelWarmup, int warmupIterations, boolean healthService,
    Duration drain, Optional<TlsConfig> tls) {

  /** TF Serving's defaults: warm-up on, one iteration; no health service; a 10 s drain. */
  public static ServingOperations defaults() {
    return new ServingOperations(true, 1, false, Duration.ofSeconds(10), Optional.empty());
  }

  public ServingOperations withWarmup(boolean enabled, int iterations) {
    return new ServingOperations(enabled, iterations, healthService, drain, tls);
  }

  public ServingOperations withHealthService(boolean enabled) {
    return new ServingOperations(modelWarmup, warmupIterations, enabled, drain, tls);
  }

  public ServingOperations withTls(TlsConfig config) {
    return new ServingOperations(modelWarmup, warmupIterations, healthService, drain,
        Optional.of(config));
  }

  public ServingOperations withDrain(Duration time) {
    return new ServingOperations(modelWarmup, warmupIterations, healthService, time, tls);
  }
}
