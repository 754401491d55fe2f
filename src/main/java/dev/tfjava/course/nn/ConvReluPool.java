package dev.tfjava.course.nn;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A convolution layer with ReLU followed by a max-pool, {@code max_pool(relu(conv2d(x) + b))} as
 * the notebook writes it, built in one of two orders that give the same values.
 *
 * <p>For training, {@code relu(max_pool(conv2d(x)) + b)}: a window's maximum does not change when
 * the same per-channel bias is added to every element, nor when a ReLU (monotonic) is applied to
 * each, and float rounding is monotonic too. Gradients are equal as well: both orders route a
 * window's gradient to its largest element, and a window whose maximum is not positive passes
 * none. This order is cheaper to train: the bias, the ReLU and their gradients touch the pooled
 * quarter of the values, and the convolution's weight gradient runs without a bias gradient for
 * the oneDNN layout pass of TensorFlow 2.18 (TF Java 1.1.0's natives) to fuse into it, which makes
 * it slower (BENCHMARKS.md, "Levers").
 *
 * <p>For inference (no gradients), the notebook's order, whose convolution, bias and ReLU
 * TensorFlow runs as one fused kernel.
 */
public final class ConvReluPool {
  private ConvReluPool() {}

  /**
   * The training order: the convolution in {@code convScope}, the pooling, bias and ReLU in
   * {@code poolScope}.
   *
   * @param padding the pool's padding, {@code "SAME"} or {@code "VALID"}
   */
  public static Operand<TFloat32> training(Ops convScope, Ops poolScope, Conv2d conv,
      Operand<TFloat32> x, long poolSize, long poolStride, String padding) {
    Operand<TFloat32> pooled = MaxPool.apply(poolScope, conv.convolve(convScope, x), poolSize,
        poolStride, padding);
    return Activation.RELU.apply(poolScope, poolScope.nn.biasAdd(pooled, conv.weights().bias()));
  }

  /** The inference order: convolution, bias and ReLU in {@code convScope}, the pooling in {@code poolScope}. */
  public static Operand<TFloat32> inference(Ops convScope, Ops poolScope, Conv2d conv,
      Operand<TFloat32> x, long poolSize, long poolStride, String padding) {
    return MaxPool.apply(poolScope, Activation.RELU.apply(convScope, conv.apply(convScope, x)),
        poolSize, poolStride, padding);
  }
}
