package dev.tfjava.course.plot;

import java.util.Arrays;
import java.util.TreeSet;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Keeps an XY chart's x ticks at round numbers spaced for its width (0, 50, 100, ... as
 * matplotlib's {@code MaxNLocator} puts them), where XChart 3.8 would not.
 *
 * <p>XChart places ticks in one of two ways. In general it picks a round step that leaves room
 * for the labels. But when the x values of all series together are equally spaced (a sequence
 * against its index: 0, 1, ..., 319), it puts a tick on every k-th value instead, with k the first
 * count whose labels fit its spacing hint: 0, 18, 36, ..., labels that are not round and, at the
 * 300-dpi scale, touch ("...108126144..."). One invisible point between the first two x values
 * makes the values unequally spaced, so XChart takes the general way; it lies inside the data's
 * range, so the axes do not move.
 */
final class RoundTicks {
  /** The invisible series' name; not shown in the legend. */
  static final String MARKER_SERIES = "\u200broundTicks";

  private RoundTicks() {}

  /** Makes {@code chart}'s x ticks round; does nothing when they already are. Idempotent. */
  static void apply(XYChart chart) {
    if (chart.getSeriesMap().containsKey(MARKER_SERIES) || !equallySpacedX(chart)) {
      return;
    }
    XYSeries first = chart.getSeriesMap().values().iterator().next();
    double[] x = first.getXData();
    double[] y = first.getYData();
    double between = (x[0] + x[1]) / 2;
    double atY = Arrays.stream(y).filter(Double::isFinite).findFirst().orElse(0);
    XYSeries marker = chart.addSeries(MARKER_SERIES, new double[] {between}, new double[] {atY});
    marker.setShowInLegend(false);
    marker.setMarker(SeriesMarkers.NONE);
    marker.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
  }

  /** Whether the union of every series' x values is equally spaced, as XChart tests it. */
  static boolean equallySpacedX(XYChart chart) {
    TreeSet<Double> values = new TreeSet<>();
    for (XYSeries series : chart.getSeriesMap().values()) {
      for (double v : series.getXData()) {
        values.add(v);
      }
    }
    if (values.size() < 3) {
      return false;
    }
    Double[] sorted = values.toArray(new Double[0]);
    double step = sorted[1] - sorted[0];
    for (int i = 2; i < sorted.length; i++) {
      if (Math.abs(sorted[i] - sorted[i - 1] - step) > Math.abs(step) * 1e-6) {
        return false;
      }
    }
    return true;
  }
}
