package dev.tfjava.course.tensorboard;

import java.util.Arrays;
import org.tensorflow.proto.HistogramProto;

/**
 * Histograms in TensorFlow's own layout (tensorflow/core/lib/histogram): bucket edges growing by
 * 10% from ±1e-12 to ±1e20, zero in the middle, runs of empty buckets collapsed into one.
 */
final class Histograms {
  /** Right edges of TensorFlow's default buckets. */
  private static final double[] LIMITS = defaultLimits();

  private Histograms() {}

  static HistogramProto of(float[] values) {
    return of(values, values.length);
  }

  /** The histogram of {@code values[0..length)}: a reused buffer may be longer than its content. */
  static HistogramProto of(float[] values, int length) {
    double[] counts = new double[LIMITS.length];
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    double sum = 0;
    double sumSquares = 0;
    for (int k = 0; k < length; k++) {
      double v = values[k];
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
      sumSquares += v * v;
      counts[bucketOf(v)]++;
    }
    HistogramProto.Builder proto = HistogramProto.newBuilder()
        .setMin(length == 0 ? 0 : min)
        .setMax(length == 0 ? 0 : max)
        .setNum(length)
        .setSum(sum)
        .setSumSquares(sumSquares);
    for (int i = 0; i < counts.length;) {
      double end = LIMITS[i];
      double count = counts[i];
      i++;
      if (count <= 0) {
        while (i < counts.length && counts[i] <= 0) {
          end = LIMITS[i];
          count = counts[i];
          i++;
        }
      }
      proto.addBucketLimit(end).addBucket(count);
    }
    return proto.build();
  }

  /** The bucket of v: the first whose right edge is greater than v (TF's upper_bound). */
  private static int bucketOf(double v) {
    int index = Arrays.binarySearch(LIMITS, v);
    int bucket = index >= 0 ? index + 1 : -index - 1;
    return Math.min(bucket, LIMITS.length - 1);
  }

  private static double[] defaultLimits() {
    java.util.List<Double> positive = new java.util.ArrayList<>();
    for (double v = 1e-12; v < 1e20; v *= 1.1) {
      positive.add(v);
    }
    positive.add(Double.MAX_VALUE);
    double[] limits = new double[2 * positive.size() + 1];
    int n = positive.size();
    for (int i = 0; i < n; i++) {
      limits[n - 1 - i] = -positive.get(i);
      limits[n + 1 + i] = positive.get(i);
    }
    limits[n] = 0;
    return limits;
  }
}
