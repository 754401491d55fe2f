package dev.tfjava.course.nn;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A fully-connected layer like {@code tf.layers.dense} without its activation: {@code x·kernel +
 * bias} with a kernel [inputs, units]. The variables are made once and can be applied to several
 * inputs (e.g. every step of an unrolled RNN).
 */
public final class Dense {
  private final LayerWeights weights;

  private Dense(LayerWeights weights) {
    this.weights = weights;
  }

  /** Creates {@code <name>/kernel} [inputs, units] and {@code <name>/bias}, e.g. {@code fc1}. */
  public static Dense create(ModelVariables variables, String name, long inputs, long units) {
    return new Dense(variables.layer(name, Shape.of(inputs, units)));
  }

  /** {@code x·kernel + bias}, built in {@code tf}'s scope; x is [batch, inputs]. */
  public Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x) {
    return tf.nn.biasAdd(tf.linalg.matMul(x, weights.kernel()), weights.bias());
  }

  /**
   * The same as {@link #apply} of the row-wise concatenation of {@code blocks}' columns: each
   * block [batch, inputs / n] times its own rows of the kernel, the n products summed, then the
   * bias. The kernel's row blocks are views of the variable (TensorFlow splits along the first
   * axis without copying), so each product reads only its part of it.
   */
  public Operand<TFloat32> applyToRowBlocks(Ops tf, List<Operand<TFloat32>> blocks) {
    List<Operand<TFloat32>> kernelRows = new ArrayList<>(tf.split(tf.constant(0),
        weights.kernel(), (long) blocks.size()).output());
    List<Operand<TFloat32>> products = new ArrayList<>();
    for (int i = 0; i < blocks.size(); i++) {
      products.add(tf.linalg.matMul(blocks.get(i), kernelRows.get(i)));
    }
    return tf.nn.biasAdd(tf.math.addN(products), weights.bias());
  }

  public LayerWeights weights() {
    return weights;
  }
}
