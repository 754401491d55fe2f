package dev.tfjava.course.tensorboard;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * TensorFlow's TFRecord framing, which event files use: per record a little-endian uint64 length,
 * the masked CRC-32C of those 8 bytes, the data, and the masked CRC-32C of the data.
 */
final class RecordFile {
  private static final int MASK_DELTA = 0xa282ead8;

  private RecordFile() {}

  static void write(OutputStream out, byte[] data) throws IOException {
    byte[] length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(data.length).array();
    out.write(length);
    out.write(intLittleEndian(maskedCrc(length)));
    out.write(data);
    out.write(intLittleEndian(maskedCrc(data)));
  }

  /** Reads every record, checking both checksums; a truncated last record is an error. */
  static List<byte[]> readAll(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    List<byte[]> records = new ArrayList<>();
    byte[] header = new byte[8];
    while (true) {
      int first = data.read();
      if (first < 0) {
        return records;
      }
      header[0] = (byte) first;
      try {
        data.readFully(header, 1, 7);
        checkCrc(header, readIntLittleEndian(data), "length");
        long length = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getLong();
        byte[] record = new byte[Math.toIntExact(length)];
        data.readFully(record);
        checkCrc(record, readIntLittleEndian(data), "data");
        records.add(record);
      } catch (EOFException e) {
        throw new IOException("truncated record after " + records.size() + " complete records", e);
      }
    }
  }

  private static void checkCrc(byte[] bytes, int stored, String what) throws IOException {
    if (maskedCrc(bytes) != stored) {
      throw new IOException("bad CRC of a record's " + what);
    }
  }

  static int maskedCrc(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes);
    int value = (int) crc.getValue();
    return ((value >>> 15) | (value << 17)) + MASK_DELTA;
  }

  private static byte[] intLittleEndian(int value) {
    return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
  }

  private static int readIntLittleEndian(DataInputStream in) throws IOException {
    byte[] b = new byte[4];
    in.readFully(b);
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt();
  }
}
