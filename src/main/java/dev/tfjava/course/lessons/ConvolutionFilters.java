package dev.tfjava.course.lessons;

import dev.tfjava.course.CommandLines;
import dev.tfjava.course.data.SampleImage;
import dev.tfjava.course.nn.MaxPool;
import dev.tfjava.course.plot.GrayscaleImage;
import dev.tfjava.course.plot.ImageGrid;
import dev.tfjava.course.plot.Png;
import dev.tfjava.course.train.SessionFactory;
import dev.tfjava.course.train.Tensors;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
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
public final class ConvolutionFilters extends Lesson<ConvolutionFilters.Result> {

  /** The notebook's crop: {@code china[150:220, 130:250]}. */
  static final int ROW_FROM = 150;
  static final int ROW_TO = 220;
  static final int COL_FROM = 130;
  static final int COL_TO = 250;
  /** Pixels per image pixel in the PNGs (the crop is small). */
  static final int IMAGE_SCALE = 4;
  /** Pixels per filter cell in the PNGs. */
  static final int FILTER_SCALE = 40;

  /** Gradients and filters only: no checkpoint, no SavedModel. */
  @Override
  protected boolean trainsModels() {
    return false;
  }

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

  /**
   * The five feature maps the lesson shows, each [row][col][channel] for the one image: conv2d
   * with SAME padding (In [21]), then VALID padding, stride 2, max and average pooling.
   */
  public record Responses(float[][][] same, float[][][] valid, float[][][] sameStride2,
      float[][][] maxPool, float[][][] avgPool) {
    /** The maps by caption, in the order the figure shows them. */
    Map<String, float[][][]> byCaption() {
      Map<String, float[][][]> maps = new LinkedHashMap<>();
      maps.put("conv2d SAME, stride 1", same);
      maps.put("conv2d VALID, stride 1", valid);
      maps.put("conv2d SAME, stride 2", sameStride2);
      maps.put("max_pool 2x2, stride 2", maxPool);
      maps.put("avg_pool 2x2, stride 2", avgPool);
      return maps;
    }
  }

  /**
   * In [21], widened to the unit's text: one graph with the placeholder {@code X} [None, height,
   * width, 1], the filters as a constant and the five ops, run once in one session on
   * {@code image} fed as [1, height, width, 1].
   */
  public static Responses responses(SessionFactory sessions, float[][] image,
      float[][][][] filters) {
    int height = image.length;
    int width = image[0].length;
    try (Graph graph = new Graph()) {
      Ops tf = sessions.ops(graph);
      Placeholder<TFloat32> x = tf.withName("X").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, height, width, 1)));
      Operand<TFloat32> featureMaps = tf.withName("feature_maps").constant(filters);
      List<Long> stride1 = List.of(1L, 1L, 1L, 1L);
      List<Long> stride2 = List.of(1L, 2L, 2L, 1L);
      List<Operand<TFloat32>> outputs = List.of(
          tf.withName("convolution").nn.conv2d(x, featureMaps, stride1, "SAME"),
          tf.withName("convolution_valid").nn.conv2d(x, featureMaps, stride1, "VALID"),
          tf.withName("convolution_stride2").nn.conv2d(x, featureMaps, stride2, "SAME"),
          MaxPool.apply(tf.withName("max_pool"), x, 2, 2, "VALID"),
          tf.withName("avg_pool").nn.avgPool(x, stride2, stride2, "VALID"));
      float[] flat = new float[height * width];
      for (int r = 0; r < height; r++) {
        System.arraycopy(image[r], 0, flat, r * width, width);
      }
      try (Session session = sessions.open(graph);
          TFloat32 images = Tensors.of(flat, 1, height, width, 1)) {
        Session.Runner runner = session.runner().feed(x, images);
        outputs.forEach(runner::fetch);
        try (org.tensorflow.Result result = runner.run()) {
          return new Responses(unpack(result.get(0)), unpack(result.get(1)),
              unpack(result.get(2)), unpack(result.get(3)), unpack(result.get(4)));
        }
      }
    }
  }

  /** The first batch entry of a [1, rows, cols, channels] tensor as [row][col][channel]. */
  private static float[][][] unpack(Tensor tensor) {
    Shape shape = tensor.shape();
    int rows = (int) shape.get(1);
    int cols = (int) shape.get(2);
    int channels = (int) shape.get(3);
    float[] values = Tensors.toArray(tensor);
    float[][][] unpacked = new float[rows][cols][channels];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        System.arraycopy(values, (r * cols + c) * channels, unpacked[r][c], 0, channels);
      }
    }
    return unpacked;
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

  /** What the lesson found: the shapes of In [2] and of every output, and the response ranges. */
  public record Result(List<Integer> imageShape, Map<String, List<Integer>> outputShapes,
      Map<String, float[]> responseRange, List<String> figures) {}

  @Override
  protected Result run(LessonContext context) {
    var out = context.console();
    List<String> figures = new ArrayList<>();
    BiConsumer<BufferedImage, String> show = (image, file) -> {
      Png.write(image, context.output(file));
      figures.add(file);
    };

    // In [2]: china[150:220, 130:250], mean of the channels, reshaped to [1, 70, 120, 1].
    SampleImage image = SampleImage.china().crop(ROW_FROM, ROW_TO, COL_FROM, COL_TO);
    float[][] gray = image.grayscale();
    out.printf("Image: china.jpg[%d:%d, %d:%d] -> height %d, width %d, channels 3; images shape"
        + " [1, %d, %d, 1]%n", ROW_FROM, ROW_TO, COL_FROM, COL_TO, image.height(), image.width(),
        image.height(), image.width());
    show.accept(titled(GrayscaleImage.renderRgb(image.rgb(), IMAGE_SCALE), "Color Image"),
        "color_image.png");
    // In [19]: the image in grayscale.
    show.accept(titled(GrayscaleImage.render(gray, IMAGE_SCALE), "Grayscale"), "grayscale.png");

    // In [20]: the two 7x7 filters.
    float[][][][] fmap = lineFilters();
    show.accept(titled(GrayscaleImage.render(filter(fmap, 0), FILTER_SCALE), "Vertical Filter"),
        "vertical_filter.png");
    show.accept(titled(GrayscaleImage.render(filter(fmap, 1), FILTER_SCALE),
        "Horizontal Filter"), "horizontal_filter.png");

    // In [21]: conv2d with SAME padding keeps 70 x 120 (and the unit's other variants, same run).
    Responses responses = responses(context.sessions(), gray, fmap);
    // In [22] and [23]: one response map per filter.
    show.accept(titled(GrayscaleImage.render(channel(responses.same(), 1), IMAGE_SCALE),
        "Response to Horizontal Features"), "response_horizontal.png");
    show.accept(titled(GrayscaleImage.render(channel(responses.same(), 0), IMAGE_SCALE),
        "Response to Vertical Features"), "response_vertical.png");

    // The unit's text: VALID padding, stride 2, max and average pooling on the same image.
    List<Integer> inputShape = List.of(1, image.height(), image.width(), 1);
    Map<String, List<Integer>> shapes = new LinkedHashMap<>();
    ImageGrid grid = new ImageGrid(2, "Padding, stride and pooling (input 1x70x120x1)");
    out.println("Output shapes:");
    for (var entry : responses.byCaption().entrySet()) {
      float[][][] maps = entry.getValue();
      List<Integer> shape = List.of(1, maps.length, maps[0].length, maps[0][0].length);
      shapes.put(entry.getKey(), shape);
      out.printf("  %-24s -> %s%n", entry.getKey(), shape);
      // Show the vertical filter's response (channel 0); pooling has one channel anyway.
      grid.add(GrayscaleImage.render(channel(maps, 0), 3), entry.getKey() + "  " + shape);
    }
    show.accept(grid.render(), "padding_stride_pooling.png");

    return new Result(inputShape, shapes, Map.of(
        "vertical", GrayscaleImage.range(channel(responses.same(), 0)),
        "horizontal", GrayscaleImage.range(channel(responses.same(), 1))), figures);
  }

  private static BufferedImage titled(BufferedImage image, String title) {
    return ImageGrid.titled(image, title);
  }
}
