package dev.tfjava.course.serve.core;

/**
 * The one place a predict call enters the core, from every front door (REST, gRPC, the
 * {@code predict} command): whatever wraps it (metrics, batching) sees every call.
 */
@FunctionalInterface
public interface PredictService {

  /**
   * Answers one call.
   *
   * @throws ServingException for a request the server refuses, with TF Serving's error code
   */
  PredictResponse predict(PredictRequest request);
}
