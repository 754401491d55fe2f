package dev.tfjava.course.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfjava.course.CourseException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** IDX files the test writes itself: round trips, and every kind of damage → its own message. */
class IdxFileTest {
  @TempDir
  Path dir;

  private static IdxFile.Images randomImages(int count, int rows, int columns) {
    byte[] pixels = new byte[count * rows * columns];
    new Random(7).nextBytes(pixels);
    return new IdxFile.Images(count, rows, columns, pixels);
  }

  @ParameterizedTest
  @ValueSource(strings = {"images.gz", "images-raw"})
  void imagesRoundTripGzipAndRaw(String name) {
    IdxFile.Images images = randomImages(3, 28, 28);
    Path file = dir.resolve(name);
    IdxFiles.writeImages(file, images);
    IdxFile.Images read = IdxFile.readImages(file);
    assertEquals(3, read.count());
    assertEquals(28, read.rows());
    assertEquals(28, read.columns());
    assertArrayEquals(images.pixels(), read.pixels());
  }

  @ParameterizedTest
  @ValueSource(strings = {"labels.gz", "labels-raw"})
  void labelsRoundTripGzipAndRaw(String name) {
    byte[] labels = {0, 9, 3, 3, 7};
    Path file = dir.resolve(name);
    IdxFiles.writeLabels(file, labels);
    assertArrayEquals(labels, IdxFile.readLabels(file, 10));
  }

  @Test
  void gzipFilesAreReallyCompressedAndRawOnesAreNot() throws IOException {
    IdxFiles.writeLabels(dir.resolve("l.gz"), new byte[] {1, 2});
    IdxFiles.writeLabels(dir.resolve("l"), new byte[] {1, 2});
    byte[] gz = Files.readAllBytes(dir.resolve("l.gz"));
    assertEquals(0x1f, gz[0] & 0xff);
    assertEquals(0x8b, gz[1] & 0xff);
    assertArrayEquals(new byte[] {0, 0, 8, 1, 0, 0, 0, 2, 1, 2}, Files.readAllBytes(dir.resolve("l")));
  }

  private String failure(Runnable read) {
    CourseException e = assertThrows(CourseException.class, read::run);
    assertEquals(CourseException.BAD_INPUT, e.exitCode());
    assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
    return e.getMessage();
  }

  private Path rawFile(String name, int... ints) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      for (int i : ints) {
        out.writeInt(i);
      }
    }
    Path file = dir.resolve(name);
    Files.write(file, bytes.toByteArray());
    return file;
  }

  @Test
  void labelFileReadAsImagesSaysSwapped() {
    Path labels = dir.resolve("labels.gz");
    IdxFiles.writeLabels(labels, new byte[] {1});
    String message = failure(() -> IdxFile.readImages(labels));
    assertTrue(message.startsWith(labels + ": has magic number 0x00000801, expected 0x00000803"), message);
    assertTrue(message.contains("swapped"), message);
  }

  @Test
  void foreignFileHasWrongMagic() throws IOException {
    Path file = dir.resolve("notes.txt");
    Files.writeString(file, "hello, this is not MNIST");
    String message = failure(() -> IdxFile.readLabels(file, 10));
    assertTrue(message.startsWith(file + ": has magic number 0x68656c6c, expected 0x00000801"), message);
  }

  @Test
  void truncatedHeader() throws IOException {
    Path file = rawFile("short", IdxFile.IMAGES_MAGIC, 5);
    assertEquals(file + ": is truncated: it ends inside its header", failure(() -> IdxFile.readImages(file)));
  }

  @Test
  void truncatedBody() throws IOException {
    Path file = dir.resolve("cut");
    IdxFiles.writeImages(file, randomImages(2, 28, 28));
    byte[] whole = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(whole, whole.length - 100));
    assertEquals(file + ": is truncated: its header declares 2 images of 28 x 28 (1568 bytes) but only"
        + " 1468 bytes follow", failure(() -> IdxFile.readImages(file)));
  }

  @Test
  void dataAfterTheDeclaredImages() throws IOException {
    Path file = dir.resolve("long");
    IdxFiles.writeImages(file, randomImages(2, 28, 28));
    Files.write(file, new byte[] {1, 2, 3}, StandardOpenOption.APPEND);
    assertEquals(file + ": has data after the 2 images of 28 x 28 its header declares",
        failure(() -> IdxFile.readImages(file)));
  }

  @Test
  void negativeAndZeroSizes() throws IOException {
    Path negative = rawFile("negative", IdxFile.LABELS_MAGIC, -3);
    assertEquals(negative + ": declares a negative size -3 in its header",
        failure(() -> IdxFile.readLabels(negative, 10)));
    Path zero = rawFile("zero", IdxFile.IMAGES_MAGIC, 1, 0, 28);
    assertEquals(zero + ": declares images of 0 x 28 pixels", failure(() -> IdxFile.readImages(zero)));
  }

  @Test
  void labelOutOfRange() {
    Path file = dir.resolve("labels");
    IdxFiles.writeLabels(file, new byte[] {3, 4, 12, 5});
    assertEquals(file + ": has label 12 at index 2, outside 0-9", failure(() -> IdxFile.readLabels(file, 10)));
  }

  @ParameterizedTest
  @ValueSource(ints = {12, 400})
  void cutOffGzipIsNotMistakenForACutOffIdxFile(int keptBytes) throws IOException {
    Path file = dir.resolve("damaged.gz");
    IdxFiles.writeImages(file, randomImages(1, 28, 28));
    // Cut inside the gzip stream (in the IDX header, then in the pixels): gzip's own end-of-stream.
    Files.write(file, Arrays.copyOf(Files.readAllBytes(file), keptBytes));
    String message = failure(() -> IdxFile.readImages(file));
    assertTrue(message.startsWith(file + ": is a damaged or truncated gzip file"), message);
  }

  @Test
  void corruptedGzipData() throws IOException {
    Path file = dir.resolve("flipped.gz");
    IdxFiles.writeImages(file, randomImages(1, 28, 28));
    byte[] gz = Files.readAllBytes(file);
    gz[gz.length - 6] ^= 0x5a; // inside the CRC-32 trailer
    Files.write(file, gz);
    String message = failure(() -> IdxFile.readImages(file));
    assertEquals(file + ": is a damaged or truncated gzip file (Gzip-compressed data is corrupt (CRC32 error))",
        message);
  }

  @Test
  void dimensionsWhoseProductOverflowsALongAreRefusedNamingThem() throws IOException {
    // 3 x (2^31-1) x (2^31-1) wraps around 2^63; the check must not multiply them naively.
    Path file = rawFile("huge", IdxFile.IMAGES_MAGIC, 3, Integer.MAX_VALUE, Integer.MAX_VALUE);
    assertEquals(file + ": declares 3 images of 2147483647 x 2147483647 pixels, more than the "
        + IdxFile.MAX_BYTES + " bytes this reader holds in memory", failure(() -> IdxFile.readImages(file)));
    // Just over the limit in the count alone, and one image too large by itself.
    Path many = rawFile("many", IdxFile.IMAGES_MAGIC, Integer.MAX_VALUE, 28, 28);
    assertTrue(failure(() -> IdxFile.readImages(many)).startsWith(many + ": declares 2147483647 images"));
    Path wide = rawFile("wide", IdxFile.IMAGES_MAGIC, 0, 65536, 32768);
    assertTrue(failure(() -> IdxFile.readImages(wide)).startsWith(wide + ": declares 0 images of 65536 x 32768"));
  }

  @Test
  void theSizeLimitIsExact() {
    assertTrue(IdxFile.fits(1, 1, IdxFile.MAX_BYTES));
    assertTrue(IdxFile.fits(IdxFile.MAX_BYTES / 784, 28, 28));
    assertTrue(!IdxFile.fits(IdxFile.MAX_BYTES / 784 + 1, 28, 28));
    assertTrue(!IdxFile.fits(3, Integer.MAX_VALUE, Integer.MAX_VALUE));
    assertTrue(IdxFile.fits(Integer.MAX_VALUE, 0, 0)); // empty images are refused elsewhere
  }

  @ParameterizedTest
  @ValueSource(strings = {"x", "trailing garbage\n", "\u001f"})
  void trailingDataAfterTheGzipMemberIsRefused(String garbage) throws IOException {
    Path file = dir.resolve("padded.gz");
    IdxFiles.writeImages(file, randomImages(2, 28, 28));
    Files.write(file, garbage.getBytes(StandardCharsets.ISO_8859_1),
        StandardOpenOption.APPEND);
    String message = failure(() -> IdxFile.readImages(file));
    assertTrue(message.startsWith(file + ": is a damaged or truncated gzip file ("), message);
  }

  @Test
  void concatenatedGzipMembersAreOneFileAsGzipReadsThem() throws IOException {
    // `cat head.gz rest.gz` is a valid gzip file (gzip -t accepts it): the IDX data spans both.
    Path whole = dir.resolve("whole-raw");
    IdxFiles.writeLabels(whole, new byte[] {4, 2, 7, 1});
    byte[] raw = Files.readAllBytes(whole);
    Path head = dir.resolve("head.gz");
    Path rest = dir.resolve("rest.gz");
    Files.write(head, gzip(Arrays.copyOf(raw, 6)));
    Files.write(rest, gzip(Arrays.copyOfRange(raw, 6, raw.length)));
    Path file = dir.resolve("two-members.gz");
    Files.write(file, concat(Files.readAllBytes(head), Files.readAllBytes(rest)));
    assertArrayEquals(new byte[] {4, 2, 7, 1}, IdxFile.readLabels(file, 10));
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(data);
    }
    return bytes.toByteArray();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }

  @Test
  void missingFile() {
    Path file = dir.resolve("absent.gz");
    assertEquals(file + ": no such file", failure(() -> IdxFile.readImages(file)));
  }
}
