package dev.tfjava.course.nn;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.random.RandomUniform;
import org.tensorflow.types.TFloat32;

/**
 * Glorot (Xavier) uniform initial values, U[−limit, limit) with limit = √(6 / (fan_in + fan_out)):
 * what TF1's {@code get_variable} and {@code tf.layers.dense} use by default.
 *
 * <p>Written here because the framework's {@code Glorot} with {@code Distribution.UNIFORM} draws
 * U[0, limit) in TF Java 1.1.0 (every weight positive). The fans are given explicitly so that a
 * kernel stored in two parts (input and recurrent weights) gets the limit of the whole
 * [input + units, width] kernel, as TF1's cells do.
 */
public final class GlorotUniform {
  private GlorotUniform() {}

  /** √(6 / (fanIn + fanOut)). */
  public static double limit(long fanIn, long fanOut) {
    return Math.sqrt(6.0 / (fanIn + fanOut));
  }

  /**
   * A random op of {@code shape} drawing U[−limit, limit); seeded so that runs are reproducible.
   * Build it in the init scope so it runs once, as the variable's initializer.
   */
  public static Operand<TFloat32> values(Ops tf, Shape shape, long fanIn, long fanOut, long seed,
      long seed2) {
    float limit = (float) limit(fanIn, fanOut);
    Operand<TFloat32> unit = tf.random.randomUniform(tf.constant(shape), TFloat32.class,
        RandomUniform.seed(seed), RandomUniform.seed2(seed2));
    return tf.math.sub(tf.math.mul(unit, tf.constant(2 * limit)), tf.constant(limit));
  }
}
