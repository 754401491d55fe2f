package dev.tfjava.course.serve.tools;

import dev.tfjava.course.export.SavedModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Unstack;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Untrained stand-ins for the models the lessons export, with the same serving signatures and the
 * same layer shapes (so the same cost per prediction), and random weights. The serving tests and
 * the serving benchmark use them until trained models exist; export goes through
 * {@link SavedModels#export}, the lessons' own code path.
 *
 * <ul>
 *   <li>{@link #exportCnn}: {@code X} float [-1,784] → {@code Y_prob} float [-1,10] and
 *       {@code classes} int64 [-1]; conv 3×3×32 SAME + ReLU, max-pool 2×2, dense 6272→64 ReLU,
 *       dense 64→10 softmax (the MNIST lesson's network).
 *   <li>{@link #exportLstm}: {@code X} float [-1,20,1] → {@code outputs} float [-1,20,1]; an LSTM
 *       of 100 units unrolled over 20 steps and a dense 100→1 projection per step (the sequence
 *       lessons' network).
 * </ul>
 */
public final class StandInModels {
  /** Steps in a window of the series, as in the sequence lessons. */
  public static final int STEPS = 20;
  private static final int LSTM_UNITS = 100;

  private StandInModels() {}

  /** Exports the CNN stand-in as the next version of {@code root/name}; returns its folder. */
  public static Path exportCnn(Path root, String name, long seed) {
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Random random = new Random(seed);
      Operand<TFloat32> x = tf.withName("X").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, 784)));
      Operand<TFloat32> image = tf.reshape(x, tf.constant(new int[] {-1, 28, 28, 1}));
      Operand<TFloat32> conv = tf.nn.relu(tf.nn.biasAdd(
          tf.nn.conv2d(image, weights(tf, random, 3, 3, 1, 32), List.of(1L, 1L, 1L, 1L), "SAME"),
          weights(tf, random, 32)));
      Operand<TFloat32> pool = tf.nn.maxPool(conv, tf.constant(new int[] {1, 2, 2, 1}),
          tf.constant(new int[] {1, 2, 2, 1}), "VALID");
      Operand<TFloat32> flat = tf.reshape(pool, tf.constant(new int[] {-1, 14 * 14 * 32}));
      Operand<TFloat32> hidden = tf.nn.relu(dense(tf, random, flat, 14 * 14 * 32, 64));
      Operand<TFloat32> probabilities = tf.withName("Y_prob")
          .nn.softmax(dense(tf, random, hidden, 64, 10));
      Operand<TInt64> classes = tf.withName("classes").math.argMax(probabilities, tf.constant(1));
      return export(graph, root, name, Map.of("X", x), Map.of("Y_prob", probabilities,
          "classes", classes));
    }
  }

  /** Exports the LSTM stand-in as the next version of {@code root/name}; returns its folder. */
  public static Path exportLstm(Path root, String name, long seed) {
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Random random = new Random(seed);
      Operand<TFloat32> x = tf.withName("X").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, STEPS, 1)));
      Operand<TFloat32> kernel = weights(tf, random, 1 + LSTM_UNITS, 4 * LSTM_UNITS);
      Operand<TFloat32> bias = weights(tf, random, 4 * LSTM_UNITS);
      List<Output<TFloat32>> steps = tf.unstack(x, (long) STEPS, Unstack.axis(1L)).output();
      // A zero state with the request's batch size: [batch,1] x [1,units] of zeros.
      Operand<TFloat32> h = tf.linalg.matMul(steps.get(0),
          tf.constant(Shape.of(1, LSTM_UNITS), DataBuffers.of(new float[LSTM_UNITS])));
      Operand<TFloat32> c = h;
      List<Operand<TFloat32>> hs = new ArrayList<>();
      for (Output<TFloat32> step : steps) {
        Operand<TFloat32> z = tf.nn.biasAdd(
            tf.linalg.matMul(tf.concat(List.of(step, h), tf.constant(1)), kernel), bias);
        List<Output<TFloat32>> gates = tf.split(tf.constant(1), z, 4L).output();
        c = tf.math.add(tf.math.mul(tf.math.sigmoid(gates.get(1)), c),
            tf.math.mul(tf.math.sigmoid(gates.get(0)), tf.math.tanh(gates.get(2))));
        h = tf.math.mul(tf.math.sigmoid(gates.get(3)), tf.math.tanh(c));
        hs.add(h);
      }
      Operand<TFloat32> flat = tf.reshape(tf.stack(hs, org.tensorflow.op.core.Stack.axis(1L)),
          tf.constant(new int[] {-1, LSTM_UNITS}));
      Operand<TFloat32> outputs = tf.withName("outputs").reshape(
          dense(tf, random, flat, LSTM_UNITS, 1), tf.constant(new int[] {-1, STEPS, 1}));
      return export(graph, root, name, Map.of("X", x), Map.of("outputs", outputs));
    }
  }

  private static Operand<TFloat32> dense(Ops tf, Random random, Operand<TFloat32> in, int from,
      int to) {
    return tf.nn.biasAdd(tf.linalg.matMul(in, weights(tf, random, from, to)),
        weights(tf, random, to));
  }

  /** A variable of {@code dims} drawn from U(-a, a) with a = sqrt(6 / fan-in) (He-uniform). */
  private static Operand<TFloat32> weights(Ops tf, Random random, long... dims) {
    Shape shape = Shape.of(dims);
    long fanIn = dims.length == 1 ? dims[0] : shape.size() / dims[dims.length - 1];
    double limit = Math.sqrt(6.0 / fanIn);
    float[] values = new float[Math.toIntExact(shape.size())];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) ((random.nextDouble() * 2 - 1) * limit);
    }
    return tf.variable(tf.constant(shape, DataBuffers.of(values, true, false)));
  }

  private static Path export(Graph graph, Path root, String name,
      Map<String, Operand<?>> inputs, Map<String, Operand<?>> outputs) {
    try (Session session = new Session(graph)) {
      session.initialize();
      return SavedModels.export(session, SavedModels.predictSignature(inputs, outputs), root, name);
    }
  }

  /** {@code StandInModels DIR}: exports {@code DIR/mnist_cnn} and {@code DIR/lstm}. */
  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println("usage: StandInModels <models-dir>");
      System.exit(2);
    }
    Path root = Path.of(args[0]);
    System.out.println("exported " + exportCnn(root, "mnist_cnn", 42));
    System.out.println("exported " + exportLstm(root, "lstm", 42));
  }
}
