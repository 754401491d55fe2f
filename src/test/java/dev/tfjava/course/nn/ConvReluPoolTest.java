package dev.tfjava.course.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfjava.course.train.Seeds;
import dev.tfjava.course.train.Tensors;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gradients;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * The block's training order (pool first) equals its inference order, the notebook's conv → bias →
 * ReLU → max-pool: both in values against plain loops, and in gradients against each other.
 */
class ConvReluPoolTest {
  private static final int BATCH = 2;
  private static final int SIDE = 6;
  private static final int FILTERS = 4;
  private static final int K = 3;

  @Test
  void equalsTheNotebooksOrderInValuesAndGradients() {
    Random random = new Random(7);
    float[] image = new float[BATCH * SIDE * SIDE];
    for (int i = 0; i < image.length; i++) {
      image[i] = random.nextFloat() < 0.3f ? 0f : (float) random.nextGaussian();
    }
    float[] kernel = new float[K * K * FILTERS];
    for (int i = 0; i < kernel.length; i++) {
      kernel[i] = (float) random.nextGaussian();
    }
    // Mixed signs, so that some windows end up all negative and pass no gradient.
    float[] bias = {0.5f, -1.5f, 0f, -0.25f};
    float[] expected = reference(image, kernel, bias);

    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Conv2d conv = Conv2d.create(new ModelVariables(tf, new Seeds(1), "init"), "conv1", K, 1,
          FILTERS, 1, "SAME");
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class);
      Operand<TFloat32> block = ConvReluPool.training(tf, tf, conv, x, 2, 2, "VALID");
      Operand<TFloat32> notebook = ConvReluPool.inference(tf, tf, conv, x, 2, 2, "VALID");
      // Distinct upstream weights per output element, so every routed gradient is checked.
      int outputs = expected.length;
      float[] upstream = new float[outputs];
      for (int i = 0; i < outputs; i++) {
        upstream[i] = 1 + i % 7;
      }
      Operand<TFloat32> weights = tf.constant(
          org.tensorflow.ndarray.Shape.of(BATCH, SIDE / 2, SIDE / 2, FILTERS),
          org.tensorflow.ndarray.buffer.DataBuffers.of(upstream));
      List<Operand<?>> wrt = List.of(conv.weights().kernel(), conv.weights().bias(), x);
      Gradients blockGrad = tf.gradients(weighted(tf, block, weights), wrt);
      Gradients notebookGrad = tf.gradients(weighted(tf, notebook, weights), wrt);

      try (Session session = new Session(graph);
          TFloat32 in = Tensors.of(image, BATCH, SIDE, SIDE, 1);
          TFloat32 k = Tensors.of(kernel, K, K, 1, FILTERS);
          TFloat32 b = Tensors.of(bias, FILTERS)) {
        // The variables are fed, as a restored checkpoint would set them.
        Session.Runner runner = session.runner().feed(x, in)
            .feed(conv.weights().kernel(), k).feed(conv.weights().bias(), b)
            .fetch(block).fetch(notebook);
        for (int i = 0; i < wrt.size(); i++) {
          runner.fetch(blockGrad.dy(i)).fetch(notebookGrad.dy(i));
        }
        try (Result result = runner.run()) {
          float[] values = Tensors.toArray(result.get(0));
          assertArrayEquals(expected, values, 1e-5f);
          assertArrayEquals(Tensors.toArray(result.get(1)), values, 1e-5f);
          int zeros = 0;
          for (float v : values) {
            zeros += v == 0f ? 1 : 0;
          }
          assertTrue(zeros > 0 && zeros < values.length, "some windows must be cut by the ReLU");
          for (int i = 0; i < wrt.size(); i++) {
            float[] got = Tensors.toArray(result.get(2 + 2 * i));
            float[] want = Tensors.toArray(result.get(3 + 2 * i));
            assertEquals(want.length, got.length);
            assertArrayEquals(want, got, 1e-4f, "gradient " + i);
          }
        }
      }
    }
  }

  private static Operand<TFloat32> weighted(Ops tf, Operand<TFloat32> y, Operand<TFloat32> w) {
    return tf.reduceSum(tf.math.mul(y, w), tf.constant(new int[] {0, 1, 2, 3}));
  }

  /** max_pool 2x2/2 of relu(conv 3x3 SAME + b), with plain loops. */
  private static float[] reference(float[] image, float[] kernel, float[] bias) {
    int half = SIDE / 2;
    float[] out = new float[BATCH * half * half * FILTERS];
    for (int n = 0; n < BATCH; n++) {
      for (int f = 0; f < FILTERS; f++) {
        for (int pr = 0; pr < half; pr++) {
          for (int pc = 0; pc < half; pc++) {
            float best = Float.NEGATIVE_INFINITY;
            for (int r = 2 * pr; r < 2 * pr + 2; r++) {
              for (int c = 2 * pc; c < 2 * pc + 2; c++) {
                float sum = 0;
                for (int kr = 0; kr < K; kr++) {
                  for (int kc = 0; kc < K; kc++) {
                    int ir = r + kr - 1;
                    int ic = c + kc - 1;
                    if (ir >= 0 && ir < SIDE && ic >= 0 && ic < SIDE) {
                      sum += image[(n * SIDE + ir) * SIDE + ic] * kernel[(kr * K + kc) * FILTERS + f];
                    }
                  }
                }
                best = Math.max(best, Math.max(0f, sum + bias[f]));
              }
            }
            out[((n * half + pr) * half + pc) * FILTERS + f] = best;
          }
        }
      }
    }
    return out;
  }
}
