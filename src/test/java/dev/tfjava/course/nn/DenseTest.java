package dev.tfjava.course.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.tfjava.course.train.Seeds;
import dev.tfjava.course.train.Tensors;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** A dense layer over column blocks of its input: x·kernel + bias, worked out in Java. */
class DenseTest {

  @Test
  void rowBlocksOfTheKernelTimesColumnBlocksOfTheInputAreTheWholeProduct() {
    float[] x = {1, -2, 0.5f, 3, 0, 1, -1, 2, 0.25f, -0.5f, 4, 1}; // [2, 6]
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Dense layer = Dense.create(new ModelVariables(tf, new Seeds(3), "init"), "fc", 6, 2);
      // The input's columns 0-2 and 3-5 as two blocks, as two bands of rows hand them over.
      Operand<TFloat32> left = tf.constant(Shape.of(2, 3),
          DataBuffers.of(new float[] {1, -2, 0.5f, -1, 2, 0.25f}));
      Operand<TFloat32> right = tf.constant(Shape.of(2, 3),
          DataBuffers.of(new float[] {3, 0, 1, -0.5f, 4, 1}));
      Operand<TFloat32> blocks = layer.applyToRowBlocks(tf, List.of(left, right));
      try (Session session = new Session(graph);
          Result result = session.runner().fetch(blocks).fetch(layer.weights().kernel())
              .fetch(layer.weights().bias()).run()) {
        float[] kernel = Tensors.toArray(result.get(1)); // [6, 2], Glorot-random
        float[] bias = Tensors.toArray(result.get(2));
        float[] expected = new float[4];
        for (int row = 0; row < 2; row++) {
          for (int unit = 0; unit < 2; unit++) {
            double sum = bias[unit];
            for (int i = 0; i < 6; i++) {
              sum += x[row * 6 + i] * kernel[i * 2 + unit];
            }
            expected[row * 2 + unit] = (float) sum;
          }
        }
        assertArrayEquals(expected, Tensors.toArray(result.get(0)), 1e-6f);
      }
    }
  }
}
