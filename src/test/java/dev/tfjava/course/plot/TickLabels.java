package dev.tfjava.course.plot;

import java.awt.Font;
import java.awt.font.FontRenderContext;
import java.awt.geom.Rectangle2D;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.internal.chartpart.Axis;
import org.knowm.xchart.internal.chartpart.AxisPair;
import org.knowm.xchart.internal.chartpart.AxisTickCalculator;

/**
 * An axis's tick labels as XChart laid them out in the last paint, measured with the chart's own
 * tick-label font, and what is wrong with them: labels closer than half an em (or overlapping),
 * and steps that are not round (1, 2, 2.5 or 5 times a power of ten, as matplotlib's
 * {@code MaxNLocator} picks them).
 */
record TickLabels(List<String> labels, List<Double> locations, List<Double> sizes, double fontSize) {
  private static final FontRenderContext FONTS = new FontRenderContext(null, true, true);
  private static final double[] ROUND_STEPS = {1, 2, 2.5, 5, 10};

  /** The x axis's visible ticks (those inside the axis) after {@code chart} was painted. */
  static TickLabels x(XYChart chart) {
    return of(chart, xAxis(chart), true);
  }

  /** The y axis's visible ticks after {@code chart} was painted. */
  static TickLabels y(XYChart chart) {
    try {
      Method getYAxis = AxisPair.class.getDeclaredMethod("getYAxis");
      getYAxis.setAccessible(true);
      return of(chart, (Axis<?, ?>) getYAxis.invoke(axisPair(chart)), false);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("XChart's y axis is not where this test looks for it", e);
    }
  }

  private static TickLabels of(XYChart chart, Axis<?, ?> axis, boolean horizontal) {
    AxisTickCalculator ticks = axis.getAxisTickCalculator();
    Font font = chart.getStyler().getAxisTickLabelsFont();
    double length = horizontal ? axis.getBounds().getWidth() : axis.getBounds().getHeight();
    List<String> labels = new ArrayList<>();
    List<Double> locations = new ArrayList<>();
    List<Double> sizes = new ArrayList<>();
    for (int i = 0; i < ticks.getTickLabels().size(); i++) {
      double at = ticks.getTickLocations().get(i);
      String label = ticks.getTickLabels().get(i);
      if (at < -0.5 || at > length + 0.5 || label == null || label.isEmpty()) {
        continue; // XChart draws only the ticks on the axis
      }
      Rectangle2D box = font.getStringBounds(label, FONTS);
      labels.add(label);
      locations.add(at);
      sizes.add(horizontal ? box.getWidth() : box.getHeight());
    }
    return new TickLabels(labels, locations, sizes, font.getSize2D());
  }

  /** Pairs of neighbouring labels less than half an em apart (or overlapping), as text. */
  List<String> collisions() {
    List<String> problems = new ArrayList<>();
    for (int i = 1; i < labels.size(); i++) {
      double gap = Math.abs(locations.get(i) - locations.get(i - 1))
          - (sizes.get(i) + sizes.get(i - 1)) / 2;
      if (gap < fontSize / 2) {
        problems.add(String.format("'%s' and '%s' %.1f pt apart", labels.get(i - 1), labels.get(i),
            gap));
      }
    }
    return problems;
  }

  /** Why the ticks are not at round numbers, or null when they are. */
  String notRound() {
    if (labels.size() < 2) {
      return "only " + labels + " on the axis";
    }
    double[] values = labels.stream().mapToDouble(l -> Double.parseDouble(l.replace(",", "")))
        .toArray();
    double step = values[1] - values[0];
    double decade = Math.pow(10, Math.floor(Math.log10(Math.abs(step))));
    boolean round = false;
    for (double candidate : ROUND_STEPS) {
      round |= Math.abs(Math.abs(step) / decade - candidate) < 1e-6;
    }
    if (!round) {
      return "step " + step + " between " + labels;
    }
    for (double v : values) {
      if (Math.abs(v / step - Math.rint(v / step)) > 1e-6) {
        return labels + " are not multiples of " + step;
      }
    }
    return null;
  }

  private static Axis<?, ?> xAxis(XYChart chart) {
    return axisPair(chart).getXAxis();
  }

  private static AxisPair<?, ?> axisPair(XYChart chart) {
    try {
      Field field = org.knowm.xchart.internal.chartpart.Chart.class.getDeclaredField("axisPair");
      field.setAccessible(true);
      return (AxisPair<?, ?>) field.get(chart);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("XChart's axes are not where this test looks for them", e);
    }
  }
}
