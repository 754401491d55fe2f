package dev.tfjava.course.export;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.proto.BundleEntryProto;
import org.tensorflow.proto.BundleHeaderProto;

/**
 * Reads a checkpoint's {@code .index} (TensorFlow's tensor bundle: a LevelDB-format table, stored
 * uncompressed, mapping each tensor name to a {@code BundleEntryProto} with its dtype, shape, data
 * shard, offset and size). TF Java has no checkpoint reader; this lists a checkpoint without asking
 * TensorFlow to read a missing tensor, which would log a native warning besides our one line.
 */
final class CheckpointIndex {
  private static final long TABLE_MAGIC = 0xdb4775248b80fb57L;
  private static final int FOOTER = 48;
  private static final int BLOCK_TRAILER = 5;

  /** The bundle's header and its tensors, in name order. */
  record Contents(BundleHeaderProto header, Map<String, BundleEntryProto> tensors) {}

  private CheckpointIndex() {}

  /** Parses {@code index}; an {@link IOException} if it is not a tensor bundle index. */
  static Contents read(Path index) throws IOException {
    ByteBuffer file = ByteBuffer.wrap(Files.readAllBytes(index)).order(ByteOrder.LITTLE_ENDIAN);
    if (file.capacity() < FOOTER || file.getLong(file.capacity() - 8) != TABLE_MAGIC) {
      throw new IOException(index + " is not a TensorFlow checkpoint index");
    }
    ByteBuffer footer = file.duplicate().order(ByteOrder.LITTLE_ENDIAN)
        .position(file.capacity() - FOOTER);
    varint(footer); // metaindex block: offset
    varint(footer); // and size
    long indexOffset = varint(footer);
    long indexSize = varint(footer);
    BundleHeaderProto header = BundleHeaderProto.getDefaultInstance();
    Map<String, BundleEntryProto> tensors = new LinkedHashMap<>();
    for (byte[] handle : block(file, indexOffset, indexSize).values()) {
      ByteBuffer h = ByteBuffer.wrap(handle);
      for (Map.Entry<String, byte[]> entry : block(file, varint(h), varint(h)).entrySet()) {
        if (entry.getKey().isEmpty()) {
          header = BundleHeaderProto.parseFrom(entry.getValue());
        } else {
          tensors.put(entry.getKey(), BundleEntryProto.parseFrom(entry.getValue()));
        }
      }
    }
    return new Contents(header, tensors);
  }

  /** The key/value entries of one table block (prefix-compressed keys, restarts at the end). */
  private static Map<String, byte[]> block(ByteBuffer file, long offset, long size)
      throws IOException {
    if (offset < 0 || size < 4 || offset + size + BLOCK_TRAILER > file.capacity()) {
      throw new IOException("a block lies outside the index file");
    }
    if (file.get((int) (offset + size)) != 0) {
      throw new IOException("a compressed block (this reader expects TensorFlow's uncompressed bundles)");
    }
    int restarts = file.getInt((int) (offset + size - 4));
    int end = (int) (offset + size) - 4 * (restarts + 1);
    ByteBuffer b = file.duplicate().position((int) offset).limit(end);
    Map<String, byte[]> entries = new LinkedHashMap<>();
    byte[] key = new byte[0];
    while (b.hasRemaining()) {
      int shared = (int) varint(b);
      int unshared = (int) varint(b);
      int valueLength = (int) varint(b);
      byte[] next = new byte[shared + unshared];
      System.arraycopy(key, 0, next, 0, shared);
      b.get(next, shared, unshared);
      byte[] value = new byte[valueLength];
      b.get(value);
      key = next;
      entries.put(new String(key, java.nio.charset.StandardCharsets.UTF_8), value);
    }
    return entries;
  }

  private static long varint(ByteBuffer b) throws IOException {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (!b.hasRemaining()) {
        throw new IOException("truncated varint in the index");
      }
      byte next = b.get();
      result |= (long) (next & 0x7f) << shift;
      if (next >= 0) {
        return result;
      }
    }
    throw new IOException("malformed varint in the index");
  }
}
