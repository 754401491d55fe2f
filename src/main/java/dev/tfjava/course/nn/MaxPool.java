package dev.tfjava.course.nn;

import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.op.Scope;
import org.tensorflow.types.TFloat32;

/**
 * Max pooling as {@code tf.nn.max_pool2d} builds it in Python: the {@code MaxPool} op with its
 * window and strides as attributes (NHWC).
 *
 * <p>Why not {@code tf.nn.maxPool}: TF Java's builds {@code MaxPoolV2}, whose window and strides
 * are tensors, and TensorFlow's oneDNN graph rewrite only takes {@code MaxPool}, so with V2 the
 * pooling and its gradient run on Eigen's slower kernels. With {@code MaxPool} the gradient is
 * built as {@code MaxPoolGrad}, and with oneDNN on both run as oneDNN pooling primitives.
 */
public final class MaxPool {
  private MaxPool() {}

  /**
   * A square {@code size}×{@code size} max-pool with stride {@code stride} on NHWC input, built
   * in {@code tf}'s scope (its sub-scope, control dependencies and device apply).
   *
   * @param padding {@code "SAME"} or {@code "VALID"}
   */
  public static Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x, long size, long stride,
      String padding) {
    Scope scope = tf.scope();
    Output<TFloat32> pooled = scope.opBuilder("MaxPool", "MaxPool")
        .addInput(x.asOutput())
        .setAttr("ksize", new long[] {1, size, size, 1})
        .setAttr("strides", new long[] {1, stride, stride, 1})
        .setAttr("padding", padding)
        .build()
        .output(0);
    return pooled;
  }
}
