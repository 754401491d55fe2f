package dev.tfjava.course.nn;

import dev.tfjava.course.train.Seeds;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.random.RandomUniform;
import org.tensorflow.types.TFloat32;

/**
 * Initial values for variables, as {@code tf.layers} makes them: Glorot-uniform kernels and zero
 * biases. Written out here because tensorflow-framework's {@code Glorot} with a uniform
 * distribution draws from U[0, limit) in TF Java 1.1.0 (all weights positive), which trains
 * visibly worse than the real U[-limit, limit).
 */
public final class Initializers {
  private Initializers() {}

  /**
   * Glorot (Xavier) uniform: U[-limit, limit) with limit = sqrt(6 / (fanIn + fanOut)), fans
   * computed like Keras: a [in, out] matrix has fanIn = in, fanOut = out; a convolution kernel
   * [h, w, in, out] has fanIn = h·w·in, fanOut = h·w·out. Build it in the init scope
   * ({@code tf.withInitScope()}) so that it runs once, with the variable's initializer.
   */
  public static Operand<TFloat32> glorotUniform(Ops tf, Seeds seeds, Shape shape) {
    if (shape.numDimensions() < 2 || shape.hasUnknownDimension()) {
      throw new IllegalArgumentException("Glorot needs a known shape of rank >= 2, got " + shape);
    }
    long receptiveField = 1;
    for (int i = 0; i < shape.numDimensions() - 2; i++) {
      receptiveField *= shape.get(i);
    }
    long fanIn = receptiveField * shape.get(shape.numDimensions() - 2);
    long fanOut = receptiveField * shape.get(shape.numDimensions() - 1);
    return glorotUniform(tf, seeds, shape, fanIn, fanOut);
  }

  /**
   * Glorot uniform with explicit fans: a recurrent cell stores its kernel in two parts (input and
   * recurrent weights), and each part takes the limit of the whole [input + units, width] kernel,
   * as TF1's cells do.
   */
  public static Operand<TFloat32> glorotUniform(Ops tf, Seeds seeds, Shape shape, long fanIn,
      long fanOut) {
    float limit = (float) Math.sqrt(6.0 / (fanIn + fanOut));
    Operand<TFloat32> unit = tf.random.randomUniform(tf.constant(shape), TFloat32.class,
        RandomUniform.seed(seeds.graphSeed()), RandomUniform.seed2(seeds.nextOpSeed()));
    // U[0, 1) -> U[-limit, limit)
    return tf.math.sub(tf.math.mul(unit, tf.constant(2 * limit)), tf.constant(limit));
  }

  /** Zeros of {@code shape} (biases). */
  public static Operand<TFloat32> zeros(Ops tf, Shape shape) {
    return tf.zeros(tf.constant(shape), TFloat32.class);
  }
}
