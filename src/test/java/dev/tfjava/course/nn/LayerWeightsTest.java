package dev.tfjava.course.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfjava.course.train.Seeds;
import dev.tfjava.course.train.Tensors;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;

/** The initial values tf.layers would give: Glorot-uniform on both sides of zero, zero biases. */
class LayerWeightsTest {

  @Test
  void denseKernelIsSymmetricGlorotUniformAndBiasIsZero() {
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Dense fc1 = Dense.create(new ModelVariables(tf, new Seeds(42), "init"), "fc1", 6272, 64);
      assertEquals("fc1/kernel", fc1.weights().kernel().op().name());
      assertEquals("fc1/bias", fc1.weights().bias().op().name());
      try (Session session = new Session(graph);
          Result values = session.runner().fetch(fc1.weights().kernel())
              .fetch(fc1.weights().bias()).run()) {
        float[] kernel = Tensors.toArray(values.get(0));
        float[] bias = Tensors.toArray(values.get(1));
        double limit = Math.sqrt(6.0 / (6272 + 64));
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        double sum = 0;
        for (float w : kernel) {
          min = Math.min(min, w);
          max = Math.max(max, w);
          sum += w;
        }
        assertEquals(6272 * 64, kernel.length);
        assertTrue(min >= -limit && max <= limit, "inside ±" + limit + ": " + min + " .. " + max);
        // The framework's Glorot bug draws U[0, limit): all positive, mean limit/2.
        assertTrue(min < -0.99 * limit && max > 0.99 * limit, min + " .. " + max);
        assertEquals(0, sum / kernel.length, 0.01 * limit);
        for (float b : bias) {
          assertEquals(0f, b);
        }
        assertEquals(64, bias.length);
      }
    }
  }

  @Test
  void convKernelFansCountTheReceptiveField() {
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Conv2d conv1 = Conv2d.create(new ModelVariables(tf, new Seeds(1), "init"), "conv1", 3, 1, 32,
          1, "SAME");
      try (Session session = new Session(graph);
          Result values = session.runner().fetch(conv1.weights().kernel()).run()) {
        assertEquals(org.tensorflow.ndarray.Shape.of(3, 3, 1, 32), values.get(0).shape());
        double limit = Math.sqrt(6.0 / (9 * 1 + 9 * 32)); // fan-in 9, fan-out 288
        double maxAbs = 0;
        for (float w : Tensors.toArray(values.get(0))) {
          maxAbs = Math.max(maxAbs, Math.abs(w));
        }
        assertTrue(maxAbs <= limit && maxAbs > 0.9 * limit, maxAbs + " vs limit " + limit);
      }
    }
  }
}
