package dev.tfjava.course.serve.config;

import java.nio.file.Path;
import java.util.Optional;
import tensorflow.serving.MonitoringConfigOuterClass;

/**
 * TF Serving's {@code --monitoring_config_file}: whether the REST port serves Prometheus metrics,
 * and at which path. Without the file the metrics are on at {@link #DEFAULT_PATH} (TF Serving
 * serves nothing without one; this server exports by default, see docs/serving.md); with it,
 * {@code prometheus_config { enable: false }} turns them off and {@code path} moves them.
 */
public record MonitoringConfig(boolean prometheusEnabled, String path) {
  /** TF Serving's {@code PrometheusExporter::kPrometheusPath}. */
  public static final String DEFAULT_PATH = "/monitoring/prometheus/metrics";

  private static final String OPTION = "--monitoring-config-file";

  public MonitoringConfig {
    if (!path.startsWith("/") || path.startsWith("/v1/")) {
      throw new IllegalArgumentException("a metrics path starts with / and is outside /v1/: "
          + path);
    }
  }

  /** Metrics on, at the default path. */
  public static MonitoringConfig defaults() {
    return new MonitoringConfig(true, DEFAULT_PATH);
  }

  /** The path metrics are served on, if they are. */
  public Optional<String> metricsPath() {
    return prometheusEnabled ? Optional.of(path) : Optional.empty();
  }

  /**
   * Reads a text-format {@code MonitoringConfig}, e.g.
   * {@code prometheus_config { enable: true, path: "/metrics" }}; an empty path is the default.
   *
   * @throws dev.tfjava.course.CourseException bad input for an unreadable or malformed file
   */
  public static MonitoringConfig read(Path file) {
    MonitoringConfigOuterClass.PrometheusConfig prometheus = ConfigFiles.read(OPTION, file,
        MonitoringConfigOuterClass.MonitoringConfig.newBuilder()).getPrometheusConfig();
    String path = prometheus.getPath();
    try {
      return new MonitoringConfig(prometheus.getEnable(), path.isEmpty() ? DEFAULT_PATH : path);
    } catch (IllegalArgumentException e) {
      throw ConfigFiles.invalid(OPTION, file, e.getMessage());
    }
  }
}
