package dev.tfjava.course.nn;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A convolution layer with ReLU followed by a max-pool, {@code max_pool(relu(conv2d(x) + b))} as
 * the notebook writes it, computed as {@code relu(max_pool(conv2d(x)) + b)}.
 *
 * <p>The two are equal value for value: a window's maximum does not change when the same per-channel
 * bias is added to every element, nor when a ReLU (monotonic) is applied to each, and float
 * rounding is monotonic too. Gradients are equal as well: both orders route a window's gradient to
 * its largest element, and a window whose maximum is not positive passes none. The reordered form
 * is cheaper to train: the bias, the ReLU and their gradients touch the pooled quarter of the
 * values, and the convolution's weight gradient runs without a bias gradient for the oneDNN layout
 * pass of TensorFlow 2.18 (TF Java 1.1.0's natives) to fuse into it, which makes it slower
 * (BENCHMARKS.md, "Levers").
 */
public final class ConvReluPool {
  private ConvReluPool() {}

  /**
   * Builds the block: the convolution in {@code convScope}, the pooling, bias and ReLU in
   * {@code poolScope}.
   *
   * @param padding the pool's padding, {@code "SAME"} or {@code "VALID"}
   */
  public static Operand<TFloat32> apply(Ops convScope, Ops poolScope, Conv2d conv,
      Operand<TFloat32> x, long poolSize, long poolStride, String padding) {
    Operand<TFloat32> pooled = MaxPool.apply(poolScope, conv.convolve(convScope, x), poolSize,
        poolStride, padding);
    return Activation.RELU.apply(poolScope, poolScope.nn.biasAdd(pooled, conv.weights().bias()));
  }
}
