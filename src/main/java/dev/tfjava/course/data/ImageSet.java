package dev.tfjava.course.data;

import java.util.Random;

/**
 * Labelled images ready to feed: pixels scaled to [0, 1] as one row-major float array (one row of
 * {@link #pixelsPerImage()} per image) and labels both as class numbers and as one-hot rows, the
 * layout of the notebook's {@code mnist.train.images} / {@code mnist.train.labels}.
 */
public final class ImageSet {
  private final int rows;
  private final int columns;
  private final int classes;
  private final float[] pixels;
  private final float[] oneHot;
  private final byte[] labels;

  private ImageSet(int rows, int columns, int classes, float[] pixels, byte[] labels) {
    this.rows = rows;
    this.columns = columns;
    this.classes = classes;
    this.pixels = pixels;
    this.labels = labels;
    this.oneHot = new float[labels.length * classes];
    for (int i = 0; i < labels.length; i++) {
      oneHot[i * classes + Byte.toUnsignedInt(labels[i])] = 1f;
    }
  }

  /** Scales images {@code [from, to)} of {@code images} to [0, 1] (byte / 255) with their labels. */
  public static ImageSet of(IdxFile.Images images, byte[] labels, int classes, int from, int to) {
    if (images.count() != labels.length) {
      throw new IllegalArgumentException(images.count() + " images but " + labels.length + " labels");
    }
    int size = images.size();
    float[] pixels = new float[(to - from) * size];
    byte[] source = images.pixels();
    for (int i = 0, j = from * size; i < pixels.length; i++, j++) {
      pixels[i] = Byte.toUnsignedInt(source[j]) / 255f;
    }
    byte[] slice = java.util.Arrays.copyOfRange(labels, from, to);
    return new ImageSet(images.rows(), images.columns(), classes, pixels, slice);
  }

  /** The first {@code n} images (all of them if there are fewer), e.g. for a quick run. */
  public ImageSet head(int n) {
    int count = Math.min(n, count());
    return new ImageSet(rows, columns, classes,
        java.util.Arrays.copyOf(pixels, count * pixelsPerImage()),
        java.util.Arrays.copyOf(labels, count));
  }

  public int count() {
    return labels.length;
  }

  public int rows() {
    return rows;
  }

  public int columns() {
    return columns;
  }

  public int classes() {
    return classes;
  }

  public int pixelsPerImage() {
    return rows * columns;
  }

  /** All pixels, [count, rows·columns] row-major; shared, do not modify. */
  public float[] pixels() {
    return pixels;
  }

  /** All labels one-hot, [count, classes] row-major; shared, do not modify. */
  public float[] oneHot() {
    return oneHot;
  }

  /** The class of image {@code i}. */
  public int label(int i) {
    return Byte.toUnsignedInt(labels[i]);
  }

  /** Image {@code i} as [row][column], for plotting. */
  public float[][] image(int i) {
    float[][] image = new float[rows][columns];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(pixels, i * pixelsPerImage() + r * columns, image[r], 0, columns);
    }
    return image;
  }

  /** A fresh random order of the images (Fisher-Yates), like input_data's per-epoch shuffle. */
  public int[] shuffledOrder(Random random) {
    int[] order = new int[count()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    return order;
  }

  /**
   * Copies the images {@code order[from .. from + x.length / pixelsPerImage()]} into the reused
   * batch buffers {@code x} (pixels) and {@code y} (one-hot labels).
   */
  public void copyBatch(int[] order, int from, float[] x, float[] y) {
    int size = pixelsPerImage();
    int batch = x.length / size;
    for (int b = 0; b < batch; b++) {
      int i = order[from + b];
      System.arraycopy(pixels, i * size, x, b * size, size);
      System.arraycopy(oneHot, i * classes, y, b * classes, classes);
    }
  }
}
