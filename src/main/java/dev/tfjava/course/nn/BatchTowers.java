package dev.tfjava.course.nn;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TType;

/**
 * Data parallelism inside one training step: a batch cut along its first axis into towers that
 * the same layers then process independently, as TF 1.x's multi-tower models did across GPUs.
 * With one inter-op thread per tower, TensorFlow runs the towers side by side, each kernel on its
 * own core, instead of one kernel at a time shared by every core (whose hand-offs cost more than
 * they give on small batches). The loss over the re-joined towers is the whole batch's, and so
 * is its gradient: {@code tf.gradients} sums the towers' contributions.
 */
public final class BatchTowers {
  private BatchTowers() {}

  /**
   * Cuts {@code batch} into {@code towers} parts of {@code n / towers} rows, the last also taking
   * the remainder. The batch fed must have at least {@code towers} rows (an empty tower is not a
   * valid input for the convolution kernels).
   */
  public static <T extends TType> List<Operand<T>> split(Ops tf, Operand<T> batch, int towers) {
    if (towers < 1) {
      throw new IllegalArgumentException("towers must be >= 1, got " + towers);
    }
    List<Operand<T>> parts = new ArrayList<>();
    if (towers == 1) {
      parts.add(batch);
      return parts;
    }
    Operand<TInt32> rows = tf.gather(tf.shape(batch), tf.constant(new int[] {0}),
        tf.constant(0));
    Operand<TInt32> perTower = tf.math.floorDiv(rows, tf.constant(new int[] {towers}));
    List<Operand<TInt32>> sizes = new ArrayList<>();
    for (int t = 0; t < towers - 1; t++) {
      sizes.add(perTower);
    }
    sizes.add(tf.constant(new int[] {-1})); // the rest
    parts.addAll(tf.splitV(batch, tf.concat(sizes, tf.constant(0)), tf.constant(0),
        (long) towers).output());
    return parts;
  }
}
