package dev.tfjava.course.nn;

import java.util.List;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * A layer's two variables as {@code tf.layers} makes them, {@code <scope>/kernel} and
 * {@code <scope>/bias}; {@link ModelVariables#layer} creates them.
 */
public record LayerWeights(Variable<TFloat32> kernel, Variable<TFloat32> bias) {

  /** The trainable variables, kernel first (the order {@code tf.trainable_variables()} lists). */
  public List<Variable<TFloat32>> variables() {
    return List.of(kernel, bias);
  }
}
