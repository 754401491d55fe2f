package dev.tfjava.course.serve.json;

import java.nio.ByteBuffer;

/**
 * A position in a region of a body's bytes, for the readers that take the common predict bodies
 * straight from the bytes ({@link TopLevelScan}, {@link PlainNumberLists}) instead of through the
 * streaming parser.
 */
abstract class JsonByteReader {
  final ByteBuffer bytes;
  final int end;
  int at;

  JsonByteReader(ByteBuffer bytes, int start, int end) {
    this.bytes = bytes;
    this.at = start;
    this.end = end;
  }

  /** The next byte that is not JSON whitespace, consumed; -1 at the end. */
  final int next() {
    while (at < end) {
      int b = bytes.get(at++);
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
