package dev.tfjava.course.serve.warmup;

import dev.tfjava.course.serve.core.ErrorCode;
import dev.tfjava.course.serve.core.MetricsRecorder;
import dev.tfjava.course.serve.core.WarmupAliases;

/**
 * The doors' metrics without the door warm-up's calls, as TF Serving counts them: its warm-up
 * runs the servable directly ({@code saved_model_warmup.cc} calls {@code RunPredict}), so the
 * session runs are in {@code runtime_latency} (reported by the model, with its real name, here
 * too) but not in {@code request_count}, {@code request_latency} or the example counts, which
 * TF Serving's doors record. Everything else passes through.
 */
public final class UncountedWarmupCalls implements MetricsRecorder {
  private final MetricsRecorder next;

  public UncountedWarmupCalls(MetricsRecorder next) {
    this.next = next;
  }

  @Override
  public void answered(String model, String api, String entrypoint, ErrorCode code, long nanos) {
    if (!WarmupAliases.isAlias(model)) {
      next.answered(model, api, entrypoint, code, nanos);
    }
  }

  @Override
  public void refused(String entrypoint, String status) {
    next.refused(entrypoint, status);
  }

  @Override
  public void examples(String model, long count) {
    if (!WarmupAliases.isAlias(model)) {
      next.examples(model, count);
    }
  }

  @Override
  public void sessionRun(String model, long nanos) {
    next.sessionRun(model, nanos);
  }

  @Override
  public void loadAttempt(String modelPath, boolean ok, long nanos) {
    next.loadAttempt(modelPath, ok, nanos);
  }

  @Override
  public void batchQueued(String threadPoolName, long nanos) {
    next.batchQueued(threadPoolName, nanos);
  }

  @Override
  public void batchRan(String model, int requests, int rows, int paddedRows) {
    next.batchRan(model, requests, rows, paddedRows);
  }
}
