package dev.tfjava.course.serve.metrics;

import dev.tfjava.course.serve.core.Admission;
import dev.tfjava.course.serve.core.ErrorCode;
import dev.tfjava.course.serve.core.MetricsRecorder;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

/**
 * TF Serving's Prometheus metrics, with its names, labels and bucket boundaries
 * ({@code servables/tensorflow/util.cc}, {@code batching/batching_session.cc}, TensorFlow's
 * {@code cc/saved_model/loader.cc}), the JVM's (heap, GC, threads, resident memory: the client's
 * standard JVM and process metrics) and the server's admission figures, on one registry per
 * server, written in the Prometheus text format ({@link #page()}). Latencies are in
 * microseconds, as TF Serving's are.
 */
public final class ServingMetrics implements MetricsRecorder {
  /** The content type of {@link #page()}: the Prometheus text format 0.0.4, as TF Serving's. */
  public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

  /** TF Serving's runtime label for a TF1 session ({@code predict_util.cc}). */
  private static final String RUNTIME = "TF1";
  private static final String RUNTIME_API = "Predict";

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final UntypedCounter requestCount = register(
      new UntypedCounter(":tensorflow:serving:request_count", "model_name", "status"));
  private final Histogram requestLatency = Histogram.builder()
      .name(":tensorflow:serving:request_latency").labelNames("model_name", "API", "entrypoint")
      .classicOnly().classicUpperBounds(exponential(10, 1.8, 33)).register(registry);
  private final Histogram runtimeLatency = Histogram.builder()
      .name(":tensorflow:serving:runtime_latency").labelNames("model_name", "API", "runtime")
      .classicOnly().classicUpperBounds(exponential(10, 1.8, 33)).register(registry);
  private final Histogram exampleCounts = Histogram.builder()
      .name(":tensorflow:serving:request_example_counts").labelNames("model")
      .classicOnly().classicUpperBounds(exponential(1, 2, 15)).register(registry);
  private final Counter exampleCountTotal = Counter.builder()
      .name(":tensorflow:serving:request_example_count_total").labelNames("model")
      .register(registry);
  private final UntypedCounter loadAttempts = register(
      new UntypedCounter(":tensorflow:cc:saved_model:load_attempt_count", "model_path", "status"));
  private final UntypedCounter loadLatency = register(
      new UntypedCounter(":tensorflow:cc:saved_model:load_latency", "model_path"));
  private final Histogram queuingLatency = Histogram.builder()
      .name(":tensorflow:serving:batching_session:queuing_latency").labelNames("thread_pool_name")
      .classicOnly().classicUpperBounds(exponential(100, 1.2, 52)).register(registry);
  private final UntypedCounter wrappedRuns = register(
      new UntypedCounter(":tensorflow:serving:batching_session:wrapped_run_count"));
  private final Histogram batchSize = Histogram.builder()
      .name(":tensorflow:serving:batching:processed_batch_size").labelNames("model_name")
      .classicOnly().classicUpperBounds(exponential(1, 2, 11)).register(registry);
  private final Histogram paddingSize = Histogram.builder()
      .name(":tensorflow:serving:batching:padding_size").labelNames("model_name")
      .classicOnly().classicUpperBounds(exponential(1, 2, 11)).register(registry);
  private final Counter refused = Counter.builder()
      .name("tfjava_serve_refused_requests")
      .help("Requests answered before they ran: 413 too large, 503 overloaded or stopping")
      .labelNames("entrypoint", "status").register(registry);

  public ServingMetrics() {
    JvmMetrics.builder().register(registry);
  }

  private <T extends io.prometheus.metrics.model.registry.Collector> T register(T collector) {
    registry.register(collector);
    return collector;
  }

  /** Exports {@code admission}'s requests and bytes in flight, its limits and its refusals. */
  public void watch(Admission admission) {
    GaugeWithCallback.builder().name("tfjava_serve_requests_in_flight")
        .help("Requests taken on (running, queued or still arriving)")
        .callback(cb -> cb.call(admission.requestsInFlight())).register(registry);
    GaugeWithCallback.builder().name("tfjava_serve_request_slots")
        .help("Requests that may be taken on at once (--threads + --queue)")
        .callback(cb -> cb.call(admission.maxRequests())).register(registry);
    GaugeWithCallback.builder().name("tfjava_serve_request_bytes_in_flight")
        .help("Request body bytes held (arriving, queued or running)")
        .callback(cb -> cb.call(admission.bytesInFlight())).register(registry);
    GaugeWithCallback.builder().name("tfjava_serve_request_bytes_limit")
        .help("Request body bytes that may be held at once (--max-inflight-mb)")
        .callback(cb -> cb.call(admission.maxBytes())).register(registry);
    CounterWithCallback.builder().name("tfjava_serve_admission_refused")
        .help("Requests refused by admission: every slot taken, or the byte budget spent")
        .labelNames("reason")
        .callback(cb -> {
          cb.call(admission.refusedForRequests(), "requests");
          cb.call(admission.refusedForBytes(), "bytes");
        }).register(registry);
  }

  /** The metrics page: every family in the Prometheus text format. */
  public byte[] page() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(16384);
    try {
      PrometheusTextFormatWriter.create().write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return out.toByteArray();
  }

  @Override
  public void answered(String model, String api, String entrypoint, ErrorCode code, long nanos) {
    requestCount.labelValues(model, code.name()).inc();
    if (code == ErrorCode.OK) {
      requestLatency.labelValues(model, api, entrypoint).observe(micros(nanos));
    }
  }

  @Override
  public void refused(String entrypoint, String status) {
    refused.labelValues(entrypoint, status).inc();
  }

  @Override
  public void examples(String model, long count) {
    exampleCounts.labelValues(model).observe(count);
    exampleCountTotal.labelValues(model).inc(count);
  }

  @Override
  public void sessionRun(String model, long nanos) {
    runtimeLatency.labelValues(model, RUNTIME_API, RUNTIME).observe(micros(nanos));
  }

  @Override
  public void loadAttempt(String modelPath, boolean ok, long nanos) {
    loadAttempts.labelValues(modelPath, ok ? "success" : "fail").inc();
    if (ok) {
      loadLatency.labelValues(modelPath).inc(micros(nanos));
    }
  }

  @Override
  public void batchQueued(String threadPoolName, long nanos) {
    queuingLatency.labelValues(threadPoolName).observe(micros(nanos));
  }

  @Override
  public void batchRan(String model, int requests, int rows, int paddedRows) {
    wrappedRuns.labelValues().inc();
    batchSize.labelValues(model).observe(paddedRows);
    paddingSize.labelValues(model).observe(paddedRows - rows);
  }

  private static double micros(long nanos) {
    return TimeUnit.NANOSECONDS.toMicros(nanos);
  }

  /** TensorFlow's {@code Buckets::Exponential(scale, growth, count)}: scale·growth^i, i < count. */
  static double[] exponential(double scale, double growth, int count) {
    double[] bounds = new double[count];
    double bound = scale;
    for (int i = 0; i < count; i++) {
      bounds[i] = bound;
      bound *= growth;
    }
    return bounds;
  }
}
