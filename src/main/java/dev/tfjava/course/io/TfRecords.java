package dev.tfjava.course.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * TensorFlow's TFRecord files (tensorflow/core/lib/io/record_writer.cc): each record is its
 * length (uint64, little-endian), the masked CRC-32C of those 8 bytes, the data, and the masked
 * CRC-32C of the data. TF Serving's warm-up file is one; Python's
 * {@code tf.data.TFRecordDataset} reads what {@link #write} writes. Reading checks every length
 * and checksum, so a truncated or corrupt file is an error naming the record, never garbage.
 */
public final class TfRecords {
  private static final int MASK_DELTA = 0xa282ead8;
  private static final int HEADER = 12;

  /** A file that is not a well-formed TFRecord file. */
  public static final class CorruptRecordException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CorruptRecordException(String message) {
      super(message);
    }
  }

  private TfRecords() {}

  /** Writes {@code records} to {@code file} atomically. */
  public static void write(Path file, List<byte[]> records) {
    AtomicFiles.write(file, bytes(records));
  }

  /**
   * Reads at most {@code maxRecords} records of at most {@code maxRecordBytes} each.
   *
   * @throws CorruptRecordException for a bad checksum, a truncated record, an oversized one or
   *     more records than allowed, naming the record (1-based)
   */
  public static List<byte[]> read(Path file, int maxRecords, int maxRecordBytes) {
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, maxRecords, maxRecordBytes);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  /** As {@link #read(Path, int, int)}, from a stream. */
  public static List<byte[]> read(InputStream in, int maxRecords, int maxRecordBytes)
      throws IOException {
    List<byte[]> records = new ArrayList<>();
    while (true) {
      int number = records.size() + 1;
      byte[] header = in.readNBytes(HEADER);
      if (header.length == 0) {
        return records;
      }
      if (header.length < HEADER) {
        throw corrupt(number, "the file ends inside its length header");
      }
      ByteBuffer head = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
      long length = head.getLong();
      if (head.getInt() != maskedCrc(header, 0, 8)) {
        throw corrupt(number, "its length's checksum does not match (not a TFRecord file?)");
      }
      if (number > maxRecords) {
        throw corrupt(number, "more than " + maxRecords + " records");
      }
      if (length < 0 || length > maxRecordBytes) {
        throw corrupt(number, "its length " + Long.toUnsignedString(length) + " is more than "
            + maxRecordBytes + " bytes");
      }
      byte[] data = in.readNBytes((int) length);
      byte[] crc = in.readNBytes(4);
      if (data.length < length || crc.length < 4) {
        throw corrupt(number, "the file ends inside it (truncated)");
      }
      if (ByteBuffer.wrap(crc).order(ByteOrder.LITTLE_ENDIAN).getInt()
          != maskedCrc(data, 0, data.length)) {
        throw corrupt(number, "its data's checksum does not match (corrupt)");
      }
      records.add(data);
    }
  }

  /** {@code records} as one TFRecord file's bytes. */
  public static byte[] bytes(List<byte[]> records) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] record : records) {
      ByteBuffer head = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
      head.putLong(record.length).putInt(maskedCrc(head.array(), 0, 8));
      out.writeBytes(head.array());
      out.writeBytes(record);
      out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)
          .putInt(maskedCrc(record, 0, record.length)).array());
    }
    return out.toByteArray();
  }

  /** TensorFlow's masked CRC-32C (crc32c.h: a CRC of CRCs must not look like a plain CRC). */
  static int maskedCrc(byte[] bytes, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, length);
    int value = (int) crc.getValue();
    return ((value >>> 15) | (value << 17)) + MASK_DELTA;
  }

  private static CorruptRecordException corrupt(int number, String why) {
    return new CorruptRecordException("record " + number + ": " + why);
  }
}
