package dev.tfjava.course.serve;

import dev.tfjava.course.serve.config.BatchingParameters;
import dev.tfjava.course.serve.config.MonitoringConfig;
import java.util.Optional;

/**
 * What a server does besides answering: TF Serving's monitoring (Prometheus metrics on the REST
 * port, {@code --monitoring-config-file}) and server-side batching ({@code --enable-batching},
 * {@code --batching-parameters-file}; empty: off).
 */
public record ServingFeatures(MonitoringConfig monitoring, Optional<BatchingParameters> batching) {

  /** Metrics at {@code /monitoring/prometheus/metrics}, no batching. */
  public static ServingFeatures defaults() {
    return new ServingFeatures(MonitoringConfig.defaults(), Optional.empty());
  }

  public ServingFeatures withBatching(BatchingParameters parameters) {
    return new ServingFeatures(monitoring, Optional.of(parameters));
  }

  public ServingFeatures withMonitoring(MonitoringConfig config) {
    return new ServingFeatures(config, batching);
  }
}
