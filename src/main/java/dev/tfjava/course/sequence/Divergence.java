package dev.tfjava.course.sequence;

import dev.tfjava.course.data.TimeSeries;

/**
 * Whether a generated sequence left the range of the series it was trained on. ReLU cells are
 * unbounded, and generating 300 steps from their own outputs can run away; the charts then clip
 * their y axis at {@link #limit()} and metrics.json says so.
 *
 * @param limit 1.5 × the largest |f(t)| over the training range
 * @param maxAbs the largest |value| generated (infinite when a value is not finite)
 * @param firstBeyond the index of the first value beyond the limit, or −1
 */
public record Divergence(double limit, double maxAbs, int firstBeyond) {
  /** How far beyond the series' own range a value may go before it counts as divergence. */
  public static final double MARGIN = 1.5;

  /** The y range charts keep: ±{@code MARGIN}·max|f(t)| over the training range. */
  public static double defaultLimit() {
    double max = 0;
    for (double v : TimeSeries.values(TimeSeries.t())) {
      max = Math.max(max, Math.abs(v));
    }
    return MARGIN * max;
  }

  public static Divergence of(float[] sequence, double limit) {
    double maxAbs = 0;
    int first = -1;
    for (int i = 0; i < sequence.length; i++) {
      double v = Math.abs(sequence[i]);
      if (!Double.isFinite(v)) {
        v = Double.POSITIVE_INFINITY;
      }
      maxAbs = Math.max(maxAbs, v);
      if (first < 0 && v > limit) {
        first = i;
      }
    }
    return new Divergence(limit, maxAbs, first);
  }

  public boolean diverged() {
    return firstBeyond >= 0;
  }
}
