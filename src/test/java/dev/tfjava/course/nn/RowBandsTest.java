package dev.tfjava.course.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tfjava.course.train.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Bands of rows convolved with VALID padding, put back together, are the SAME convolution of the
 * whole images, checked against a convolution written out in Java (2 images of 6×5, 2 channels,
 * 3×3 kernel, 3 filters).
 */
class RowBandsTest {
  private static final int N = 2;
  private static final int H = 6;
  private static final int W = 5;
  private static final int C = 2;
  private static final int F = 3;

  @Test
  void bandsConvolvedValidAreTheSameConvolutionOfTheWholeImages() {
    Random random = new Random(5);
    float[] images = new float[N * H * W * C];
    float[] kernel = new float[3 * 3 * C * F];
    for (int i = 0; i < images.length; i++) {
      images[i] = random.nextFloat() * 2 - 1;
    }
    for (int i = 0; i < kernel.length; i++) {
      kernel[i] = random.nextFloat() * 2 - 1;
    }
    float[] expected = sameConvolution(images, kernel);
    for (int bands : new int[] {1, 2, 3, 6}) {
      assertArrayEquals(expected, bandedConvolution(images, kernel, bands), 1e-5f,
          bands + " bands");
    }
  }

  @Test
  void eachBandHasItsRowsAndTheRowsItsKernelReaches() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> images = images(tf, H);
      List<Operand<TFloat32>> bands = RowBands.split(tf, images, 3, 3);
      assertEquals(3, bands.size());
      // 6 rows in 3 bands of 2, each with one row above and below; 1 zero column each side.
      assertArrayEquals(new long[] {-1, 4, W + 2, C}, bands.get(0).shape().asArray());
    }
  }

  @Test
  void refusesWhatItCannotCutExactly() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> images = images(tf, H);
      assertThrows(IllegalArgumentException.class, () -> RowBands.split(tf, images, 4, 3));
      assertThrows(IllegalArgumentException.class, () -> RowBands.split(tf, images, 0, 3));
      assertThrows(IllegalArgumentException.class, () -> RowBands.split(tf, images, 2, 2));
      Operand<TFloat32> unknownHeight = images(tf, -1);
      assertThrows(IllegalArgumentException.class, () -> RowBands.split(tf, unknownHeight, 2, 3));
    }
  }

  /** A batch of images of {@code height} rows (-1: unknown), W columns and C channels. */
  private static Operand<TFloat32> images(Ops tf, long height) {
    return tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, height, W, C)));
  }

  private static float[] bandedConvolution(float[] images, float[] kernel, int bands) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> x = tf.constant(Shape.of(N, H, W, C),
          org.tensorflow.ndarray.buffer.DataBuffers.of(images));
      Operand<TFloat32> k = tf.constant(Shape.of(3, 3, C, F),
          org.tensorflow.ndarray.buffer.DataBuffers.of(kernel));
      List<Operand<TFloat32>> outputs = new ArrayList<>();
      for (Operand<TFloat32> band : RowBands.split(tf, x, bands, 3)) {
        outputs.add(tf.nn.conv2d(band, k, List.of(1L, 1L, 1L, 1L), "VALID"));
      }
      Operand<TFloat32> whole = outputs.size() == 1 ? outputs.get(0)
          : tf.concat(outputs, tf.constant(1));
      try (Session s = new Session(g); Result r = s.runner().fetch(whole).run()) {
        return Tensors.toArray(r.get(0));
      }
    }
  }

  /** conv2d(x, k, stride 1, SAME) in NHWC, one multiply-add at a time. */
  private static float[] sameConvolution(float[] x, float[] k) {
    float[] out = new float[N * H * W * F];
    for (int n = 0; n < N; n++) {
      for (int i = 0; i < H; i++) {
        for (int j = 0; j < W; j++) {
          for (int f = 0; f < F; f++) {
            double sum = 0;
            for (int di = 0; di < 3; di++) {
              for (int dj = 0; dj < 3; dj++) {
                int r = i + di - 1;
                int c = j + dj - 1;
                if (r < 0 || r >= H || c < 0 || c >= W) {
                  continue;
                }
                for (int ch = 0; ch < C; ch++) {
                  sum += x[((n * H + r) * W + c) * C + ch] * k[((di * 3 + dj) * C + ch) * F + f];
                }
              }
            }
            out[((n * H + i) * W + j) * F + f] = (float) sum;
          }
        }
      }
    }
    return out;
  }
}
