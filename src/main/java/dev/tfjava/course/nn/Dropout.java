package dev.tfjava.course.nn;

import dev.tfjava.course.train.Seeds;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.random.RandomUniform;
import org.tensorflow.types.TFloat32;

/**
 * Inverted dropout, TF 1.x's {@code tf.nn.dropout(x, keep_prob)}: each unit is kept with
 * probability keep_prob and scaled by 1/keep_prob, else zeroed; TF Java has no ready op for it.
 * With keep_prob = 1 (evaluation) it returns x unchanged.
 */
public final class Dropout {
  private Dropout() {}

  /** {@code x / keep · floor(keep + U[0, 1))}, with a seeded random op. */
  public static Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x, Operand<TFloat32> keepProb,
      Seeds seeds) {
    Operand<TFloat32> random = tf.random.randomUniform(tf.shape(x), TFloat32.class,
        RandomUniform.seed(seeds.graphSeed()), RandomUniform.seed2(seeds.nextOpSeed()));
    Operand<TFloat32> keepMask = tf.math.floor(tf.math.add(keepProb, random));
    return tf.math.mul(tf.math.div(x, keepProb), keepMask);
  }
}
