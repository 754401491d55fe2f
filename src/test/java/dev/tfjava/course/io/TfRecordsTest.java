package dev.tfjava.course.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TFRecord files as TensorFlow writes them: known bytes for a known record (the masked CRC-32C
 * of TensorFlow's record_writer), records back as written, and every kind of damage refused with
 * the record named.
 */
class TfRecordsTest {
  @TempDir
  Path dir;

  @Test
  void oneRecordHasTensorFlowsLayoutAndChecksums() {
    byte[] file = TfRecords.bytes(List.of("abc".getBytes(StandardCharsets.US_ASCII)));
    // Python: tf.io.TFRecordWriter writing b"abc" gives exactly these 19 bytes.
    assertEquals("0300000000000000" + "b099490e" + "616263" + "6e57f121", hex(file));
  }

  @Test
  void recordsComeBackAsWritten() throws IOException {
    Random random = new Random(29);
    List<byte[]> records = List.of(new byte[0], bytes(random, 1), bytes(random, 70_000));
    Path file = dir.resolve("records");
    TfRecords.write(file, records);
    List<byte[]> read = TfRecords.read(file, 3, 1 << 20);
    assertEquals(3, read.size());
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(records.get(i), read.get(i));
    }
    assertEquals(12 + 4 + 12 + 1 + 4 + 12 + 70_000 + 4, Files.size(file));
  }

  @Test
  void damageIsRefusedNamingTheRecord() {
    byte[] good = TfRecords.bytes(List.of(new byte[] {1, 2, 3}, new byte[] {4, 5, 6}));
    byte[] flipped = good.clone();
    flipped[19 + 12] ^= 1; // the second record's first data byte
    assertEquals("record 2: its data's checksum does not match (corrupt)", refusal(flipped, 10));
    assertEquals("record 2: the file ends inside it (truncated)",
        refusal(Arrays.copyOf(good, good.length - 1), 10));
    assertEquals("record 1: the file ends inside its length header",
        refusal(Arrays.copyOf(good, 5), 10));
    assertEquals("record 2: more than 1 records", refusal(good, 1));
    assertTrue(refusal("not a tfrecord file at all".getBytes(StandardCharsets.US_ASCII), 10)
        .startsWith("record 1: its length's checksum does not match"));
  }

  /** Random bytes and random damage to a real file: a clean refusal, never anything else. */
  @Test
  void randomBytesAreReadOrRefusedCleanly() throws IOException {
    Random random = new Random(2929);
    byte[] real = TfRecords.bytes(List.of(bytes(random, 40), bytes(random, 3)));
    for (int i = 0; i < 5_000; i++) {
      byte[] input = i % 2 == 0 ? bytes(random, random.nextInt(64)) : real.clone();
      if (i % 2 == 1) {
        input[random.nextInt(input.length)] = (byte) random.nextInt();
      }
      try {
        TfRecords.read(new ByteArrayInputStream(input), 10, 1 << 10);
      } catch (TfRecords.CorruptRecordException e) {
        assertTrue(e.getMessage().startsWith("record "), e.getMessage());
      }
    }
  }

  private static String refusal(byte[] file, int maxRecords) {
    return assertThrows(TfRecords.CorruptRecordException.class,
        () -> TfRecords.read(new ByteArrayInputStream(file), maxRecords, 1 << 10)).getMessage();
  }

  private static byte[] bytes(Random random, int n) {
    byte[] bytes = new byte[n];
    random.nextBytes(bytes);
    return bytes;
  }

  private static String hex(byte[] bytes) {
    StringBuilder out = new StringBuilder();
    for (byte b : bytes) {
      out.append(String.format("%02x", b));
    }
    return out.toString();
  }
}
