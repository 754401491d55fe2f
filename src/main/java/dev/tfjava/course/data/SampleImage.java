package dev.tfjava.course.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * An RGB image as {@code [row][column][channel]} values 0-255, like the numpy array scikit-learn's
 * {@code load_sample_image} returns.
 */
public final class SampleImage {
  private static final String CHINA = "images/china.jpg";

  private final int[][][] rgb;

  private SampleImage(int[][][] rgb) {
    this.rgb = rgb;
  }

  /** scikit-learn's {@code china.jpg} (CC BY 2.0, see the README beside it), 427 x 640. */
  public static SampleImage china() {
    try (InputStream in = SampleImage.class.getResourceAsStream(CHINA)) {
      if (in == null) {
        throw new IllegalStateException("resource " + CHINA + " is missing from the build");
      }
      BufferedImage image = ImageIO.read(in);
      if (image == null) {
        throw new IllegalStateException("resource " + CHINA + " is not a readable image");
      }
      return of(image);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read " + CHINA, e);
    }
  }

  /** Copies a decoded image's pixels. */
  public static SampleImage of(BufferedImage image) {
    int[][][] rgb = new int[image.getHeight()][image.getWidth()][3];
    for (int r = 0; r < image.getHeight(); r++) {
      for (int c = 0; c < image.getWidth(); c++) {
        int p = image.getRGB(c, r);
        rgb[r][c][0] = (p >> 16) & 0xff;
        rgb[r][c][1] = (p >> 8) & 0xff;
        rgb[r][c][2] = p & 0xff;
      }
    }
    return new SampleImage(rgb);
  }

  public int height() {
    return rgb.length;
  }

  public int width() {
    return rgb[0].length;
  }

  /** The pixels, {@code [row][column][channel]}. */
  public int[][][] rgb() {
    return rgb;
  }

  /** numpy's {@code image[rowFrom:rowTo, colFrom:colTo]} (end exclusive). */
  public SampleImage crop(int rowFrom, int rowTo, int colFrom, int colTo) {
    if (rowFrom < 0 || colFrom < 0 || rowTo > height() || colTo > width() || rowFrom >= rowTo
        || colFrom >= colTo) {
      throw new IllegalArgumentException("crop [" + rowFrom + ":" + rowTo + ", " + colFrom + ":"
          + colTo + "] is outside the " + height() + " x " + width() + " image");
    }
    int[][][] cropped = new int[rowTo - rowFrom][colTo - colFrom][];
    for (int r = rowFrom; r < rowTo; r++) {
      for (int c = colFrom; c < colTo; c++) {
        cropped[r - rowFrom][c - colFrom] = rgb[r][c].clone();
      }
    }
    return new SampleImage(cropped);
  }

  /** numpy's {@code image.mean(axis=2).astype(np.float32)}: the mean of the three channels. */
  public float[][] grayscale() {
    float[][] gray = new float[height()][width()];
    for (int r = 0; r < height(); r++) {
      for (int c = 0; c < width(); c++) {
        gray[r][c] = (float) ((rgb[r][c][0] + rgb[r][c][1] + rgb[r][c][2]) / 3.0);
      }
    }
    return gray;
  }
}
