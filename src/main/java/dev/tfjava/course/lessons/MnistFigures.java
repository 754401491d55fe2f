package dev.tfjava.course.lessons;

import dev.tfjava.course.data.ImageSet;
import dev.tfjava.course.data.MnistDataset;
import dev.tfjava.course.data.MnistVariant;
import dev.tfjava.course.plot.Charts;
import dev.tfjava.course.plot.GrayscaleImage;
import dev.tfjava.course.plot.ImageGrid;
import dev.tfjava.course.plot.Png;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The MNIST CNN lesson's figures: accuracy per epoch, conv1's filters, test predictions. */
public final class MnistFigures {
  private MnistFigures() {}

  /**
   * Writes the three figures into the files {@code output} names and returns their names.
   *
   * @param testProbabilities Y_prob of every test image, [count, 10] row-major
   */
  static List<String> writeAll(Function<String, Path> output, List<MnistCnn.EpochStats> history,
      MnistDataset mnist, float[] conv1Kernel, float[] testProbabilities) {
    List<String> figures = List.of("accuracy.png", "conv1_filters.png", "test_predictions.png");
    Charts.save(accuracy(history, mnist.variant()), output.apply(figures.get(0)));
    Png.write(conv1Filters(conv1Kernel), output.apply(figures.get(1)));
    Png.write(testPredictions(mnist.variant(), mnist.test(), testProbabilities),
        output.apply(figures.get(2)));
    return figures;
  }

  /** Train and test accuracy per epoch. */
  public static XYChart accuracy(List<MnistCnn.EpochStats> history, MnistVariant variant) {
    double[] epochs = history.stream().mapToDouble(MnistCnn.EpochStats::epoch).toArray();
    XYChart chart = Charts.chart("CNN accuracy per epoch (" + variant.id() + ")", "Epoch",
        "Accuracy", 576, 288);
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
    Charts.line(chart, "Train", epochs, history.stream().mapToDouble(MnistCnn.EpochStats::trainAccuracy)
        .toArray(), Color.BLUE, 2f).setMarker(SeriesMarkers.CIRCLE);
    Charts.line(chart, "Test", epochs, history.stream().mapToDouble(MnistCnn.EpochStats::testAccuracy)
        .toArray(), Color.RED, 2f).setMarker(SeriesMarkers.CIRCLE);
    return chart;
  }

  /** The 32 learned 3x3 filters of conv1, each scaled like imshow (min black, max white). */
  public static BufferedImage conv1Filters(float[] kernel) {
    // kernel is [3, 3, 1, 32] row-major: value (r, c, 0, f) at (r * 3 + c) * 32 + f.
    ImageGrid grid = new ImageGrid(8, "conv1: the 32 learned 3x3 filters");
    for (int f = 0; f < MnistCnn.CONV1_FMAPS; f++) {
      float[][] filter = new float[MnistCnn.CONV1_KSIZE][MnistCnn.CONV1_KSIZE];
      for (int r = 0; r < MnistCnn.CONV1_KSIZE; r++) {
        for (int c = 0; c < MnistCnn.CONV1_KSIZE; c++) {
          filter[r][c] = kernel[(r * MnistCnn.CONV1_KSIZE + c) * MnistCnn.CONV1_FMAPS + f];
        }
      }
      grid.add(GrayscaleImage.render(filter, 30), "#" + f);
    }
    return grid.render();
  }

  /** The first test images, then the first misclassified ones (framed red): predicted (true). */
  public static BufferedImage testPredictions(MnistVariant variant, ImageSet test,
      float[] probabilities) {
    List<Integer> shown = new ArrayList<>();
    for (int i = 0; i < Math.min(MnistCnn.GRID_FIRST, test.count()); i++) {
      shown.add(i);
    }
    int mistakes = 0;
    for (int i = MnistCnn.GRID_FIRST; i < test.count() && mistakes < MnistCnn.GRID_MISTAKES; i++) {
      if (predicted(probabilities, i) != test.label(i)) {
        shown.add(i);
        mistakes++;
      }
    }
    ImageGrid grid = new ImageGrid(10, variant.id() + " test images, predicted (true): the first "
        + MnistCnn.GRID_FIRST + ", then misclassified ones in red");
    for (int i : shown) {
      int predicted = predicted(probabilities, i);
      grid.add(GrayscaleImage.render(test.image(i), 5), variant.className(predicted) + " ("
          + variant.className(test.label(i)) + ")", predicted != test.label(i));
    }
    return grid.render();
  }

  private static int predicted(float[] probabilities, int image) {
    int best = 0;
    for (int k = 1; k < MnistCnn.N_OUTPUTS; k++) {
      if (probabilities[image * MnistCnn.N_OUTPUTS + k] > probabilities[image * MnistCnn.N_OUTPUTS + best]) {
        best = k;
      }
    }
    return best;
  }
}
