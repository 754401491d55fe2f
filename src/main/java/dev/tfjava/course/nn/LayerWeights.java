package dev.tfjava.course.nn;

import dev.tfjava.course.train.Seeds;
import java.util.List;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * A layer's two variables as {@code tf.layers} makes them: {@code <scope>/kernel}, Glorot-uniform,
 * and {@code <scope>/bias}, zeros, one per output unit (the kernel's last dimension).
 */
public record LayerWeights(Variable<TFloat32> kernel, Variable<TFloat32> bias) {

  /** Creates both variables in {@code variables}' scope, e.g. {@code tf.withSubScope("fc1")}. */
  public static LayerWeights create(Ops variables, Seeds seeds, Shape kernelShape) {
    Ops init = variables.withInitScope();
    Shape biasShape = Shape.of(kernelShape.get(kernelShape.numDimensions() - 1));
    return new LayerWeights(
        variables.withName("kernel").variable(Initializers.glorotUniform(init, seeds, kernelShape)),
        variables.withName("bias").variable(Initializers.zeros(init, biasShape)));
  }

  /** The trainable variables, kernel first (the order {@code tf.trainable_variables()} lists). */
  public List<Variable<TFloat32>> variables() {
    return List.of(kernel, bias);
  }
}
