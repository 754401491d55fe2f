package dev.tfjava.course.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/** AdamUpdate against Adam's formulas worked out in Java, on variables inside a sub-scope. */
class AdamUpdateTest {

  @Test
  void threeStepsFollowTensorFlowsAdamOnScopedVariables() {
    float[] start = {1f, -2f, 0.5f};
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Variable<TFloat32> w = tf.withSubScope("layer").withName("w").variable(tf.constant(start));
      Operand<TFloat32> wi = tf.identity(w); // square/mul straight on a ref variable can crash
      // loss = Σ w³/3 + Σ w, so ∂loss/∂w = w² + 1: gradients of different sizes and signs of change.
      Operand<TFloat32> loss = tf.sum(tf.math.add(
          tf.math.div(tf.math.mul(tf.math.mul(wi, wi), wi), tf.constant(3f)), wi), tf.constant(0));
      Op step = AdamUpdate.minimize(tf.withSubScope("train"), loss, List.of(w));
      // tf.train.AdamOptimizer's names: the notebook's Saver finds these in a checkpoint.
      assertNotNull(graph.operation("layer/w/Adam"));
      assertNotNull(graph.operation("layer/w/Adam_1"));
      assertNotNull(graph.operation("train/beta1_power"));
      assertNotNull(graph.operation("train/beta2_power"));
      assertNotNull(graph.operation("train/Adam"));

      double[] expected = {start[0], start[1], start[2]};
      double[] m = new double[3];
      double[] v = new double[3];
      try (Session session = new Session(graph)) {
        for (int t = 1; t <= 3; t++) {
          session.runner().addTarget(step).run().close();
          double lrT = 0.001 * Math.sqrt(1 - Math.pow(0.999, t)) / (1 - Math.pow(0.9, t));
          for (int i = 0; i < 3; i++) {
            double g = expected[i] * expected[i] + 1;
            m[i] = 0.9 * m[i] + 0.1 * g;
            v[i] = 0.999 * v[i] + 0.001 * g * g;
            expected[i] -= lrT * m[i] / (Math.sqrt(v[i]) + 1e-8);
          }
          try (Result result = session.runner().fetch(w).run()) {
            float[] actual = Tensors.toArray(result.get(0));
            for (int i = 0; i < 3; i++) {
              assertEquals(expected[i], actual[i], 1e-6, "step " + t + ", w[" + i + "]");
            }
          }
        }
        // Each step moves every weight by about the learning rate, against its gradient (> 0).
        assertEquals(start[0] - 0.003, expected[0], 1e-4);
      }
    }
  }
}
