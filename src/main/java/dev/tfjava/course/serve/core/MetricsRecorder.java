package dev.tfjava.course.serve.core;

/**
 * What the server reports for monitoring as it works: the front doors report each call they
 * answer (with TF Serving's {@code API} and {@code entrypoint} labels, so a new door only passes
 * its own) and each request they refuse before it runs; the core reports session runs, model
 * loads, instances per request and batches. {@link #NONE} records nothing (the {@code predict}
 * command, tests); {@code serve.metrics.ServingMetrics} turns it into TF Serving's Prometheus
 * metrics.
 */
public interface MetricsRecorder {
  /** Records nothing. */
  MetricsRecorder NONE = new MetricsRecorder() { };

  /**
   * A door answered a call.
   *
   * @param model the model the call named ("" when it named none)
   * @param api TF Serving's name of the call: {@code predict} on REST, {@code Predict} on gRPC
   * @param entrypoint {@code REST} or {@code GRPC}
   * @param code the outcome, {@link ErrorCode#OK} for an answer
   * @param nanos the wall time from the call's start to its answer
   */
  default void answered(String model, String api, String entrypoint, ErrorCode code, long nanos) {
  }

  /** A door refused a request before it ran ({@code status}: e.g. 413, 503, UNAVAILABLE). */
  default void refused(String entrypoint, String status) {
  }

  /** A predict call of {@code model} carried {@code count} instances (its inputs' first dimension). */
  default void examples(String model, long count) {
  }

  /** One {@code Session.run} of {@code model} took {@code nanos}. */
  default void sessionRun(String model, long nanos) {
  }

  /** One attempt to load the SavedModel at {@code modelPath}, which took {@code nanos}. */
  default void loadAttempt(String modelPath, boolean ok, long nanos) {
  }

  /** A request waited {@code nanos} in a batching queue before its batch started. */
  default void batchQueued(String threadPoolName, long nanos) {
  }

  /**
   * A batch of {@code model} ran: {@code rows} instances from {@code requests} requests, padded to
   * {@code paddedRows} (an allowed batch size).
   */
  default void batchRan(String model, int requests, int rows, int paddedRows) {
  }
}
