package dev.tfjava.course.data;

import java.util.Random;

/**
 * The Unit 3 time series, f(t) = t·sin(t)/3 + 2·sin(5t), with the notebook's grids and its
 * {@code next_batch}. The grids follow numpy's {@code linspace} exactly (step = (stop − start) /
 * (num − 1), last point = stop), so {@code t} is spaced 30/299, not 0.1, and the test instance is
 * spaced 0.105 — slightly off the 0.1 grid the model trains on, as in the notebook.
 */
public final class TimeSeries {
  public static final double T_MIN = 0;
  public static final double T_MAX = 30;
  public static final double RESOLUTION = 0.1;
  /** Steps per training window (the notebook's {@code n_steps}). */
  public static final int STEPS = 20;
  /** Where the notebook's test instance starts. */
  public static final double INSTANCE_START = 12.2;

  private final Random random;

  /** A batch source whose window starts are drawn from {@code random} (seed it for reproducibility). */
  public TimeSeries(Random random) {
    this.random = random;
  }

  /** f(t) = t·sin(t)/3 + 2·sin(5t), in the notebook's order of operations. */
  public static double value(double t) {
    return t * Math.sin(t) / 3 + 2 * Math.sin(t * 5);
  }

  /** f at every point of {@code ts}. */
  public static double[] values(double[] ts) {
    double[] ys = new double[ts.length];
    for (int i = 0; i < ts.length; i++) {
      ys[i] = value(ts[i]);
    }
    return ys;
  }

  /** numpy's {@code linspace(start, stop, num)} with {@code endpoint=True}. */
  public static double[] linspace(double start, double stop, int num) {
    if (num < 1) {
      return new double[0];
    }
    double[] points = new double[num];
    if (num == 1) {
      points[0] = start;
      return points;
    }
    double step = (stop - start) / (num - 1);
    for (int i = 0; i < num; i++) {
      points[i] = i * step + start;
    }
    points[num - 1] = stop;
    return points;
  }

  /** The notebook's {@code t = linspace(t_min, t_max, int((t_max - t_min) / resolution))}: 300 points. */
  public static double[] t() {
    return linspace(T_MIN, T_MAX, (int) ((T_MAX - T_MIN) / RESOLUTION));
  }

  /** The notebook's {@code t_instance}: {@code STEPS + 1} points from 12.2 to 14.3. */
  public static double[] tInstance() {
    return linspace(INSTANCE_START, INSTANCE_START + RESOLUTION * (STEPS + 1), STEPS + 1);
  }

  /** The test instance, f(t_instance[:-1]), as a [1, STEPS, 1] row-major array. */
  public static float[] testInstance() {
    double[] ts = tInstance();
    float[] x = new float[STEPS];
    for (int i = 0; i < STEPS; i++) {
      x[i] = (float) value(ts[i]);
    }
    return x;
  }

  /** The test instance's target, f(t_instance[1:]). */
  public static float[] testTarget() {
    double[] ts = tInstance();
    float[] y = new float[STEPS];
    for (int i = 0; i < STEPS; i++) {
      y[i] = (float) value(ts[i + 1]);
    }
    return y;
  }

  /** One batch: {@code x} and {@code y} of shape [batch, steps, 1], y being x shifted one step. */
  public record Batch(float[] x, float[] y, int size, int steps) {}

  /** A new batch ({@link #nextBatch(Batch)} refills one without allocating). */
  public Batch nextBatch(int batchSize, int steps) {
    return nextBatch(new Batch(new float[batchSize * steps], new float[batchSize * steps],
        batchSize, steps));
  }

  /**
   * The notebook's {@code next_batch}: t0 = U[0, 1)·(t_max − t_min − steps·resolution) per row,
   * Ts = t0 + arange(0, steps + 1)·resolution, X = f(Ts)[:, :-1], y = f(Ts)[:, 1:]. Fills
   * {@code into} and returns it.
   */
  public Batch nextBatch(Batch into) {
    fill(into.x(), into.y(), into.size(), into.steps());
    return into;
  }

  /** {@link #nextBatch(Batch)} into bare arrays of [batchSize, steps, 1], e.g. a training loop's. */
  public void fill(float[] x, float[] y, int batchSize, int steps) {
    double span = T_MAX - T_MIN - steps * RESOLUTION;
    for (int row = 0; row < batchSize; row++) {
      double t0 = random.nextDouble() * span;
      int base = row * steps;
      double previous = value(t0);
      for (int i = 0; i < steps; i++) {
        double next = value(t0 + (i + 1) * RESOLUTION);
        x[base + i] = (float) previous;
        y[base + i] = (float) next;
        previous = next;
      }
    }
  }
}
