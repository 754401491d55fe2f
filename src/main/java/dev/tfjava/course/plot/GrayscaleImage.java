package dev.tfjava.course.plot;

import java.awt.image.BufferedImage;

/**
 * Renders a 2-D array of values like matplotlib's {@code imshow(values, cmap="gray")}: the smallest
 * value is black, the largest white, linear in between (a constant array is all black). Each value
 * becomes a {@code scale x scale} block of pixels (nearest-neighbour), so small arrays such as a
 * 7x7 filter stay visible.
 */
public final class GrayscaleImage {
  private GrayscaleImage() {}

  /** The smallest and largest value, {@code {min, max}}: what the gray scale spans. */
  public static float[] range(float[][] values) {
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (float[] row : values) {
      for (float v : row) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
    return new float[] {min, max};
  }

  public static BufferedImage render(float[][] values, int scale) {
    int rows = values.length;
    int cols = values[0].length;
    float[] span = range(values);
    float min = span[0];
    float range = span[1] - min;
    BufferedImage image = new BufferedImage(cols * scale, rows * scale, BufferedImage.TYPE_BYTE_GRAY);
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        int level = range > 0 ? Math.round((values[r][c] - min) / range * 255f) : 0;
        int rgb = (level << 16) | (level << 8) | level;
        for (int dy = 0; dy < scale; dy++) {
          for (int dx = 0; dx < scale; dx++) {
            image.setRGB(c * scale + dx, r * scale + dy, rgb);
          }
        }
      }
    }
    return image;
  }

  /** Renders an RGB image given as {@code [row][col][channel]} bytes 0-255, upscaled. */
  public static BufferedImage renderRgb(int[][][] rgb, int scale) {
    int rows = rgb.length;
    int cols = rgb[0].length;
    BufferedImage image = new BufferedImage(cols * scale, rows * scale, BufferedImage.TYPE_INT_RGB);
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        int value = (rgb[r][c][0] << 16) | (rgb[r][c][1] << 8) | rgb[r][c][2];
        for (int dy = 0; dy < scale; dy++) {
          for (int dx = 0; dx < scale; dx++) {
            image.setRGB(c * scale + dx, r * scale + dy, value);
          }
        }
      }
    }
    return image;
  }
}
