package dev.tfjava.course.sequence;

import dev.tfjava.course.plot.Charts;
import dev.tfjava.course.plot.StarMarker;
import java.awt.Color;
import java.nio.file.Path;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The Unit 3 figures, in the notebook's styles. */
public final class SequenceCharts {
  private static final Color RED = new Color(0xd62728);
  private static final Color BLUE = new Color(0x1f77b4);
  private static final Color YELLOW = new Color(0xbcbd22);
  private static final Color[] CELL_COLORS = {new Color(0xff7f0e), new Color(0x2ca02c), new Color(0x9467bd)};

  private SequenceCharts() {}

  /**
   * "Testing the model": the instance as red circles at t_instance[:-1], the target as blue stars
   * and the prediction as yellow dots at t_instance[1:], legend upper left, x label Time.
   */
  public static void testingTheModel(Path png, String model, double[] tInstance, float[] instance,
      float[] target, float[] prediction) {
    Charts.save(testingTheModel(model, tInstance, instance, target, prediction), png);
  }

  /** The "Testing the model" chart, to save or show. */
  public static XYChart testingTheModel(String model, double[] tInstance, float[] instance,
      float[] target, float[] prediction) {
    int n = instance.length;
    double[] before = java.util.Arrays.copyOfRange(tInstance, 0, n);
    double[] after = java.util.Arrays.copyOfRange(tInstance, 1, n + 1);
    XYChart chart = Charts.chart("Testing the model (" + model + ")", "Time", "", 576, 432);
    chart.getStyler().setMarkerSize(10);
    chart.getStyler().setXAxisDecimalPattern("0.0");
    Charts.scatter(chart, "instance", before, toDouble(instance), RED, SeriesMarkers.CIRCLE);
    Charts.scatter(chart, "target", after, toDouble(target), BLUE, new StarMarker());
    Charts.scatter(chart, "prediction", after, toDouble(prediction), YELLOW, SeriesMarkers.CIRCLE);
    return chart;
  }

  /**
   * The generated sequence against its index (the notebook's {@code np.arange(len(sequence))}),
   * the {@code seedLength} seed values drawn thicker. Values beyond ±{@code divergence.limit()}
   * are clipped to it, and the title says so.
   */
  public static void generated(Path png, String model, float[] sequence, int seedLength,
      Divergence divergence) {
    Charts.save(generated(model, sequence, seedLength, divergence), png);
  }

  /** The generated-sequence chart, to save or show. */
  public static XYChart generated(String model, float[] sequence, int seedLength,
      Divergence divergence) {
    XYChart chart = Charts.chart(title("Generated sequence (" + model + ")", divergence), "Time",
        "Value", 576, 288);
    chart.getStyler().setLegendVisible(false);
    integerXAxis(chart);
    double[] y = clipped(sequence, divergence.limit());
    Charts.line(chart, "generated", index(sequence.length, 0), y, BLUE, 1.5f);
    Charts.line(chart, "seed", index(seedLength, 0), java.util.Arrays.copyOf(y, seedLength), BLUE,
        4.5f);
    clipAxis(chart, divergence);
    return chart;
  }

  /** The batch MSE of every iteration on a log scale, with the notebook's every-100 reports. */
  public static void trainingCurve(Path png, String model, TrainingCurve log) {
    Charts.save(trainingCurve(model, log), png);
  }

  /** The training-curve chart, to save or show. */
  public static XYChart trainingCurve(String model, TrainingCurve log) {
    XYChart chart = Charts.chart("Training MSE (" + model + ")", "Iteration", "batch MSE", 576,
        288);
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
    integerXAxis(chart);
    float[] loss = log.batchLoss();
    Charts.line(chart, "batch MSE (before the step)", index(loss.length, 0), toDouble(loss),
        new Color(0x7f7f7f), 1f);
    double[] reportX = log.reports().stream().mapToDouble(TrainingCurve.Report::iteration)
        .toArray();
    double[] reportY = log.reports().stream().mapToDouble(TrainingCurve.Report::mse).toArray();
    Charts.scatter(chart, "printed MSE (after the step)", reportX, reportY, RED,
        SeriesMarkers.CIRCLE);
    return chart;
  }

  /**
   * The cells' generated sequences side by side, with the true series f(0.1·i) for reference
   * (the model steps 0.1 in time per value; a generated run has no fixed phase).
   */
  public static void comparison(Path png, Map<String, float[]> sequences, int seedLength,
      Divergence worst) {
    Charts.save(comparison(sequences, seedLength, worst), png);
  }

  /** The comparison chart, to save or show. */
  public static XYChart comparison(Map<String, float[]> sequences, int seedLength,
      Divergence worst) {
    XYChart chart = Charts.chart(title("Generated sequences from " + seedLength + " zeros", worst),
        "Time step", "Value", 720, 360);
    integerXAxis(chart);
    int length = sequences.values().iterator().next().length;
    double[] truth = new double[length];
    for (int i = 0; i < length; i++) {
      truth[i] = dev.tfjava.course.data.TimeSeries.value(i * dev.tfjava.course.data.TimeSeries.RESOLUTION);
    }
    Charts.line(chart, "true series f(0.1 i)", index(length, 0), truth, Color.BLACK, 1f);
    int c = 0;
    for (Map.Entry<String, float[]> entry : sequences.entrySet()) {
      Charts.line(chart, entry.getKey(), index(length, 0), clipped(entry.getValue(), worst.limit()),
          CELL_COLORS[c++ % CELL_COLORS.length], 1.8f);
    }
    clipAxis(chart, worst);
    return chart;
  }

  private static String title(String title, Divergence divergence) {
    return divergence.diverged()
        ? String.format("%s - diverges: y clipped to +/-%.0f", title, divergence.limit())
        : title;
  }

  private static void integerXAxis(XYChart chart) {
    chart.getStyler().setXAxisDecimalPattern("0");
    chart.getStyler().setXAxisMaxLabelCount(12);
  }

  private static void clipAxis(XYChart chart, Divergence divergence) {
    if (divergence.diverged()) {
      chart.getStyler().setYAxisMin(-divergence.limit());
      chart.getStyler().setYAxisMax(divergence.limit());
    }
  }

  /** The values with anything beyond ±limit (or not finite) set to the limit. */
  static double[] clipped(float[] values, double limit) {
    double[] y = new double[values.length];
    for (int i = 0; i < y.length; i++) {
      double v = values[i];
      y[i] = Double.isNaN(v) ? limit : Math.max(-limit, Math.min(limit, v));
    }
    return y;
  }

  private static double[] index(int n, int from) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = from + i;
    }
    return x;
  }

  private static double[] toDouble(float[] values) {
    double[] d = new double[values.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = values[i];
    }
    return d;
  }
}
