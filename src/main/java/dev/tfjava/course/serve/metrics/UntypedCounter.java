package dev.tfjava.course.serve.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.MetricType;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricFamilyDescriptor;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;
import java.util.List;

/**
 * A counter exported under its exact name, TF Serving's way ({@code :tensorflow:serving:request_count},
 * no {@code _total}). The Prometheus Java client writes every counter's samples as
 * {@code name_total} (OpenMetrics requires it), which would break the dashboards and alerts
 * written against TF Serving; so the counting is the client's own {@link Counter}, and only the
 * export is an untyped family of the same name and values (how the client's JMX exporter keeps
 * names too). PromQL's {@code rate} and {@code increase} treat it exactly like a counter.
 */
final class UntypedCounter implements Collector {
  private final String name;
  private final Counter counter;

  UntypedCounter(String name, String... labelNames) {
    this.name = name;
    this.counter = Counter.builder().name(name).labelNames(labelNames).build();
  }

  /** The cell for these label values (in the order of the label names). */
  CounterDataPoint labelValues(String... values) {
    return counter.labelValues(values);
  }

  @Override
  public MetricSnapshot collect() {
    CounterSnapshot counts = counter.collect();
    List<UnknownSnapshot.UnknownDataPointSnapshot> points = counts.getDataPoints().stream()
        .map(p -> new UnknownSnapshot.UnknownDataPointSnapshot(p.getValue(), p.getLabels(), null))
        .toList();
    return new UnknownSnapshot(new MetricMetadata(name), points);
  }

  @Override
  public MetricFamilyDescriptor getMetricFamilyDescriptor() {
    return MetricFamilyDescriptor.of(MetricType.UNKNOWN, new MetricMetadata(name));
  }
}
