package dev.tfjava.course.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfjava.course.CourseException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The order of the places data comes from, without any network: local mirrors only. */
class MnistSourceTest {
  @TempDir
  Path dir;

  private final ByteArrayOutputStream log = new ByteArrayOutputStream();

  private MnistSource source(MnistVariant variant, List<java.net.URI> mirrors, boolean download,
      Optional<Path> systemDir) {
    return new MnistSource(variant, dir.resolve("cache"), mirrors, download, systemDir,
        new PrintStream(log, true, StandardCharsets.UTF_8));
  }

  @Test
  void offlineWithAnEmptyCacheFallsBackToTheEmbeddedSampleLoudly() {
    MnistFiles.Located files = source(MnistVariant.MNIST, List.of(), false, Optional.empty()).locate(null);
    assertEquals(MnistFiles.Origin.EMBEDDED_SAMPLE, files.origin());
    assertTrue(log.toString(StandardCharsets.UTF_8).contains("WARNING: using the EMBEDDED MNIST SAMPLE"));

    MnistDataset sample = MnistDataset.load(MnistVariant.MNIST, files);
    assertEquals(1834, sample.train().count());
    assertEquals(166, sample.validation().count());
    assertEquals(500, sample.test().count());
    float max = 0;
    for (float p : sample.train().pixels()) {
      assertTrue(p >= 0 && p <= 1);
      max = Math.max(max, p);
    }
    assertEquals(1f, max);
    int[] perClass = new int[10];
    for (int i = 0; i < sample.test().count(); i++) {
      perClass[sample.test().label(i)]++;
    }
    for (int count : perClass) {
      assertTrue(count > 20, "every digit is in the sample's test set");
    }
  }

  @Test
  void dataDirWinsAndMustHoldAllFourFiles() {
    Path data = dir.resolve("data");
    MnistDatasetTest.writeDataSet(data, 24, 6, 28);
    assertEquals(MnistFiles.Origin.DATA_DIR,
        source(MnistVariant.MNIST, List.of(), false, Optional.empty()).locate(data).origin());

    Path partial = dir.resolve("partial");
    MnistDatasetTest.writeDataSet(partial, 24, 6, 28);
    try {
      Files.delete(partial.resolve("t10k-labels-idx1-ubyte.gz"));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    CourseException e = assertThrows(CourseException.class,
        () -> source(MnistVariant.MNIST, List.of(), false, Optional.empty()).locate(partial));
    assertEquals("--data " + partial + ": missing t10k-labels-idx1-ubyte.gz (gzip-compressed, or raw"
        + " without .gz)", e.getMessage());
    CourseException none = assertThrows(CourseException.class,
        () -> source(MnistVariant.MNIST, List.of(), false, Optional.empty()).locate(dir.resolve("nope")));
    assertEquals("--data " + dir.resolve("nope") + ": no such folder", none.getMessage());
  }

  @Test
  void cacheThenSystemFolder() {
    Path system = dir.resolve("usr-share");
    MnistDatasetTest.writeDataSet(system, 24, 6, 28);
    MnistSource source = source(MnistVariant.FASHION_MNIST, List.of(), false, Optional.of(system));
    assertEquals(MnistFiles.Origin.SYSTEM, source.locate(null).origin());
    MnistDatasetTest.writeDataSet(source.cacheDir(), 24, 6, 28);
    assertEquals(MnistFiles.Origin.CACHE, source.locate(null).origin());
  }

  @Test
  void fashionMnistWithNothingAnywhereIsAClearError() {
    CourseException e = assertThrows(CourseException.class, () -> source(MnistVariant.FASHION_MNIST,
        List.of(), false, Optional.of(dir.resolve("absent"))).locate(null));
    assertTrue(e.getMessage().startsWith("No fashion-mnist data: not in " + dir.resolve("cache")),
        e.getMessage());
    assertTrue(e.getMessage().endsWith("apt-get install dataset-fashion-mnist."), e.getMessage());
  }

  @Test
  void aMirrorServingOtherBytesLeavesNothingInTheCache() throws IOException {
    // The mirror serves well-formed files, but not the official ones: every MD5 check fails.
    Path mirror = dir.resolve("mirror");
    MnistDatasetTest.writeDataSet(mirror, 24, 6, 28);
    MnistSource source = source(MnistVariant.MNIST, List.of(mirror.toUri()), true, Optional.empty());
    MnistFiles.Located files = source.locate(null);
    assertEquals(MnistFiles.Origin.EMBEDDED_SAMPLE, files.origin());
    String printed = log.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("MD5 mismatch"), printed);
    try (Stream<Path> left = Files.list(source.cacheDir())) {
      assertEquals(List.of(), left.toList(), "no file, no temporary part, in the cache");
    }
  }
}
