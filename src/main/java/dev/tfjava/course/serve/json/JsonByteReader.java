package dev.tfjava.course.serve.json;

import java.nio.ByteBuffer;

/**
 * A position in a region of a body's bytes, for the readers that take the common predict bodies
 * straight from the bytes ({@link TopLevelScan}, {@link PlainNumberLists}) instead of through the
 * streaming parser. They read the buffer's backing array, which the JIT walks much faster than
 * a buffer's checked accessors (those were most of such a reader's time); positions ({@code at},
 * {@code end}) are indices into that array, {@code base} past the buffer's own index 0.
 */
abstract class JsonByteReader {
  final byte[] bytes;
  final int base;
  final int end;
  int at;

  /** Reads {@code buffer[start, end)}, in the buffer's own indices; it must have an array. */
  JsonByteReader(ByteBuffer buffer, int start, int end) {
    this.bytes = buffer.array();
    this.base = buffer.arrayOffset();
    this.at = base + start;
    this.end = base + end;
  }

  /**
   * The next byte that is not JSON whitespace, consumed, as 0-255; -1 at the end (only there: a
   * 0xFF byte read as a signed -1 ended a body early, found by PredictBodyFuzzTest).
   */
  final int next() {
    while (at < end) {
      int b = bytes[at++] & 0xff;
      if (!isWhitespace(b)) {
        return b;
      }
    }
    return -1;
  }

  /** The four bytes JSON allows between tokens. */
  static boolean isWhitespace(int b) {
    return b == ' ' || b == '\n' || b == '\r' || b == '\t';
  }
}
