package dev.tfjava.course.nn.reference;

/**
 * TensorFlow's {@code conv2d} and pooling on one single-channel image in plain Java, to check the
 * graph against. Like TensorFlow it is a cross-correlation (the filter is not flipped); SAME pads
 * with zeros, putting the odd pixel of padding after the image, exactly as TensorFlow does.
 */
public final class ReferenceConvolution {
  private ReferenceConvolution() {}

  /**
   * @param image {@code [row][column]}
   * @param filters {@code [height][width][1][outChannels]}, TensorFlow's filter layout
   * @param stride the same stride along rows and columns
   * @param same SAME padding if true, else VALID
   * @return {@code [row][column][outChannel]}
   */
  public static float[][][] conv2d(float[][] image, float[][][][] filters, int stride, boolean same) {
    int kh = filters.length;
    int kw = filters[0].length;
    int channels = filters[0][0][0].length;
    Geometry rows = Geometry.of(image.length, kh, stride, same);
    Geometry cols = Geometry.of(image[0].length, kw, stride, same);
    float[][][] out = new float[rows.size][cols.size][channels];
    for (int r = 0; r < rows.size; r++) {
      for (int c = 0; c < cols.size; c++) {
        for (int ch = 0; ch < channels; ch++) {
          double sum = 0;
          for (int i = 0; i < kh; i++) {
            for (int j = 0; j < kw; j++) {
              int y = r * stride + i - rows.padBefore;
              int x = c * stride + j - cols.padBefore;
              if (y >= 0 && y < image.length && x >= 0 && x < image[0].length) {
                sum += (double) image[y][x] * filters[i][j][0][ch];
              }
            }
          }
          out[r][c][ch] = (float) sum;
        }
      }
    }
    return out;
  }

  /** Max pooling with a square window (padding cells are ignored, as in TensorFlow). */
  public static float[][] maxPool(float[][] image, int window, int stride, boolean same) {
    return pool(image, window, stride, same, true);
  }

  /** Average pooling with a square window (averaging only the cells inside the image). */
  public static float[][] averagePool(float[][] image, int window, int stride, boolean same) {
    return pool(image, window, stride, same, false);
  }

  private static float[][] pool(float[][] image, int window, int stride, boolean same, boolean max) {
    Geometry rows = Geometry.of(image.length, window, stride, same);
    Geometry cols = Geometry.of(image[0].length, window, stride, same);
    float[][] out = new float[rows.size][cols.size];
    for (int r = 0; r < rows.size; r++) {
      for (int c = 0; c < cols.size; c++) {
        double acc = max ? Double.NEGATIVE_INFINITY : 0;
        int count = 0;
        for (int i = 0; i < window; i++) {
          for (int j = 0; j < window; j++) {
            int y = r * stride + i - rows.padBefore;
            int x = c * stride + j - cols.padBefore;
            if (y >= 0 && y < image.length && x >= 0 && x < image[0].length) {
              acc = max ? Math.max(acc, image[y][x]) : acc + image[y][x];
              count++;
            }
          }
        }
        out[r][c] = (float) (max ? acc : acc / count);
      }
    }
    return out;
  }

  /** Output size and leading padding along one axis, by TensorFlow's rules. */
  private record Geometry(int size, int padBefore) {
    static Geometry of(int input, int kernel, int stride, boolean same) {
      if (!same) {
        return new Geometry((input - kernel) / stride + 1, 0);
      }
      int size = (input + stride - 1) / stride;
      int padTotal = Math.max((size - 1) * stride + kernel - input, 0);
      return new Geometry(size, padTotal / 2);
    }
  }
}
