package dev.tfjava.course.lessons;

import dev.tfjava.course.cli.CommandLines;
import dev.tfjava.course.data.SampleImage;
import dev.tfjava.course.plot.GrayscaleImage;
import dev.tfjava.course.plot.ImageGrid;
import dev.tfjava.course.plot.Png;
import dev.tfjava.course.train.SessionFactory;
import dev.tfjava.course.train.Tensors;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import picocli.CommandLine.Command;

/**
 * Unit 2, first notebook: two hand-made 7x7 filters (a vertical and a horizontal line) convolved
 * with a grayscale crop of scikit-learn's china.jpg, then VALID padding, stride and pooling on the
 * same image with their output shapes.
 */
@Command(name = "conv-filters", mixinStandardHelpOptions = true,
    description = "Unit 2: convolution filters, padding, stride and pooling on a sample image.")
public final class ConvolutionFilters extends Lesson {

  /** The notebook's crop: {@code china[150:220, 130:250]}. */
  static final int ROW_FROM = 150;
  static final int ROW_TO = 220;
  static final int COL_FROM = 130;
  static final int COL_TO = 250;
  /** Pixels per image pixel in the PNGs (the crop is small). */
  static final int IMAGE_SCALE = 4;
  /** Pixels per filter cell in the PNGs. */
  static final int FILTER_SCALE = 40;

  public static void main(String[] args) {
    CommandLines.runAndExit(new ConvolutionFilters(), args);
  }

  /** The notebook's fmap: shape [7, 7, 1, 2], a vertical line in filter 0, horizontal in 1. */
  public static float[][][][] lineFilters() {
    float[][][][] fmap = new float[7][7][1][2];
    for (int i = 0; i < 7; i++) {
      fmap[i][3][0][0] = 1; // fmap[:, 3, 0, 0] = 1, the vertical line
      fmap[3][i][0][1] = 1; // fmap[3, :, 0, 1] = 1, the horizontal line
    }
    return fmap;
  }

  /** One filter of {@code fmap} as a 2-D array, for plotting. */
  static float[][] filter(float[][][][] fmap, int channel) {
    float[][] f = new float[fmap.length][fmap[0].length];
    for (int i = 0; i < f.length; i++) {
      for (int j = 0; j < f[0].length; j++) {
        f[i][j] = fmap[i][j][0][channel];
      }
    }
    return f;
  }

  /** {@code conv2d(X, filters, strides=[1, s, s, 1], padding)} run in a session. */
  public static float[][][] convolve(SessionFactory sessions, float[][] image, float[][][][] filters,
      int stride, String padding) {
    return runOnImage(sessions, image, (tf, x) -> tf.withName("convolution").nn.conv2d(
        x, tf.constant(filters), List.of(1L, (long) stride, (long) stride, 1L), padding));
  }

  /** Max pooling with ksize and strides [1, 2, 2, 1], VALID padding. */
  public static float[][][] maxPool2x2(SessionFactory sessions, float[][] image) {
    return runOnImage(sessions, image, (tf, x) -> tf.withName("max_pool").nn.maxPool(
        x, tf.constant(new int[] {1, 2, 2, 1}), tf.constant(new int[] {1, 2, 2, 1}), "VALID"));
  }

  /** Average pooling with ksize and strides [1, 2, 2, 1], VALID padding. */
  public static float[][][] averagePool2x2(SessionFactory sessions, float[][] image) {
    return runOnImage(sessions, image, (tf, x) -> tf.withName("avg_pool").nn.avgPool(
        x, List.of(1L, 2L, 2L, 1L), List.of(1L, 2L, 2L, 1L), "VALID"));
  }

  /**
   * Feeds one grayscale image as X of shape [None, height, width, 1] (the notebook's placeholder)
   * through the op {@code build} makes, and returns the first batch entry as [row][col][channel].
   */
  private static float[][][] runOnImage(SessionFactory sessions, float[][] image,
      BiFunction<Ops, Operand<TFloat32>, Operand<TFloat32>> build) {
    int height = image.length;
    int width = image[0].length;
    try (Graph graph = new Graph()) {
      Ops tf = sessions.ops(graph);
      Placeholder<TFloat32> x = tf.withName("X").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, height, width, 1)));
      Operand<TFloat32> output = build.apply(tf, x);
      float[] flat = new float[height * width];
      for (int r = 0; r < height; r++) {
        System.arraycopy(image[r], 0, flat, r * width, width);
      }
      try (Session session = sessions.open(graph);
          TFloat32 images = Tensors.of(flat, 1, height, width, 1);
          Result result = session.runner().feed(x, images).fetch(output).run()) {
        TFloat32 out = (TFloat32) result.get(0);
        Shape shape = out.shape();
        int rows = (int) shape.get(1);
        int cols = (int) shape.get(2);
        int channels = (int) shape.get(3);
        float[] values = Tensors.toArray(out);
        float[][][] unpacked = new float[rows][cols][channels];
        for (int r = 0; r < rows; r++) {
          for (int c = 0; c < cols; c++) {
            System.arraycopy(values, (r * cols + c) * channels, unpacked[r][c], 0, channels);
          }
        }
        return unpacked;
      }
    }
  }

  /** Channel {@code channel} of a [row][col][channel] array. */
  static float[][] channel(float[][][] maps, int channel) {
    float[][] out = new float[maps.length][maps[0].length];
    for (int r = 0; r < out.length; r++) {
      for (int c = 0; c < out[0].length; c++) {
        out[r][c] = maps[r][c][channel];
      }
    }
    return out;
  }

  @Override
  protected void run(LessonContext context) {
    var out = context.console();
    var metrics = context.metrics();
    SessionFactory sessions = context.sessions();

    // In [2]: china[150:220, 130:250], mean of the channels, reshaped to [1, 70, 120, 1].
    SampleImage image = SampleImage.china().crop(ROW_FROM, ROW_TO, COL_FROM, COL_TO);
    float[][] gray = image.grayscale();
    out.printf("Image: china.jpg[%d:%d, %d:%d] -> height %d, width %d, channels 3; images shape"
        + " [1, %d, %d, 1]%n", ROW_FROM, ROW_TO, COL_FROM, COL_TO, image.height(), image.width(),
        image.height(), image.width());
    Png.write(titled(GrayscaleImage.renderRgb(image.rgb(), IMAGE_SCALE), "Color Image"),
        context.output("color_image.png"));
    Png.write(titled(GrayscaleImage.render(gray, IMAGE_SCALE), "Grayscale"),
        context.output("grayscale.png"));

    // In [20]: the two 7x7 filters.
    float[][][][] fmap = lineFilters();
    Png.write(titled(GrayscaleImage.render(filter(fmap, 0), FILTER_SCALE), "Vertical Filter"),
        context.output("vertical_filter.png"));
    Png.write(titled(GrayscaleImage.render(filter(fmap, 1), FILTER_SCALE), "Horizontal Filter"),
        context.output("horizontal_filter.png"));

    // In [21]-[23]: conv2d with SAME padding keeps 70 x 120; one response map per filter.
    float[][][] same = convolve(sessions, gray, fmap, 1, "SAME");
    Png.write(titled(GrayscaleImage.render(channel(same, 1), IMAGE_SCALE),
        "Response to Horizontal Features"), context.output("response_horizontal.png"));
    Png.write(titled(GrayscaleImage.render(channel(same, 0), IMAGE_SCALE),
        "Response to Vertical Features"), context.output("response_vertical.png"));

    // The unit's text: VALID padding, stride 2, max and average pooling on the same image.
    Map<String, float[][][]> variants = new LinkedHashMap<>();
    variants.put("conv2d SAME, stride 1", same);
    variants.put("conv2d VALID, stride 1", convolve(sessions, gray, fmap, 1, "VALID"));
    variants.put("conv2d SAME, stride 2", convolve(sessions, gray, fmap, 2, "SAME"));
    variants.put("max_pool 2x2, stride 2", maxPool2x2(sessions, gray));
    variants.put("avg_pool 2x2, stride 2", averagePool2x2(sessions, gray));

    Map<String, List<Integer>> shapes = new LinkedHashMap<>();
    shapes.put("input", List.of(1, image.height(), image.width(), 1));
    ImageGrid grid = new ImageGrid(2, "Padding, stride and pooling (input 1x70x120x1)");
    out.println("Output shapes:");
    for (var entry : variants.entrySet()) {
      float[][][] maps = entry.getValue();
      List<Integer> shape = List.of(1, maps.length, maps[0].length, maps[0][0].length);
      shapes.put(entry.getKey(), shape);
      out.printf("  %-24s -> %s%n", entry.getKey(), shape);
      // Show the vertical filter's response (channel 0); pooling has one channel anyway.
      grid.add(GrayscaleImage.render(channel(maps, 0), 3), entry.getKey() + "  " + shape);
    }
    Png.write(grid.render(), context.output("padding_stride_pooling.png"));

    metrics.put("image_shape", shapes.get("input"));
    metrics.put("output_shapes", shapes);
    metrics.put("response_range", Map.of(
        "vertical", GrayscaleImage.range(channel(same, 0)),
        "horizontal", GrayscaleImage.range(channel(same, 1))));
    metrics.put("figures", List.of("color_image.png", "grayscale.png", "vertical_filter.png",
        "horizontal_filter.png", "response_horizontal.png", "response_vertical.png",
        "padding_stride_pooling.png"));
  }

  private static java.awt.image.BufferedImage titled(java.awt.image.BufferedImage image,
      String title) {
    return new ImageGrid(1, title).add(image, "").render();
  }
}
