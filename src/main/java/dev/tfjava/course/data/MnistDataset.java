package dev.tfjava.course.data;

import dev.tfjava.course.CourseException;

/**
 * MNIST split as TensorFlow's {@code input_data.read_data_sets} splits it: the training file gives
 * validation (its first twelfth: 5,000 of 60,000) and training (the rest: 55,000); the test file
 * is the test set. A smaller training file keeps the 11:1 ratio (2,000 → 1,834 + 166).
 *
 * @param source where the four files were found (recorded in metrics.json)
 */
public record MnistDataset(MnistVariant variant, MnistFiles.Located source, ImageSet train,
    ImageSet validation, ImageSet test) {

  /** Reads and validates the four files, and splits them. */
  public static MnistDataset load(MnistVariant variant, MnistFiles.Located files) {
    int classes = variant.classes();
    IdxFile.Images trainImages = images(files, MnistVariant.TRAIN_IMAGES);
    byte[] trainLabels = IdxFile.readLabels(files.source(MnistVariant.TRAIN_LABELS),
        files.name(MnistVariant.TRAIN_LABELS), classes);
    IdxFile.Images testImages = images(files, MnistVariant.TEST_IMAGES);
    byte[] testLabels = IdxFile.readLabels(files.source(MnistVariant.TEST_LABELS),
        files.name(MnistVariant.TEST_LABELS), classes);
    checkCounts(files, MnistVariant.TRAIN_IMAGES, trainImages, MnistVariant.TRAIN_LABELS, trainLabels);
    checkCounts(files, MnistVariant.TEST_IMAGES, testImages, MnistVariant.TEST_LABELS, testLabels);

    int validationSize = validationSize(trainImages.count());
    return new MnistDataset(variant, files,
        ImageSet.of(trainImages, trainLabels, classes, validationSize, trainImages.count()),
        ImageSet.of(trainImages, trainLabels, classes, 0, validationSize),
        ImageSet.of(testImages, testLabels, classes, 0, testImages.count()));
  }

  /** input_data's 5,000 of 60,000, i.e. one twelfth of the training file. */
  public static int validationSize(int trainingFileCount) {
    return trainingFileCount / 12;
  }

  /** Reads image file {@code index} and checks it holds 28 x 28 images. */
  private static IdxFile.Images images(MnistFiles.Located files, int index) {
    String name = files.name(index);
    IdxFile.Images images = IdxFile.readImages(files.source(index), name);
    if (images.rows() != MnistVariant.SIDE || images.columns() != MnistVariant.SIDE) {
      throw CourseException.badInput(name + ": has images of " + images.rows() + " x "
          + images.columns() + " pixels, expected " + MnistVariant.SIDE + " x " + MnistVariant.SIDE);
    }
    if (images.count() == 0) {
      throw CourseException.badInput(name + ": holds no images");
    }
    return images;
  }

  private static void checkCounts(MnistFiles.Located files, int imagesIndex, IdxFile.Images images,
      int labelsIndex, byte[] labels) {
    if (images.count() != labels.length) {
      throw CourseException.badInput(files.name(imagesIndex) + " has " + images.count()
          + " images but " + files.name(labelsIndex) + " has " + labels.length + " labels");
    }
  }
}
