package dev.tfjava.course.nn.cells;

import static dev.tfjava.course.nn.cells.CellGraphs.SESSIONS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfjava.course.nn.Activation;
import dev.tfjava.course.nn.ModelVariables;
import dev.tfjava.course.nn.reference.ReferenceCells;
import dev.tfjava.course.train.Seeds;
import dev.tfjava.course.train.Tensors;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * TensorFlow's gradients through the statically unrolled cell (zero-state first step included)
 * against central finite differences of the plain-Java equations, on a tiny cell.
 */
class CellGradientTest {
  static final int BATCH = 2;
  static final int STEPS = 3;
  static final int INPUTS = 2;
  static final int UNITS = 3;
  static final double H = 1e-6;

  @ParameterizedTest
  @EnumSource(CellKind.class)
  void gradientsAgreeWithFiniteDifferences(CellKind kind) {
    Random random = new Random(101 + kind.ordinal());
    float[] inputs = CellGraphs.randomFloats(random, BATCH * STEPS * INPUTS);
    // loss = Σ outputs ⊙ coefficients: every output element weighs differently.
    float[] coefficients = CellGraphs.randomFloats(random, BATCH * STEPS * UNITS);
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      RecurrentCell cell = kind.create(UNITS, Activation.RELU);
      cell.build(new ModelVariables(tf, new Seeds(5), "Init_and_Saver"), INPUTS);
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(BATCH, STEPS, INPUTS)));
      StaticUnroll.Result rnn = StaticUnroll.unroll(tf, cell, x, STEPS, INPUTS);
      Operand<TFloat32> loss = tf.reduceSum(tf.math.mul(rnn.outputs(),
          tf.constant(Shape.of(BATCH, STEPS, UNITS), DataBuffers.of(coefficients, true, false))),
          tf.constant(new int[] {0, 1, 2}));
      var gradients = tf.gradients(loss, cell.weights());
      CellGraphs.RandomWeights weights = CellGraphs.randomWeights(tf, cell.weights(), random, 0.8);

      try (Session session = SESSIONS.open(graph);
          TFloat32 xt = Tensors.of(inputs, BATCH, STEPS, INPUTS)) {
        weights.assign(session);
        Session.Runner runner = session.runner().feed(x, xt).fetch(loss);
        gradients.dy().forEach(runner::fetch);
        try (Result result = runner.run()) {
          List<double[]> w = weights.values();
          double[] xd = CellGraphs.toDouble(inputs);
          double[] cd = CellGraphs.toDouble(coefficients);
          assertEquals(referenceLoss(kind, w, xd, cd), Tensors.scalar(result.get(0)), 1e-4,
              kind + ": loss");
          double largest = 0;
          for (int v = 0; v < w.size(); v++) {
            float[] tfGradient = Tensors.toArray(result.get(1 + v));
            double[] values = w.get(v);
            for (int i = 0; i < values.length; i++) {
              double saved = values[i];
              values[i] = saved + H;
              double plus = referenceLoss(kind, w, xd, cd);
              values[i] = saved - H;
              double minus = referenceLoss(kind, w, xd, cd);
              values[i] = saved;
              double numeric = (plus - minus) / (2 * H);
              assertEquals(numeric, tfGradient[i], 1e-4 + 1e-3 * Math.abs(numeric),
                  kind + ": d loss / d " + cell.weights().get(v).op().name() + "[" + i + "]");
              largest = Math.max(largest, Math.abs(numeric));
            }
          }
          assertTrue(largest > 1e-2, kind + ": gradients are all ~0");
        }
      }
    }
  }

  private static double referenceLoss(CellKind kind, List<double[]> weights, double[] inputs,
      double[] coefficients) {
    ReferenceCells.Cell cell = ReferenceCells.of(kind, weights, INPUTS, UNITS, Activation.RELU);
    double[] outputs = ReferenceCells.unroll(cell, inputs, BATCH, STEPS, INPUTS, UNITS);
    double loss = 0;
    for (int i = 0; i < outputs.length; i++) {
      loss += outputs[i] * coefficients[i];
    }
    return loss;
  }
}
