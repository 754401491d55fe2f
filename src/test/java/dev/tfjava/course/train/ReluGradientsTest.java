package dev.tfjava.course.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gradients;
import org.tensorflow.types.TFloat32;

/** Rewired ReluGrads read the ReLU's output and give the same gradients as before. */
class ReluGradientsTest {

  @Test
  void reluGradReadsTheReluOutputAndTheGradientIsUnchanged() {
    float[] x = {-2f, -0.5f, 0.25f, 1f, 3f, -1f};
    float[] w = {0.5f, -1f, 2f, 1f, -0.25f, 0.75f};
    float[] b = {0.1f, -0.2f};
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Operand<TFloat32> input = tf.constant(org.tensorflow.ndarray.Shape.of(2, 3),
          org.tensorflow.ndarray.buffer.DataBuffers.of(x));
      Operand<TFloat32> kernel = tf.identity(tf.constant(org.tensorflow.ndarray.Shape.of(3, 2),
          org.tensorflow.ndarray.buffer.DataBuffers.of(w)));
      Operand<TFloat32> bias = tf.identity(tf.constant(b));
      Operand<TFloat32> z = tf.nn.biasAdd(tf.linalg.matMul(input, kernel), bias);
      Operand<TFloat32> h = tf.nn.relu(z);
      Operand<TFloat32> loss = tf.reduceSum(tf.math.mul(h, tf.constant(new float[][] {{1, 2}, {3, 4}})),
          tf.constant(new int[] {0, 1}));
      Gradients grads = tf.gradients(loss, List.of(kernel, bias));

      float[][] before = gradients(graph, grads);
      assertEquals(1, ReluGradients.readOutputs(graph));
      assertEquals(0, ReluGradients.readOutputs(graph), "a second call finds nothing to move");
      GraphOperation reluGrad = graph.operations().next();
      for (var it = graph.operations(); it.hasNext(); ) {
        GraphOperation op = it.next();
        if (op.type().equals("ReluGrad")) {
          reluGrad = op;
        }
      }
      assertEquals("Relu", reluGrad.input(1).op().type());
      float[][] after = gradients(graph, grads);
      assertArrayEquals(before[0], after[0]);
      assertArrayEquals(before[1], after[1]);
      // Independently: dL/dz = upstream where z > 0, else 0; dL/dW = xᵀ·dz, dL/db = Σ rows of dz.
      float[] upstream = {1, 2, 3, 4};
      float[] dz = new float[4];
      for (int r = 0; r < 2; r++) {
        for (int c = 0; c < 2; c++) {
          float zv = b[c];
          for (int k = 0; k < 3; k++) {
            zv += x[r * 3 + k] * w[k * 2 + c];
          }
          dz[r * 2 + c] = zv > 0 ? upstream[r * 2 + c] : 0;
        }
      }
      assertArrayEquals(new float[] {dz[0] + dz[2], dz[1] + dz[3]}, after[1], 1e-6f);
    }
  }

  private static float[][] gradients(Graph graph, Gradients grads) {
    try (Session session = new Session(graph);
        Result result = session.runner().fetch(grads.dy(0)).fetch(grads.dy(1)).run()) {
      return new float[][] {Tensors.toArray(result.get(0)), Tensors.toArray(result.get(1))};
    }
  }
}
