package dev.tfjava.course.nn;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Model parallelism inside one training step: every image of the batch cut into bands of rows
 * that the same layers then process independently, one band per core. A stride-1 convolution
 * with {@code SAME} padding is computed band by band from the zero-padded images, each band with
 * the rows around it that its kernel reaches, so that a {@code VALID} convolution of a band gives
 * exactly that band's rows of the whole convolution; pooling that does not straddle two bands
 * follows it band by band, and a dense layer over the flattened result is the sum of each band's
 * product with its own rows of the kernel ({@link Dense#applyToRowBlocks}).
 *
 * <p>Why rows and not the batch: cut by images, each tower multiplies its images by the whole of
 * the dense layer's kernel, and its gradient has to be summed over the towers; cut by rows, each
 * tower reads and updates only its own part of the kernel, for all the images at once.
 */
public final class RowBands {
  private RowBands() {}

  /**
   * Pads NHWC {@code images} of a static height and width for a {@code kernelSize}×{@code
   * kernelSize} convolution ((k − 1) / 2 zeros on each side, as {@code SAME} pads an odd kernel at
   * stride 1) and cuts them into {@code bands} bands of height / bands rows, each with the
   * k − 1 rows of context its kernel reaches: [batch, height / bands + k − 1, width + k − 1,
   * channels] each, top band first.
   */
  public static List<Operand<TFloat32>> split(Ops tf, Operand<TFloat32> images, int bands,
      long kernelSize) {
    Shape shape = images.shape();
    if (shape.numDimensions() != 4 || shape.isUnknown() || shape.get(1) < 0 || shape.get(2) < 0
        || shape.get(3) < 0) {
      throw new IllegalArgumentException("images must be NHWC with a static height, width and"
          + " channel count, got " + shape);
    }
    long height = shape.get(1);
    if (bands < 1 || height % bands != 0) {
      throw new IllegalArgumentException(
          "bands must divide the images' " + height + " rows, got " + bands);
    }
    if (kernelSize < 1 || kernelSize % 2 == 0) {
      throw new IllegalArgumentException("kernelSize must be odd, got " + kernelSize);
    }
    int halo = (int) (kernelSize / 2);
    Operand<TFloat32> padded = tf.pad(images,
        tf.constant(new int[][] {{0, 0}, {halo, halo}, {halo, halo}, {0, 0}}), tf.constant(0f));
    int rows = (int) (height / bands);
    List<Operand<TFloat32>> parts = new ArrayList<>();
    for (int band = 0; band < bands; band++) {
      parts.add(tf.slice(padded, tf.constant(new int[] {0, band * rows, 0, 0}),
          tf.constant(new int[] {-1, rows + 2 * halo, (int) shape.get(2) + 2 * halo,
              (int) shape.get(3)})));
    }
    return parts;
  }
}
