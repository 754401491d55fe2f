package dev.tfjava.course.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfjava.course.train.Tensors;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gradients;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** The attribute-form MaxPool: values, gradient routed to each window's maximum, op types. */
class MaxPoolTest {

  // One 4x4 image with 2 channels (NHWC), channel 1 = -channel 0 so the maxima sit elsewhere.
  private static final int SIDE = 4;

  private static float pixel(int row, int col, int channel) {
    float v = (row * 7 + col * 3) % 11 + 0.5f * row;
    return channel == 0 ? v : -v;
  }

  @Test
  void poolsEachWindowToItsMaximumAndRoutesTheGradientThere() {
    float[] image = new float[SIDE * SIDE * 2];
    for (int r = 0; r < SIDE; r++) {
      for (int c = 0; c < SIDE; c++) {
        for (int ch = 0; ch < 2; ch++) {
          image[(r * SIDE + c) * 2 + ch] = pixel(r, c, ch);
        }
      }
    }
    // Independently: each 2x2 window's max and where it is; upstream gradient w = 1, 2, 3, ...
    float[] expected = new float[2 * 2 * 2];
    float[] expectedGrad = new float[image.length];
    for (int wr = 0; wr < 2; wr++) {
      for (int wc = 0; wc < 2; wc++) {
        for (int ch = 0; ch < 2; ch++) {
          int out = (wr * 2 + wc) * 2 + ch;
          int best = -1;
          for (int r = 2 * wr; r < 2 * wr + 2; r++) {
            for (int c = 2 * wc; c < 2 * wc + 2; c++) {
              int in = (r * SIDE + c) * 2 + ch;
              if (best < 0 || image[in] > image[best]) {
                best = in;
              }
            }
          }
          expected[out] = image[best];
          expectedGrad[best] += out + 1;
        }
      }
    }

    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class);
      Operand<TFloat32> pooled = MaxPool.apply(tf.withSubScope("pool2"), x, 2, 2, "VALID");
      assertEquals("MaxPool", pooled.op().type());
      assertEquals("pool2/MaxPool", pooled.op().name());
      float[] weights = new float[expected.length];
      for (int i = 0; i < weights.length; i++) {
        weights[i] = i + 1;
      }
      Operand<TFloat32> weighted = tf.reduceSum(
          tf.math.mul(pooled, tf.constant(org.tensorflow.ndarray.Shape.of(1, 2, 2, 2),
              org.tensorflow.ndarray.buffer.DataBuffers.of(weights))),
          tf.constant(new int[] {0, 1, 2, 3}));
      Gradients grad = tf.gradients(weighted, List.of(x));

      List<String> types = new ArrayList<>();
      graph.operations().forEachRemaining(op -> types.add(op.type()));
      assertTrue(types.contains("MaxPoolGrad"), "gradient op types: " + types);
      assertTrue(!types.contains("MaxPoolV2") && !types.contains("MaxPoolGradV2"), types.toString());

      try (Session session = new Session(graph);
          TFloat32 in = Tensors.of(image, 1, SIDE, SIDE, 2);
          Result result = session.runner().feed(x, in).fetch(pooled).fetch(grad.dy(0)).run()) {
        assertEquals(org.tensorflow.ndarray.Shape.of(1, 2, 2, 2), result.get(0).shape());
        assertArrayEquals(expected, Tensors.toArray(result.get(0)));
        assertArrayEquals(expectedGrad, Tensors.toArray(result.get(1)));
      }
    }
  }
}
