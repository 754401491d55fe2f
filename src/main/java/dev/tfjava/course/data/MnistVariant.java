package dev.tfjava.course.data;

import dev.tfjava.course.CourseException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The two data sets in MNIST's format: the four file names they share, and per data set the
 * official MD5 of each file, the download mirrors, where an OS package installs it, its class
 * names, and whether an offline sample of it is embedded in the project.
 */
public enum MnistVariant {
  MNIST("mnist",
      List.of(URI.create("https://ossci-datasets.s3.amazonaws.com/mnist/"),
          URI.create("https://storage.googleapis.com/cvdf-datasets/mnist/")),
      new String[] {"f68b3c2dcbeaaa9fbdd348bbdeb94873", "d53e105ee54ea40749a09fcbcd1e9432",
          "9fb629c4189551a2d022fa330f9573f3", "ec29112dd5afa0611ce80d1b7f02629c"},
      Optional.empty(),
      "mnist-sample",
      new String[] {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}),
  FASHION_MNIST("fashion-mnist",
      List.of(URI.create("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/")),
      new String[] {"8d4fb7e6c68d591d4c3dfef9ec88bf0d", "25c81989df183df01b3e8a0aad5dffbe",
          "bef4ecab320f06d8554ea6380940ec79", "bb300cfdad3c16e7a12a480ee83cd310"},
      // Debian's dataset-fashion-mnist package (recompressed: the MD5s above do not apply).
      Optional.of(Path.of("/usr/share/datasets/fashion-mnist")),
      null,
      // Short enough for figure captions: the data set calls 0 "T-shirt/top" and 9 "Ankle boot".
      new String[] {"T-shirt", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
          "Sneaker", "Bag", "Boot"});

  /** The four files, in the order of {@link #md5(int)}. */
  public static final List<String> FILES = List.of("train-images-idx3-ubyte.gz",
      "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");
  public static final int TRAIN_IMAGES = 0;
  public static final int TRAIN_LABELS = 1;
  public static final int TEST_IMAGES = 2;
  public static final int TEST_LABELS = 3;

  /** Image side of every file of both data sets. */
  public static final int SIDE = 28;

  private final String id;
  private final List<URI> mirrors;
  private final String[] md5;
  private final Optional<Path> systemDir;
  private final String sampleResource;
  private final String[] classNames;

  MnistVariant(String id, List<URI> mirrors, String[] md5, Optional<Path> systemDir,
      String sampleResource, String[] classNames) {
    this.id = id;
    this.mirrors = mirrors;
    this.md5 = md5;
    this.systemDir = systemDir;
    this.sampleResource = sampleResource;
    this.classNames = classNames;
  }

  /** The name on the command line and of the cache folder, e.g. {@code fashion-mnist}. */
  public String id() {
    return id;
  }

  /** Base URLs the four files are downloaded from, tried in order. */
  public List<URI> mirrors() {
    return mirrors;
  }

  /** The official MD5 of file {@code index} of {@link #FILES}. */
  public String md5(int index) {
    return md5[index];
  }

  /** Where an OS package installs the files, if any. */
  public Optional<Path> systemDir() {
    return systemDir;
  }

  /** The resource folder (beside this class) of the embedded offline sample, if any. */
  public Optional<String> sampleResource() {
    return Optional.ofNullable(sampleResource);
  }

  public int classes() {
    return classNames.length;
  }

  /** A label's short name: the digit for MNIST, the garment for Fashion-MNIST. */
  public String className(int label) {
    return classNames[label];
  }

  /** The variant called {@code id} on the command line. */
  public static MnistVariant parse(String id) {
    return Arrays.stream(values())
        .filter(v -> v.id.equals(id.toLowerCase(Locale.ROOT)))
        .findFirst()
        .orElseThrow(() -> CourseException.badInput("--dataset: unknown data set '" + id
            + "' (choose mnist or fashion-mnist)"));
  }
}
