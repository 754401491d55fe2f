package dev.tfjava.course.nn;

import dev.tfjava.course.train.Seeds;
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

  /**
   * Creates the layer's variables in {@code variables}' scope ({@code tf.withSubScope("fc1")}
   * gives {@code fc1/kernel} and {@code fc1/bias}).
   */
  public static Dense create(Ops variables, Seeds seeds, long inputs, long units) {
    return new Dense(LayerWeights.create(variables, seeds, Shape.of(inputs, units)));
  }

  /** {@code x·kernel + bias}, built in {@code tf}'s scope; x is [batch, inputs]. */
  public Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x) {
    return tf.nn.biasAdd(tf.linalg.matMul(x, weights.kernel()), weights.bias());
  }

  public LayerWeights weights() {
    return weights;
  }
}
