package dev.tfjava.course.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tfjava.course.train.Seeds;
import dev.tfjava.course.train.Tensors;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Dropout's numbers: each unit is either zero or x / keep_prob, kept at the rate keep_prob, so the
 * mean is preserved; keep_prob 1 is the identity.
 */
class DropoutTest {
  private static final int UNITS = 100_000;

  @Test
  void keepsUnitsAtTheKeepRateAndScalesThemByItsInverse() {
    for (float keep : new float[] {0.5f, 0.75f}) {
      float[] x = new float[UNITS];
      java.util.Arrays.fill(x, 3f);
      float[] y = dropout(x, keep);
      int kept = 0;
      double sum = 0;
      for (float v : y) {
        if (v != 0f) {
          kept++;
          assertEquals(3f / keep, v, 1e-5f, "a kept unit is x / keep_prob");
        }
        sum += v;
      }
      // Binomial(100000, keep): 5 standard deviations is under 0.8 % of the units.
      double rate = (double) kept / UNITS;
      double sd = Math.sqrt(keep * (1 - keep) / UNITS);
      assertEquals(keep, rate, 5 * sd, "keep rate");
      assertEquals(3.0, sum / UNITS, 3.0 / keep * 5 * sd, "mean preserved");
    }
  }

  @Test
  void keepProbabilityOneIsTheIdentity() {
    float[] x = {-2f, 0f, 0.5f, 7f};
    assertArrayEquals(x, dropout(x, 1f), 0f);
  }

  private static float[] dropout(float[] values, float keep) {
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(values.length)));
      Operand<TFloat32> y = Dropout.apply(tf, x, tf.constant(keep), new Seeds(7));
      try (Session session = new Session(graph);
          TFloat32 input = Tensors.of(values, values.length);
          Result result = session.runner().feed(x, input).fetch(y).run()) {
        return Tensors.toArray(result.get(0));
      }
    }
  }
}
