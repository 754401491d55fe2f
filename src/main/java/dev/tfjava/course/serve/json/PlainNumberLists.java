package dev.tfjava.course.serve.json;

import dev.tfjava.course.serve.core.TensorSpec;
import dev.tfjava.course.serve.core.TensorValues;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.tensorflow.proto.DataType;

/**
 * The common predict value, nested lists of plain numbers for one float or double input, read
 * straight from the body's bytes: about three times cheaper than tokens from the streaming parser,
 * which were most of a batched REST request's CPU. It reads exactly what {@link TensorDecoder}
 * would (shape from the nesting, each number correctly rounded to double and then to float) and
 * declines (null) anything else — another dtype, an empty or ragged list, a value past float's
 * range, a byte JSON would not allow — so that the full decoder reads it and names the problem.
 */
final class PlainNumberLists extends JsonByteReader {
  private final long[] dims = new long[ServingJson.MAX_DEPTH + 1];
  private int rank = -1;
  private double[] values = new double[1024];
  private int count;

  private PlainNumberLists(ByteBuffer bytes, int start, int end) {
    super(bytes, start, end);
    Arrays.fill(dims, -1);
  }

  /** The value in {@code bytes[start, end)} as {@code spec}'s input, or null to decline. */
  static TensorValues read(ByteBuffer bytes, int start, int end, TensorSpec spec) {
    DataType dtype = spec.dtype();
    if (dtype != DataType.DT_FLOAT && dtype != DataType.DT_DOUBLE || !bytes.hasArray()) {
      return null;
    }
    PlainNumberLists reader = new PlainNumberLists(bytes, start, end);
    if (reader.next() != '[' || !reader.list(0) || reader.next() != -1) {
      return null;
    }
    long[] shape = Arrays.copyOf(reader.dims, reader.rank);
    if (dtype == DataType.DT_DOUBLE) {
      return TensorValues.ofDoubles(shape, reader.values);
    }
    float[] floats = new float[reader.count];
    for (int i = 0; i < floats.length; i++) {
      floats[i] = (float) reader.values[i];
      if (Float.isInfinite(floats[i])) {
        return null;
      }
    }
    return TensorValues.ofFloats(shape, floats);
  }

  /** A list whose opening bracket was read, at {@code depth}; false to decline. */
  private boolean list(int depth) {
    if (depth >= ServingJson.MAX_LIST_DEPTH || rank >= 0 && depth >= rank) {
      return false;
    }
    long n = 0;
    while (true) {
      int c = next();
      if (c == '[') {
        if (!list(depth + 1)) {
          return false;
        }
      } else if (c == '-' || c >= '0' && c <= '9') {
        if (rank < 0) {
          rank = depth + 1;
        } else if (rank != depth + 1) {
          return false;
        }
        if (!number()) {
          return false;
        }
      } else {
        return false; // an empty list, a string, an object, a literal...
      }
      n++;
      c = next();
      if (c == ']') {
        break;
      }
      if (c != ',') {
        return false;
      }
    }
    if (dims[depth] < 0) {
      dims[depth] = n;
    } else if (dims[depth] != n) {
      return false;
    }
    return true;
  }

  /**
   * A JSON number whose first byte was just read: -?(0|[1-9]d*)(.d+)?([eE][+-]?d+)?. One pass
   * over its bytes, in locals, also gathers the digits for {@link ShortDecimal}'s fast path.
   */
  private boolean number() {
    int start = at - 1;
    boolean negative = bytes[start] == '-';
    int first = negative ? start + 1 : start;
    long mantissa = 0; // the digits without the point
    int significant = 0; // how many of them count: not leading zeros
    int point = -1;
    int i = first;
    for (; i < end; i++) {
      int digit = bytes[i] - '0';
      if (digit >= 0 && digit <= 9) {
        if (mantissa != 0 || digit != 0) {
          significant++;
        }
        if (significant <= 18) {
          mantissa = mantissa * 10 + digit;
        }
      } else if (bytes[i] == '.' && point < 0) {
        point = i;
      } else {
        break;
      }
    }
    int integerDigits = (point < 0 ? i : point) - first;
    if (integerDigits == 0 || integerDigits > 1 && bytes[first] == '0' || point == i - 1) {
      return false; // no digit, a leading zero, or no digit after the point
    }
    int afterPoint = point < 0 ? 0 : i - point - 1;
    boolean exponent = i < end && (bytes[i] == 'e' || bytes[i] == 'E');
    if (exponent) {
      i++;
      if (i < end && (bytes[i] == '+' || bytes[i] == '-')) {
        i++;
      }
      int digits = i;
      while (i < end && bytes[i] >= '0' && bytes[i] <= '9') {
        i++;
      }
      if (i == digits) {
        return false;
      }
    }
    int length = i - start;
    if (length > ServingJson.MAX_NUMBER_LENGTH) {
      return false;
    }
    double value = exponent ? Double.NaN
        : ShortDecimal.exact(negative, mantissa, significant, afterPoint);
    if (Double.isNaN(value)) {
      value = Double.parseDouble(new String(bytes, start, length, StandardCharsets.US_ASCII));
    }
    if (!Double.isFinite(value)) {
      return false;
    }
    if (count == values.length) {
      values = Arrays.copyOf(values, values.length * 2);
    }
    // An integer token is read as an integer, so "-0" is 0, as the streaming decoder has it.
    values[count++] = point < 0 && !exponent && value == 0 ? 0.0 : value;
    at = i;
    return true;
  }
}
