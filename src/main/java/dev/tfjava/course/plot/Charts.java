package dev.tfjava.course.plot;

import dev.tfjava.course.io.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Line and scatter charts in the notebooks' look, written headless to PNG at 300 dpi like their
 * {@code save_fig}. Sizes are in points (1/72 inch), so {@code 576 x 288} is matplotlib's
 * {@code figsize=(8, 4)} and comes out as a 2400 x 1200 pixel PNG.
 */
public final class Charts {
  /** Resolution of every chart PNG, as the notebooks' {@code save_fig(resolution=300)}. */
  public static final int DPI = 300;
  /** Pixels per point at {@link #DPI}. */
  public static final double SCALE = DPI / 72.0;

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private Charts() {}

  /** A blank chart with a title and axis labels, white background, legend inside. */
  public static XYChart chart(String title, String xLabel, String yLabel, int widthPt, int heightPt) {
    XYChart chart = new XYChartBuilder()
        .width(widthPt).height(heightPt)
        .title(title).xAxisTitle(xLabel).yAxisTitle(yLabel)
        .build();
    XYStyler styler = chart.getStyler();
    styler.setChartBackgroundColor(Color.WHITE);
    styler.setPlotGridLinesVisible(true);
    styler.setLegendPosition(Styler.LegendPosition.InsideNW);
    styler.setChartTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
    styler.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    chart.getStyler().setMarkerSize(6);
    return chart;
  }

  /** Adds a line without markers. */
  public static XYSeries line(XYChart chart, String name, double[] x, double[] y, Color color,
      float width) {
    XYSeries series = chart.addSeries(name, x, y);
    series.setMarker(SeriesMarkers.NONE);
    series.setLineColor(color);
    series.setMarkerColor(color);
    series.setLineStyle(new BasicStroke(width));
    return series;
  }

  /** Adds markers without a line (matplotlib's {@code "bo"}, {@code "r*"}...). */
  public static XYSeries scatter(XYChart chart, String name, double[] x, double[] y, Color color,
      org.knowm.xchart.style.markers.Marker marker) {
    XYSeries series = chart.addSeries(name, x, y);
    series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    series.setMarker(marker);
    series.setMarkerColor(color);
    return series;
  }

  /** Writes the chart as a 300 dpi PNG, atomically. */
  public static void save(XYChart chart, Path png) {
    RoundTicks.apply(chart);
    AtomicFiles.writeVia(png,
        temp -> BitmapEncoder.saveBitmapWithDPI(chart, temp.toString(), BitmapEncoder.BitmapFormat.PNG, DPI));
  }

  /** The chart drawn at {@code scale} pixels per point (a notebook's inline figure). */
  public static BufferedImage image(XYChart chart, double scale) {
    RoundTicks.apply(chart);
    BufferedImage image = new BufferedImage((int) Math.round(chart.getWidth() * scale),
        (int) Math.round(chart.getHeight() * scale), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
          RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.scale(scale, scale);
      chart.paint(g, chart.getWidth(), chart.getHeight());
    } finally {
      g.dispose();
    }
    return image;
  }

  /** Pixel size of a saved chart of {@code points} points. */
  public static int pixels(int points) {
    return (int) (points * SCALE);
  }
}
