package dev.tfjava.course.serve.json;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The top level of a predict body read from its bytes without tokenizing the values: which of
 * {@code instances} and {@code inputs} are there and the {@code signature_name}. Skipping a
 * 784-number list this way costs a bracket count instead of a JSON parse, which was a third of a
 * REST worker's time. It only answers for plain bodies: anything it does not expect (an escape in
 * a key, a non-string signature name, unbalanced brackets, deep nesting, non-ASCII bytes) makes
 * it decline, and the full parser scans the body and names the problem. What it skips is still
 * parsed, strictly, when the values are decoded ({@link JsonPredictRequest#decode}).
 */
final class TopLevelScan extends JsonByteReader {
  /**
   * What the top level holds. When it holds nothing but one {@code instances} or {@code inputs}
   * and at most one plain {@code signature_name}, {@code valueStart} and {@code valueEnd} bound
   * that value's bytes (as the buffer's indices); else both are -1.
   */
  record Keys(String signatureName, boolean instances, boolean inputs, int valueStart,
      int valueEnd) {
    Keys(String signatureName, boolean instances, boolean inputs) {
      this(signatureName, instances, inputs, -1, -1);
    }
  }

  /** The bytes a skipped value passes over without a look: all but quotes, brackets, controls. */
  private static final boolean[] PASSED = new boolean[256];

  static {
    // Printable ASCII only: a byte past 0x7f outside a string is never JSON (the scan declines).
    for (int b = 0x20; b < 0x80; b++) {
      PASSED[b] = b != '"' && b != '[' && b != ']' && b != '{' && b != '}';
    }
  }

  private TopLevelScan(ByteBuffer bytes) {
    super(bytes, bytes.position(), bytes.limit());
  }

  /**
   * The top level's keys, or null when this scan declines and the full parser must look (also
   * for a buffer without an array: a large body kept off the heap).
   */
  static Keys scan(ByteBuffer bytes, String defaultSignature) {
    return bytes.hasArray() ? new TopLevelScan(bytes).keys(defaultSignature) : null;
  }

  private Keys keys(String defaultSignature) {
    String signatureName = defaultSignature;
    boolean instances = false;
    boolean inputs = false;
    int signatures = 0;
    int values = 0;
    int others = 0;
    int valueStart = -1;
    int valueEnd = -1;
    if (next() != '{') {
      return null;
    }
    int c = next();
    if (c != '}') {
      while (true) {
        if (c != '"') {
          return null;
        }
        String key = plainString();
        if (key == null || next() != ':') {
          return null;
        }
        int start = at;
        switch (key) {
          case "signature_name" -> {
            signatures++;
            if (next() != '"' || (signatureName = plainString()) == null) {
              return null;
            }
          }
          case "instances" -> instances = skipValue();
          case "inputs" -> inputs = skipValue();
          default -> {
            others++;
            if (!skipValue()) {
              return null;
            }
          }
        }
        if (key.equals("instances") && !instances || key.equals("inputs") && !inputs) {
          return null;
        }
        if (key.equals("instances") || key.equals("inputs")) {
          values++;
          valueStart = start - base;
          valueEnd = at - base;
        }
        c = next();
        if (c == '}') {
          break;
        }
        if (c != ',') {
          return null;
        }
        c = next();
      }
    }
    if (next() != -1) {
      return null;
    }
    boolean plain = values == 1 && signatures <= 1 && others == 0;
    return plain ? new Keys(signatureName, instances, inputs, valueStart, valueEnd)
        : new Keys(signatureName, instances, inputs);
  }

  /** A string after its opening quote, up to and past its closing one; null unless plain ASCII. */
  private String plainString() {
    int start = at;
    while (at < end) {
      int b = bytes[at++];
      if (b == '"') {
        return new String(bytes, start, at - 1 - start, StandardCharsets.US_ASCII);
      }
      if (b == '\\' || b < 0x20) { // an escape, a control character or a non-ASCII byte
        return null;
      }
    }
    return null;
  }

  /** Skips one value whose first byte is next; false when it is not well bracketed. */
  private boolean skipValue() {
    int c = next();
    if (c == '"') {
      return skipString();
    }
    if (c != '[' && c != '{') {
      // A scalar: up to the byte that ends it (its spelling is checked when decoded).
      while (at < end) {
        int b = bytes[at];
        if (b == ',' || b == '}' || b == ']' || isWhitespace(b)) {
          return true;
        }
        if (b < 0x20) {
          return false;
        }
        at++;
      }
      return false;
    }
    byte[] open = new byte[ServingJson.MAX_DEPTH];
    int depth = 0;
    open[depth++] = (byte) c;
    int i = at; // a local, not the field, in the loop over most of the body
    while (i < end) {
      int b = bytes[i++];
      if (PASSED[b & 0xff]) {
        continue; // most of a value: digits, points, commas
      }
      switch (b) {
        case '"' -> {
          i = stringEnd(i);
          if (i < 0) {
            return false;
          }
        }
        case '[', '{' -> {
          if (depth == open.length) {
            return false; // the full parser reports the nesting limit
          }
          open[depth++] = (byte) b;
        }
        case ']', '}' -> {
          if (open[--depth] != (b == ']' ? '[' : '{')) {
            return false;
          }
          if (depth == 0) {
            at = i;
            return true;
          }
        }
        default -> {
          if (!isWhitespace(b)) {
            return false; // a control character
          }
        }
      }
    }
    return false;
  }

  /** Skips a string after its opening quote, escapes included. */
  private boolean skipString() {
    int after = stringEnd(at);
    if (after < 0) {
      return false;
    }
    at = after;
    return true;
  }

  /** Past the closing quote of the string whose opening quote is before {@code i}; -1 if none. */
  private int stringEnd(int i) {
    while (i < end) {
      int b = bytes[i++];
      if (b == '\\') {
        i++;
      } else if (b == '"') {
        return i;
      } else if (b < 0x20) {
        return -1;
      }
    }
    return -1;
  }
}
