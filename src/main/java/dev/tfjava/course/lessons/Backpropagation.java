package dev.tfjava.course.lessons;

import dev.tfjava.course.CommandLines;
import dev.tfjava.course.nn.Activation;
import dev.tfjava.course.nn.reference.ChainRuleExample;
import dev.tfjava.course.nn.reference.ReferenceMlp;
import dev.tfjava.course.plot.Charts;
import dev.tfjava.course.train.Seeds;
import dev.tfjava.course.train.SessionFactory;
import dev.tfjava.course.train.Tensors;
import java.awt.Color;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Unit 1, Backpropagation: the chain rule on f(x, y) = x²(xy + 1), the δ recursion of a
 * fully-connected network checked against TensorFlow and finite differences, and the per-layer
 * gradients of a deep sigmoid and ReLU stack (why deep networks are hard to train).
 */
@Command(name = "backprop", mixinStandardHelpOptions = true,
    description = "Unit 1: backpropagation by hand vs TensorFlow's gradients; vanishing gradients.")
public final class Backpropagation extends Lesson<Backpropagation.Result> {

  @Option(names = "--depth", defaultValue = "10", paramLabel = "N",
      description = "Layers in the deep stack of part 3 (default: ${DEFAULT-VALUE}).")
  int depth;

  @Option(names = "--width", defaultValue = "32", paramLabel = "N",
      description = "Neurons per layer in the deep stack of part 3 (default: ${DEFAULT-VALUE}).")
  int width;

  /** The small network of part 2: 3 inputs, hidden layers of 4 and 3, 2 outputs. */
  static final int[] SMALL_NETWORK = {3, 4, 3, 2};
  /** Inputs the cost of part 2 averages over. */
  static final int SMALL_BATCH = 5;
  /** Step of the central finite differences (double precision). */
  static final double FINITE_DIFFERENCE_STEP = 1e-6;

  /** Gradients and filters only: no checkpoint, no SavedModel. */
  @Override
  protected boolean trainsModels() {
    return false;
  }

  public static void main(String[] args) {
    CommandLines.runAndExit(new Backpropagation(), args);
  }

  /** What each part found, as metrics.json records it. */
  public record Result(Map<String, Object> chainRule, Map<String, Object> deltaRecursion,
      Map<String, double[]> gradientPerLayer) {}

  @Override
  protected Result run(LessonContext context) {
    if (depth < 2 || width < 1 || depth > 1000 || width > 10_000) {
      throw dev.tfjava.course.CourseException.badInput(
          "--depth must be in [2, 1000] and --width in [1, 10000]");
    }
    return new Result(chainRule(context), deltaRecursion(context), vanishingGradients(context));
  }

  // ---------------------------------------------------------------- Part 1: f(x, y) = x²(xy + 1)

  /** TensorFlow's values and gradients of f at (x, y): {f, ∂f/∂x, ∂f/∂y} and ∂f/∂n3..n6. */
  public record GraphGradients(double f, double dfdx, double dfdy, double[] innerAdjoints) {}

  /** Builds f(x, y) from TF ops as the seed's graph n1..n7 and asks TF for its gradients. */
  public static GraphGradients tensorflowChainRule(SessionFactory sessions, float x, float y) {
    try (Graph graph = new Graph()) {
      Ops tf = sessions.ops(graph);
      Placeholder<TFloat32> n1 = tf.withName("x").placeholder(TFloat32.class);
      Placeholder<TFloat32> n2 = tf.withName("y").placeholder(TFloat32.class);
      Operand<TFloat32> n3 = tf.withName("n3").constant(1f);
      Operand<TFloat32> n4 = tf.withName("n4").math.mul(n1, n2);
      Operand<TFloat32> n5 = tf.withName("n5").math.add(n4, n3);
      Operand<TFloat32> n6 = tf.withName("n6").math.mul(n1, n1);
      Operand<TFloat32> n7 = tf.withName("f").math.mul(n6, n5);
      // The graph's own symbolic gradient ops, as tf.gradients(f, [x, y, n3, n4, n5, n6]).
      List<Operand<?>> wrt = List.of(n1, n2, n3, n4, n5, n6);
      var gradients = tf.gradients(n7, wrt);
      try (Session session = sessions.open(graph);
          TFloat32 xt = TFloat32.scalarOf(x);
          TFloat32 yt = TFloat32.scalarOf(y)) {
        Session.Runner runner = session.runner().feed(n1, xt).feed(n2, yt).fetch(n7);
        for (int i = 0; i < wrt.size(); i++) {
          runner.fetch(gradients.dy(i));
        }
        try (org.tensorflow.Result result = runner.run()) {
          double[] inner = new double[4];
          for (int i = 0; i < inner.length; i++) {
            inner[i] = Tensors.scalar(result.get(3 + i));
          }
          return new GraphGradients(Tensors.scalar(result.get(0)), Tensors.scalar(result.get(1)),
              Tensors.scalar(result.get(2)), inner);
        }
      }
    }
  }

  private Map<String, Object> chainRule(LessonContext context) {
    var out = context.console();
    out.println("Part 1 - the chain rule on f(x, y) = x^2 (x y + 1) at x = 2, y = 1");
    ChainRuleExample hand = ChainRuleExample.at(2, 1);
    GraphGradients tf = tensorflowChainRule(context.sessions(), 2f, 1f);
    double[] tfAdjoints = {tf.dfdx(), tf.dfdy(), tf.innerAdjoints()[0], tf.innerAdjoints()[1],
        tf.innerAdjoints()[2], tf.innerAdjoints()[3], 1};
    String[] names = {"n1 = x", "n2 = y", "n3 = 1", "n4 = n1*n2", "n5 = n4+n3", "n6 = n1*n1",
        "n7 = n6*n5 = f"};
    out.printf("  %-15s %8s %14s %14s%n", "node", "value", "df/dn by hand", "df/dn by TF");
    for (int i = 0; i < ChainRuleExample.NODES; i++) {
      out.printf("  %-15s %8.1f %14.1f %14.1f%n", names[i], hand.values()[i], hand.adjoints()[i],
          tfAdjoints[i]);
    }
    out.printf("  f = %.1f, grad f = (%.1f, %.1f) by hand, (%.1f, %.1f) by tf.gradients%n%n",
        hand.f(), hand.dfdx(), hand.dfdy(), tf.dfdx(), tf.dfdy());
    return Map.of(
        "f", tf.f(),
        "hand", Map.of("df_dx", hand.dfdx(), "df_dy", hand.dfdy()),
        "tensorflow", Map.of("df_dx", tf.dfdx(), "df_dy", tf.dfdy()));
  }

  // ----------------------------------------------------- Part 2: the δ recursion vs TF and FD

  /**
   * TensorFlow's gradients of the same network and cost as {@code net}: the weights are fed as
   * placeholders, so both sides compute on exactly the same numbers (TF in float32).
   */
  public static ReferenceMlp.Gradients tensorflowGradients(SessionFactory sessions, ReferenceMlp net,
      double[][] inputs, double[][] targets) {
    int layers = net.layers();
    try (Graph graph = new Graph()) {
      Ops tf = sessions.ops(graph);
      Placeholder<TFloat32> x = tf.withName("X").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, inputs[0].length)));
      Placeholder<TFloat32> t = tf.withName("t").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, targets[0].length)));
      List<Placeholder<TFloat32>> weights = new ArrayList<>();
      List<Placeholder<TFloat32>> biases = new ArrayList<>();
      Operand<TFloat32> a = x;
      for (int l = 0; l < layers; l++) {
        Ops layer = tf.withSubScope("layer" + (l + 1));
        Placeholder<TFloat32> w = layer.withName("W").placeholder(TFloat32.class);
        Placeholder<TFloat32> b = layer.withName("b").placeholder(TFloat32.class);
        weights.add(w);
        biases.add(b);
        // Rows are inputs: z = a Wᵀ + b, so W keeps the course's [j][k] layout.
        Operand<TFloat32> z = layer.math.add(layer.linalg.matMul(a, w, MatMul.transposeB(true)), b);
        a = net.activation().apply(layer, z);
      }
      // C = (1/N) Σ ½‖aᴸ − t‖²
      Operand<TFloat32> error = tf.math.sub(a, t);
      Operand<TFloat32> cost = tf.withName("cost").math.mul(
          tf.reduceSum(tf.math.mul(error, error), tf.constant(new int[] {0, 1})),
          tf.constant(0.5f / inputs.length));
      List<Operand<?>> parameters = new ArrayList<>(weights);
      parameters.addAll(biases);
      var gradients = tf.gradients(cost, parameters);

      List<Tensor> feeds = new ArrayList<>();
      try (Session session = sessions.open(graph)) {
        Session.Runner runner = session.runner();
        runner.feed(x, track(feeds, matrix(inputs)));
        runner.feed(t, track(feeds, matrix(targets)));
        for (int l = 0; l < layers; l++) {
          runner.feed(weights.get(l), track(feeds, matrix(net.weights()[l])));
          runner.feed(biases.get(l), track(feeds, Tensors.of(toFloats(net.biases()[l]),
              net.biases()[l].length)));
        }
        for (int i = 0; i < parameters.size(); i++) {
          runner.fetch(gradients.dy(i));
        }
        try (org.tensorflow.Result result = runner.run()) {
          double[][][] dw = new double[layers][][];
          double[][] db = new double[layers][];
          for (int l = 0; l < layers; l++) {
            int rows = net.weights()[l].length;
            int cols = net.weights()[l][0].length;
            float[] flat = Tensors.toArray(result.get(l));
            dw[l] = new double[rows][cols];
            for (int j = 0; j < rows; j++) {
              for (int k = 0; k < cols; k++) {
                dw[l][j][k] = flat[j * cols + k];
              }
            }
            float[] bias = Tensors.toArray(result.get(layers + l));
            db[l] = new double[bias.length];
            for (int j = 0; j < bias.length; j++) {
              db[l][j] = bias[j];
            }
          }
          return new ReferenceMlp.Gradients(dw, db);
        }
      } finally {
        feeds.forEach(Tensor::close);
      }
    }
  }

  /** The largest absolute difference between two sets of gradients. */
  public static double maxDifference(ReferenceMlp.Gradients a, ReferenceMlp.Gradients b) {
    double max = 0;
    for (int l = 0; l < a.weights().length; l++) {
      for (int j = 0; j < a.weights()[l].length; j++) {
        max = Math.max(max, Math.abs(a.biases()[l][j] - b.biases()[l][j]));
        for (int k = 0; k < a.weights()[l][j].length; k++) {
          max = Math.max(max, Math.abs(a.weights()[l][j][k] - b.weights()[l][j][k]));
        }
      }
    }
    return max;
  }

  private Map<String, Object> deltaRecursion(LessonContext context) {
    var out = context.console();
    Random random = context.seeds().random("backprop-network");
    ReferenceMlp net = ReferenceMlp.random(SMALL_NETWORK, Activation.SIGMOID, random);
    double[][] inputs = gaussian(random, SMALL_BATCH, SMALL_NETWORK[0]);
    double[][] targets = uniform(random, SMALL_BATCH, SMALL_NETWORK[SMALL_NETWORK.length - 1]);

    ReferenceMlp.Gradients manual = net.backpropagate(inputs, targets);
    ReferenceMlp.Gradients tf = tensorflowGradients(context.sessions(), net, inputs, targets);
    ReferenceMlp.Gradients numeric = net.finiteDifferences(inputs, targets, FINITE_DIFFERENCE_STEP);
    double vsTf = maxDifference(manual, tf);
    double vsNumeric = maxDifference(manual, numeric);

    out.println("Part 2 - the delta recursion on a 3-4-3-2 sigmoid network, cost = mean 1/2 |a - t|^2"
        + " over " + SMALL_BATCH + " inputs");
    out.printf("  dC/db of the output layer by hand: %s%n", format(manual.biases()[net.layers() - 1]));
    out.printf("  dC/db of the output layer by TF:   %s%n", format(tf.biases()[net.layers() - 1]));
    out.printf("  largest |manual - TensorFlow|         = %.3e (TensorFlow computes in float32)%n",
        vsTf);
    out.printf("  largest |manual - finite differences| = %.3e (central, h = %.0e)%n%n", vsNumeric,
        FINITE_DIFFERENCE_STEP);
    return Map.of(
        "layers", SMALL_NETWORK,
        "cost", net.cost(inputs, targets),
        "max_abs_diff_manual_vs_tensorflow", vsTf,
        "max_abs_diff_manual_vs_finite_differences", vsNumeric,
        "output_bias_gradient_manual", manual.biases()[net.layers() - 1],
        "output_bias_gradient_tensorflow", tf.biases()[net.layers() - 1]);
  }

  // ---------------------------------------------- Part 3: vanishing gradients in a deep stack

  /** Mean |∂C/∂wˡⱼₖ| for each layer l = 1..depth, from TensorFlow's gradients. */
  public static double[] meanGradientPerLayer(ReferenceMlp.Gradients gradients) {
    double[] perLayer = new double[gradients.weights().length];
    for (int l = 0; l < perLayer.length; l++) {
      double sum = 0;
      int count = 0;
      for (double[] row : gradients.weights()[l]) {
        for (double v : row) {
          sum += Math.abs(v);
          count++;
        }
      }
      perLayer[l] = sum / count;
    }
    return perLayer;
  }

  /**
   * Mean |dC/dw| per layer of a stack of {@code sizes} (inputs, then each layer's neurons), for
   * each activation, from TensorFlow's gradients on 64 random inputs.
   */
  public static Map<String, double[]> gradientPerLayer(SessionFactory sessions, Seeds seeds,
      int[] sizes) {
    Map<String, double[]> perActivation = new LinkedHashMap<>();
    for (Activation activation : Activation.values()) {
      // Same seed for both: the two stacks start from the same weights and see the same data.
      Random random = seeds.random("deep-stack");
      ReferenceMlp net = ReferenceMlp.random(sizes, activation, random);
      double[][] inputs = gaussian(random, 64, sizes[0]);
      double[][] targets = uniform(random, 64, sizes[sizes.length - 1]);
      perActivation.put(activation.label(),
          meanGradientPerLayer(tensorflowGradients(sessions, net, inputs, targets)));
    }
    return perActivation;
  }

  private Map<String, double[]> vanishingGradients(LessonContext context) {
    var out = context.console();
    int[] sizes = new int[depth + 1];
    java.util.Arrays.fill(sizes, width);
    sizes[depth] = 1;
    out.printf("Part 3 - mean |dC/dw| per layer of a %d-layer stack, %d neurons per layer%n",
        depth, width);
    out.printf("  %-6s %12s %12s%n", "layer", "sigmoid", "relu");

    Map<String, double[]> perActivation = gradientPerLayer(context.sessions(), context.seeds(),
        sizes);
    double[] sigmoid = perActivation.get("sigmoid");
    double[] relu = perActivation.get("relu");
    for (int l = 0; l < depth; l++) {
      out.printf("  %-6d %12.3e %12.3e%n", l + 1, sigmoid[l], relu[l]);
    }
    out.printf("  first/last layer ratio: sigmoid %.1e, relu %.1e%n%n",
        sigmoid[0] / sigmoid[depth - 1], relu[0] / relu[depth - 1]);

    Charts.save(gradientChart(sigmoid, relu), context.output("gradients_per_layer.png"));
    return perActivation;
  }

  /** Mean |dC/dw| per layer for the sigmoid and the ReLU stack, on a log scale. */
  public static XYChart gradientChart(double[] sigmoid, double[] relu) {
    int depth = sigmoid.length;
    XYChart chart = Charts.chart("Gradient magnitude per layer (" + depth + " layers)",
        "Layer (1 = next to the input)", "mean |dC/dw|", 576, 360);
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setXAxisDecimalPattern("0");
    double[] layers = new double[depth];
    for (int l = 0; l < depth; l++) {
      layers[l] = l + 1;
    }
    Charts.line(chart, "sigmoid", layers, sigmoid, new Color(0x1f77b4), 2f)
        .setMarker(SeriesMarkers.CIRCLE);
    Charts.line(chart, "ReLU", layers, relu, new Color(0xd62728), 2f)
        .setMarker(SeriesMarkers.SQUARE);
    return chart;
  }

  // ------------------------------------------------------------------------------ helpers

  private static double[][] gaussian(Random random, int rows, int cols) {
    double[][] m = new double[rows][cols];
    for (double[] row : m) {
      for (int i = 0; i < cols; i++) {
        row[i] = random.nextGaussian();
      }
    }
    return m;
  }

  private static double[][] uniform(Random random, int rows, int cols) {
    double[][] m = new double[rows][cols];
    for (double[] row : m) {
      for (int i = 0; i < cols; i++) {
        row[i] = random.nextDouble();
      }
    }
    return m;
  }

  private static TFloat32 matrix(double[][] m) {
    float[] flat = new float[m.length * m[0].length];
    for (int r = 0; r < m.length; r++) {
      for (int c = 0; c < m[0].length; c++) {
        flat[r * m[0].length + c] = (float) m[r][c];
      }
    }
    return Tensors.of(flat, m.length, m[0].length);
  }

  private static float[] toFloats(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return f;
  }

  private static <T extends Tensor> T track(List<Tensor> owned, T tensor) {
    owned.add(tensor);
    return tensor;
  }

  private static String format(double[] v) {
    StringBuilder s = new StringBuilder("[");
    for (int i = 0; i < v.length; i++) {
      s.append(i == 0 ? "" : ", ").append(String.format("%+.6f", v[i]));
    }
    return s.append("]").toString();
  }
}
