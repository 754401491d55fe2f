package dev.tfjava.course.serve.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tfjava.course.serve.core.ServingException;
import dev.tfjava.course.serve.core.TensorSpec;
import dev.tfjava.course.serve.core.TensorValues;
import java.io.IOException;
import java.util.Arrays;

/**
 * Reads one signature input from a streaming JSON parser (a scalar or nested lists) straight into
 * a primitive array of the declared dtype ({@link TensorValues}): no tree of JSON nodes, so a value costs its tensor's
 * bytes. The nesting gives the shape, found while reading: the first list to close at each depth
 * fixes that dimension, every later one must match (else "ragged"), and leaves may only sit at one
 * depth. Floats must be finite: none of the course's models means anything by NaN or infinity.
 */
final class TensorDecoder {
  private final TensorSpec spec;
  private final Leaves leaves;
  /** Each dimension, -1 until the first list at that depth closes. */
  private final long[] dims = new long[ServingJson.MAX_DEPTH + 2];
  /** Where the parser is, for error messages ({@code [0][3]}). */
  private final long[] index = new long[ServingJson.MAX_DEPTH + 2];
  private int rank = -1;

  TensorDecoder(TensorSpec spec) {
    this.spec = spec;
    this.leaves = Leaves.of(spec);
    Arrays.fill(dims, -1);
  }

  /** Reads the value at the parser's current token as the whole tensor (columnar format). */
  void readValue(JsonParser json) throws IOException {
    value(json, 0);
  }

  /**
   * Reads the rest of a list whose opening bracket was consumed, the parser being on its first
   * element (or its end): that list is the tensor's first dimension (one-input row format).
   */
  void readListFromFirstElement(JsonParser json) throws IOException {
    long n = 0;
    for (JsonToken token = json.currentToken(); token != JsonToken.END_ARRAY;
        token = json.nextToken()) {
      index[0] = n++;
      value(json, 1);
    }
    closeList(0, n);
  }

  /** Reads the value at the current token as row {@code row} (named-input row format). */
  void readRow(JsonParser json, long row) throws IOException {
    index[0] = row;
    value(json, 1);
  }

  /** Ends the rows read with {@link #readRow}: the first dimension is {@code rows}. */
  void endRows(long rows) {
    closeList(0, rows);
  }

  /** The shape read; TensorFlow, not the signature's declared shape, decides if it fits. */
  long[] shape() {
    return Arrays.copyOf(dims, Math.max(rank, 0));
  }

  /** The values read, in the shape read. */
  TensorValues values() {
    return leaves.values(shape());
  }

  private void value(JsonParser json, int depth) throws IOException {
    JsonToken token = json.currentToken();
    if (token == JsonToken.START_ARRAY) {
      if (rank >= 0 && depth >= rank) {
        throw fail(depth, "a nested list where " + leaves.kind() + " belongs");
      }
      long n = 0;
      while (json.nextToken() != JsonToken.END_ARRAY) {
        index[depth] = n++;
        value(json, depth + 1);
      }
      closeList(depth, n);
    } else if (token == JsonToken.START_OBJECT) {
      throw fail(depth, "an object where " + (rank >= 0 && depth >= rank ? leaves.kind()
          : "a list") + " belongs");
    } else {
      if (rank < 0) {
        rank = depth;
      } else if (depth != rank) {
        throw fail(depth, "a value where a list belongs (a ragged list: every element of a tensor"
            + " must have the same shape)");
      }
      leaves.put(json, this, depth);
    }
  }

  private void closeList(int depth, long n) {
    if (rank < 0) {
      // An empty innermost list: nothing below it, so the rank ends here.
      rank = depth + 1;
    }
    if (dims[depth] < 0) {
      dims[depth] = n;
    } else if (dims[depth] != n) {
      throw fail(depth, "a ragged list (expected " + dims[depth] + " elements at depth " + depth
          + ", got " + n + "; every element of a tensor must have the same shape)");
    }
  }

  ServingException fail(int depth, String what) {
    StringBuilder where = new StringBuilder();
    for (int d = 0; d < depth; d++) {
      where.append('[').append(index[d]).append(']');
    }
    return ServingException.invalidArgument("input '" + spec.alias() + "'"
        + (where.length() > 0 ? " at " + where : "") + ": " + what);
  }

  /** The growing primitive array a dtype's leaves are stored in. */
  private abstract static class Leaves {
    /** Leaves stored so far. */
    int count;
    /** Capacity of the array. */
    int capacity = 64;

    abstract String kind();

    /** Stores the leaf at the parser's current token at {@link #count}; capacity is there. */
    abstract void store(JsonParser json, TensorDecoder decoder, int depth) throws IOException;

    /** Resizes the array to {@code newCapacity}. */
    abstract void grow(int newCapacity);

    abstract TensorValues values(long[] shape);

    final void put(JsonParser json, TensorDecoder decoder, int depth) throws IOException {
      if (count == capacity) {
        if (capacity >= Integer.MAX_VALUE - 16) {
          throw decoder.fail(depth, "too many values for one tensor");
        }
        int next = (int) Math.min(Integer.MAX_VALUE - 16L, capacity * 2L);
        grow(next);
        capacity = next;
      }
      store(json, decoder, depth);
      count++;
    }

    final ServingException wrongType(JsonParser json, TensorDecoder decoder, int depth)
        throws IOException {
      JsonToken token = json.currentToken();
      String got = switch (token) {
        case VALUE_STRING -> "the string \"" + abbreviate(json.getText()) + "\"";
        case VALUE_TRUE, VALUE_FALSE -> "BOOLEAN " + json.getText();
        case VALUE_NULL -> "NULL null";
        default -> "NUMBER " + abbreviate(json.getText());
      };
      return decoder.fail(depth, "expected " + kind() + " for " + decoder.spec.dtype() + ", got "
          + got);
    }

    final double finite(JsonParser json, TensorDecoder decoder, int depth) throws IOException {
      if (!json.currentToken().isNumeric()) {
        throw wrongType(json, decoder, depth);
      }
      double value = json.currentToken() == JsonToken.VALUE_NUMBER_FLOAT
          ? ShortDecimal.exactValue(json.getTextCharacters(), json.getTextOffset(),
              json.getTextLength())
          : Double.NaN;
      if (Double.isNaN(value)) {
        value = json.getDoubleValue(); // most of a predict body's parse time was spent here
      }
      if (!Double.isFinite(value)) {
        throw decoder.fail(depth, "non-finite value " + json.getText()
            + " (inputs must be finite numbers)");
      }
      return value;
    }

    private static String abbreviate(String text) {
      return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }

    static Leaves of(TensorSpec spec) {
      return switch (spec.dtype()) {
        case DT_FLOAT -> new Leaves() {
          float[] values = new float[capacity];

          @Override String kind() {
            return "a number";
          }

          @Override void store(JsonParser json, TensorDecoder decoder, int depth)
              throws IOException {
            float value = (float) finite(json, decoder, depth);
            if (Float.isInfinite(value)) {
              throw decoder.fail(depth, json.getText() + " is outside the float32 range");
            }
            values[count] = value;
          }

          @Override void grow(int newCapacity) {
            values = Arrays.copyOf(values, newCapacity);
          }

          @Override TensorValues values(long[] shape) {
            return TensorValues.ofFloats(shape, values);
          }
        };
        case DT_DOUBLE -> new Leaves() {
          double[] values = new double[capacity];

          @Override String kind() {
            return "a number";
          }

          @Override void store(JsonParser json, TensorDecoder decoder, int depth)
              throws IOException {
            values[count] = finite(json, decoder, depth);
          }

          @Override void grow(int newCapacity) {
            values = Arrays.copyOf(values, newCapacity);
          }

          @Override TensorValues values(long[] shape) {
            return TensorValues.ofDoubles(shape, values);
          }
        };
        case DT_INT32 -> new Leaves() {
          int[] values = new int[capacity];

          @Override String kind() {
            return "a 32-bit integer";
          }

          @Override void store(JsonParser json, TensorDecoder decoder, int depth)
              throws IOException {
            if (json.currentToken() != JsonToken.VALUE_NUMBER_INT
                || json.getNumberType() != JsonParser.NumberType.INT) {
              throw wrongType(json, decoder, depth);
            }
            values[count] = json.getIntValue();
          }

          @Override void grow(int newCapacity) {
            values = Arrays.copyOf(values, newCapacity);
          }

          @Override TensorValues values(long[] shape) {
            return TensorValues.ofInts(shape, values);
          }
        };
        case DT_INT64 -> new Leaves() {
          long[] values = new long[capacity];

          @Override String kind() {
            return "a 64-bit integer";
          }

          @Override void store(JsonParser json, TensorDecoder decoder, int depth)
              throws IOException {
            if (json.currentToken() != JsonToken.VALUE_NUMBER_INT
                || json.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
              throw wrongType(json, decoder, depth);
            }
            values[count] = json.getLongValue();
          }

          @Override void grow(int newCapacity) {
            values = Arrays.copyOf(values, newCapacity);
          }

          @Override TensorValues values(long[] shape) {
            return TensorValues.ofLongs(shape, values);
          }
        };
        case DT_BOOL -> new Leaves() {
          boolean[] values = new boolean[capacity];

          @Override String kind() {
            return "true or false";
          }

          @Override void store(JsonParser json, TensorDecoder decoder, int depth)
              throws IOException {
            JsonToken token = json.currentToken();
            if (token != JsonToken.VALUE_TRUE && token != JsonToken.VALUE_FALSE) {
              throw wrongType(json, decoder, depth);
            }
            values[count] = token == JsonToken.VALUE_TRUE;
          }

          @Override void grow(int newCapacity) {
            values = Arrays.copyOf(values, newCapacity);
          }

          @Override TensorValues values(long[] shape) {
            return TensorValues.ofBooleans(shape, values);
          }
        };
        default -> throw ServingException.invalidArgument("input '" + spec.alias() + "' has dtype "
            + spec.dtype() + ", which this server does not decode (float, double, int32, int64"
            + " and bool are supported)");
      };
    }
  }
}
