package dev.tfjava.course.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.tfjava.course.data.MnistVariant;
import dev.tfjava.course.data.TimeSeries;
import dev.tfjava.course.lessons.Backpropagation;
import dev.tfjava.course.lessons.MnistCnn;
import dev.tfjava.course.lessons.MnistFigures;
import dev.tfjava.course.sequence.Divergence;
import dev.tfjava.course.sequence.SequenceCharts;
import dev.tfjava.course.sequence.TrainingCurve;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.knowm.xchart.XYChart;

/**
 * Every chart the project draws, with the data sizes the lessons give it, has round-number x
 * ticks whose labels stand clear of each other (and y labels that do not touch), measured in the
 * 300-dpi rendering the PNG files get. XChart's own placement fails this on the 300-step charts
 * ({@link #xchartsOwnTicksCollideOnThe300StepCharts}).
 */
class ChartTicksTest {

  static Stream<Arguments> charts() {
    return Stream.of(
        Arguments.of("generated sequence (320 values)", (Supplier<XYChart>) () ->
            SequenceCharts.generated("BasicRNN", wave(320), TimeSeries.STEPS, divergence(320))),
        Arguments.of("comparison of three cells", (Supplier<XYChart>) ChartTicksTest::comparison),
        Arguments.of("training curve (1,500 iterations)", (Supplier<XYChart>) () ->
            SequenceCharts.trainingCurve("LSTM", curve(1500))),
        Arguments.of("testing the model", (Supplier<XYChart>) () ->
            SequenceCharts.testingTheModel("GRU", TimeSeries.tInstance(), TimeSeries.testInstance(),
                TimeSeries.testTarget(), TimeSeries.testTarget())),
        Arguments.of("gradient per layer", (Supplier<XYChart>) () ->
            Backpropagation.gradientChart(decay(10, 1e-1), decay(10, 0.7))),
        Arguments.of("CNN accuracy per epoch", (Supplier<XYChart>) () ->
            MnistFigures.accuracy(epochs(10), MnistVariant.MNIST)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("charts")
  void ticksAreRoundAndLabelsStandClear(String name, Supplier<XYChart> chart) {
    XYChart drawn = chart.get();
    Charts.image(drawn, Charts.SCALE); // as Charts.save renders it
    TickLabels x = TickLabels.x(drawn);
    assertEquals(List.of(), x.collisions(), name + ": x labels " + x.labels());
    assertNull(x.notRound(), name + ": x ticks");
    TickLabels y = TickLabels.y(drawn);
    assertEquals(List.of(), y.collisions(), name + ": y labels " + y.labels());
  }

  @Test
  void xchartsOwnTicksCollideOnThe300StepCharts() {
    // What every *_generated.png and sequences_comparison.png looked like before RoundTicks.
    for (XYChart chart : List.of(
        SequenceCharts.generated("BasicRNN", wave(320), TimeSeries.STEPS, divergence(320)),
        comparison())) {
      paintWithoutRoundTicks(chart);
      TickLabels x = TickLabels.x(chart);
      assertNotNull(x.notRound(), "XChart's ticks " + x.labels());
      assertFalse(x.collisions().isEmpty(), "XChart's labels " + x.labels());
    }
  }

  private static void paintWithoutRoundTicks(XYChart chart) {
    BufferedImage image = new BufferedImage(Charts.pixels(chart.getWidth()),
        Charts.pixels(chart.getHeight()), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.scale(Charts.SCALE, Charts.SCALE);
    chart.paint(g, chart.getWidth(), chart.getHeight());
    g.dispose();
  }

  private static XYChart comparison() {
    Map<String, float[]> sequences = new LinkedHashMap<>();
    sequences.put("BasicRNN", wave(320));
    sequences.put("LSTM", wave(320));
    sequences.put("GRU", wave(320));
    return SequenceCharts.comparison(sequences, TimeSeries.STEPS, divergence(320));
  }

  private static float[] wave(int n) {
    float[] values = new float[n];
    for (int i = TimeSeries.STEPS; i < n; i++) {
      values[i] = (float) TimeSeries.value(i * TimeSeries.RESOLUTION);
    }
    return values;
  }

  private static Divergence divergence(int n) {
    return Divergence.of(wave(n), Divergence.defaultLimit());
  }

  private static TrainingCurve curve(int iterations) {
    float[] loss = new float[iterations];
    List<TrainingCurve.Report> reports = new ArrayList<>();
    for (int i = 0; i < iterations; i++) {
      loss[i] = (float) (15 * Math.exp(-i / 150.0) + 0.04);
      if (i % 100 == 0 || i == iterations - 1) {
        reports.add(new TrainingCurve.Report(i, loss[i]));
      }
    }
    return new TrainingCurve(reports, loss);
  }

  private static double[] decay(int n, double factor) {
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      values[i] = Math.pow(factor, n - 1 - i);
    }
    return values;
  }

  private static List<MnistCnn.EpochStats> epochs(int n) {
    List<MnistCnn.EpochStats> history = new ArrayList<>();
    for (int e = 0; e < n; e++) {
      double accuracy = 0.97 + 0.002 * e;
      history.add(new MnistCnn.EpochStats(e, accuracy + 0.005, accuracy, 0.1, 60, 900, 100, 0, 5,
          500));
    }
    return history;
  }
}
