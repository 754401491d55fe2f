package dev.tfjava.course.serve;

import dev.tfjava.course.serve.config.BatchingParameters;
import dev.tfjava.course.serve.config.MonitoringConfig;
import dev.tfjava.course.serve.grpc.GrpcChannelArguments;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * What a server does besides answering: TF Serving's monitoring (Prometheus metrics on the REST
 * port, {@code --monitoring-config-file}) and server-side batching ({@code --enable-batching},
 * {@code --batching-parameters-file}; empty: off).
 */
public record ServingFeatures(MonitoringConfig monitoring, Optional<BatchingParameters> batching,
    Doors doors) {

  /**
   * TF Serving's options for its front doors.
   *
   * @param grpcSocketPath gRPC on this UNIX domain socket too ({@code --grpc_socket_path})
   * @param grpcChannelArguments {@code --grpc_channel_arguments}
   * @param restApiTimeout a REST call not answered in this time is 504
   *     ({@code --rest_api_timeout_in_ms})
   */
  public record Doors(Optional<Path> grpcSocketPath, GrpcChannelArguments grpcChannelArguments,
      Optional<Duration> restApiTimeout) {
    /** No socket, no channel arguments, no REST timeout. */
    public static final Doors NONE = new Doors(Optional.empty(), GrpcChannelArguments.NONE,
        Optional.empty());
  }

  /** Metrics at {@code /monitoring/prometheus/metrics}, no batching. */
  public static ServingFeatures defaults() {
    return new ServingFeatures(MonitoringConfig.defaults(), Optional.empty(), Doors.NONE);
  }

  public ServingFeatures withBatching(BatchingParameters parameters) {
    return new ServingFeatures(monitoring, Optional.of(parameters), doors);
  }

  public ServingFeatures withMonitoring(MonitoringConfig config) {
    return new ServingFeatures(config, batching, doors);
  }

  public ServingFeatures withDoors(Doors options) {
    return new ServingFeatures(monitoring, batching, options);
  }
}
