package dev.tfjava.course.nn;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A 2-D convolution layer like {@code tf.layers.conv2d} without its activation:
 * {@code conv2d(x, kernel) + bias} on NHWC input, kernel [size, size, in, filters].
 */
public final class Conv2d {
  private final LayerWeights weights;
  private final long stride;
  private final String padding;

  private Conv2d(LayerWeights weights, long stride, String padding) {
    this.weights = weights;
    this.stride = stride;
    this.padding = padding;
  }

  /**
   * Creates {@code <name>/kernel} [size, size, in, filters] and {@code <name>/bias}.
   *
   * @param padding {@code "SAME"} or {@code "VALID"}
   */
  public static Conv2d create(ModelVariables variables, String name, long kernelSize,
      long inChannels, long filters, long stride, String padding) {
    return new Conv2d(variables.layer(name, Shape.of(kernelSize, kernelSize, inChannels, filters)),
        stride, padding);
  }

  /** {@code conv2d(x, kernel, strides [1, s, s, 1], padding) + bias}, built in {@code tf}'s scope. */
  public Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x) {
    return tf.nn.biasAdd(convolve(tf, x), weights.bias());
  }

  /** {@code conv2d(x, kernel, strides [1, s, s, 1], padding)} without the bias. */
  public Operand<TFloat32> convolve(Ops tf, Operand<TFloat32> x) {
    return tf.nn.conv2d(x, weights.kernel(), List.of(1L, stride, stride, 1L), padding);
  }

  /** The same layer (same variables) with another padding, e.g. {@code VALID} on padded bands. */
  public Conv2d withPadding(String padding) {
    return new Conv2d(weights, stride, padding);
  }

  public LayerWeights weights() {
    return weights;
  }
}
