package dev.tfjava.course.serve;

import dev.tfjava.course.serve.core.ModelRepository;
import io.grpc.BindableService;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The standard {@code grpc.health.v1.Health} service for orchestrators' probes: the server
 * ({@code ""}) and TF Serving's {@code ModelService} and {@code PredictionService} are SERVING
 * while every configured model has an AVAILABLE version, NOT_SERVING otherwise, and NOT_SERVING
 * for good from {@link #stop()} on, so that a load balancer stops sending before the drain.
 */
final class ServingHealth {
  /** The names probes ask for: the whole server, and TF Serving's two services. */
  static final List<String> SERVICES = List.of(HealthStatusManager.SERVICE_NAME_ALL_SERVICES,
      "ModelService", "PredictionService");
  private static final long CHECK_MILLIS = 200;

  private final ModelRepository repository;
  private final HealthStatusManager manager = new HealthStatusManager();
  private final ScheduledExecutorService checker = Executors.newSingleThreadScheduledExecutor(
      runnable -> {
        Thread thread = new Thread(runnable, "serve-health");
        thread.setDaemon(true);
        return thread;
      });

  ServingHealth(ModelRepository repository) {
    this.repository = repository;
    SERVICES.forEach(name -> manager.setStatus(name, ServingStatus.NOT_SERVING));
  }

  BindableService service() {
    return manager.getHealthService();
  }

  /** Follows the models from now on (the repository loads new versions in the background). */
  void start() {
    checker.scheduleWithFixedDelay(this::check, 0, CHECK_MILLIS, TimeUnit.MILLISECONDS);
  }

  private void check() {
    ServingStatus status = repository.everyModelAvailable()
        ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
    SERVICES.forEach(name -> manager.setStatus(name, status));
  }

  /** NOT_SERVING from now on, whatever the models do (the server is stopping). */
  void stop() {
    checker.shutdownNow();
    manager.enterTerminalState();
  }
}
