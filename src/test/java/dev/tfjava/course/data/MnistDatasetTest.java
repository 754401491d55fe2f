package dev.tfjava.course.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tfjava.course.CourseException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Splits and cross-file checks on small data sets the test writes. */
class MnistDatasetTest {
  @TempDir
  Path dir;

  /** Writes the four files: {@code train} training and {@code test} test images of size x size. */
  static void writeDataSet(Path dir, int train, int test, int size) {
    write(dir, MnistVariant.TRAIN_IMAGES, MnistVariant.TRAIN_LABELS, train, size);
    write(dir, MnistVariant.TEST_IMAGES, MnistVariant.TEST_LABELS, test, size);
  }

  private static void write(Path dir, int imagesIndex, int labelsIndex, int count, int size) {
    byte[] pixels = new byte[count * size * size];
    byte[] labels = new byte[count];
    for (int i = 0; i < count; i++) {
      pixels[i * size * size] = (byte) i; // first pixel = index: tells which image went where
      labels[i] = (byte) (i % 10);
    }
    IdxFiles.writeImages(dir.resolve(MnistVariant.FILES.get(imagesIndex)),
        new IdxFile.Images(count, size, size, pixels));
    IdxFiles.writeLabels(dir.resolve(MnistVariant.FILES.get(labelsIndex)), labels);
  }

  @Test
  void splitsLikeInputDataElevenToOne() {
    writeDataSet(dir, 120, 30, 28);
    MnistDataset data = MnistDataset.load(MnistVariant.MNIST,
        MnistFiles.Located.inDir(MnistFiles.Origin.DATA_DIR, dir));
    assertEquals(110, data.train().count());
    assertEquals(10, data.validation().count());
    assertEquals(30, data.test().count());
    // input_data: validation = the first images of the training file, training = the rest.
    assertEquals(0f, data.validation().pixels()[0]);
    assertEquals(10 / 255f, data.train().pixels()[0]);
    assertEquals(0, data.train().label(0));
    assertEquals(1f, data.train().oneHot()[0]);
    assertEquals(5000, MnistDataset.validationSize(60_000));
    assertEquals(166, MnistDataset.validationSize(2_000));
  }

  @Test
  void imageAndLabelCountsMustAgree() {
    writeDataSet(dir, 24, 10, 28);
    IdxFiles.writeLabels(dir.resolve(MnistVariant.FILES.get(MnistVariant.TEST_LABELS)), new byte[9]);
    CourseException e = assertThrows(CourseException.class, () -> MnistDataset.load(MnistVariant.MNIST,
        MnistFiles.Located.inDir(MnistFiles.Origin.DATA_DIR, dir)));
    assertEquals(dir.resolve("t10k-images-idx3-ubyte.gz") + " has 10 images but "
        + dir.resolve("t10k-labels-idx1-ubyte.gz") + " has 9 labels", e.getMessage());
  }

  @Test
  void imagesMustBe28By28() {
    writeDataSet(dir, 24, 10, 14);
    CourseException e = assertThrows(CourseException.class, () -> MnistDataset.load(MnistVariant.MNIST,
        MnistFiles.Located.inDir(MnistFiles.Origin.DATA_DIR, dir)));
    assertEquals(dir.resolve("train-images-idx3-ubyte.gz")
        + ": has images of 14 x 14 pixels, expected 28 x 28", e.getMessage());
  }
}
