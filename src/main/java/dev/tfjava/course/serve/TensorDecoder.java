package dev.tfjava.course.serve;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Turns a JSON value (a scalar or nested lists) into a tensor for one signature input: the nesting
 * gives the shape, which must be rectangular and fit the declared one, and every leaf must suit
 * the declared dtype. Values are gathered into one primitive array and copied into the tensor in
 * bulk. Floats must be finite: none of the course's models means anything by NaN or infinity.
 */
final class TensorDecoder {
  private TensorDecoder() {}

  /** Decodes {@code value} for {@code spec}; the caller closes the tensor. */
  static Tensor decode(JsonNode value, TensorSpec spec) {
    long[] shape = shapeOf(value);
    if (!spec.accepts(shape)) {
      throw ServingException.badRequest("input '" + spec.alias() + "' has shape "
          + TensorSpec.formatShape(shape) + " but the signature expects " + spec.shapeText());
    }
    long count = Shape.of(shape).size();
    if (count > Integer.MAX_VALUE) {
      throw ServingException.badRequest("input '" + spec.alias() + "' is too large");
    }
    Leaves leaves = leavesFor(spec, (int) count);
    new Walker(spec, shape, leaves).walk(value, 0, new ArrayList<>());
    return leaves.toTensor(Shape.of(shape));
  }

  /** The shape suggested by the first element at every depth ({@code []} for a scalar). */
  private static long[] shapeOf(JsonNode value) {
    List<Long> dims = new ArrayList<>();
    JsonNode node = value;
    while (node.isArray()) {
      dims.add((long) node.size());
      if (node.isEmpty()) {
        break;
      }
      node = node.get(0);
    }
    return dims.stream().mapToLong(Long::longValue).toArray();
  }

  /** Checks every list has the shape's length at its depth and stores the leaves in order. */
  private record Walker(TensorSpec spec, long[] shape, Leaves leaves) {
    void walk(JsonNode node, int depth, List<Integer> path) {
      if (depth == shape.length) {
        if (node.isArray() || node.isObject()) {
          throw fail(path, "a nested list or object where a " + leaves.kind() + " belongs");
        }
        leaves.put(node, this, path);
        return;
      }
      if (!node.isArray() || node.size() != shape[depth]) {
        throw fail(path, "a ragged list (expected " + shape[depth] + " elements at depth " + depth
            + ", every element of a tensor must have the same shape)");
      }
      for (int i = 0; i < node.size(); i++) {
        path.add(i);
        walk(node.get(i), depth + 1, path);
        path.remove(path.size() - 1);
      }
    }

    ServingException fail(List<Integer> path, String what) {
      StringBuilder where = new StringBuilder();
      path.forEach(i -> where.append('[').append(i).append(']'));
      return ServingException.badRequest("input '" + spec.alias() + "'"
          + (where.length() > 0 ? " at " + where : "") + ": " + what);
    }
  }

  /** The primitive array a dtype's leaves are gathered into. */
  private abstract static class Leaves {
    int next;

    abstract String kind();

    abstract void store(JsonNode leaf, Walker walker, List<Integer> path);

    abstract Tensor toTensor(Shape shape);

    final void put(JsonNode leaf, Walker walker, List<Integer> path) {
      store(leaf, walker, path);
      next++;
    }

    final ServingException wrongType(JsonNode leaf, Walker walker, List<Integer> path) {
      return walker.fail(path, "expected " + kind() + " for " + walker.spec().dtype()
          + ", got " + (leaf.isTextual() ? "the string " + leaf : leaf.getNodeType() + " " + leaf));
    }

    final double finite(JsonNode leaf, Walker walker, List<Integer> path) {
      if (!leaf.isNumber()) {
        throw wrongType(leaf, walker, path);
      }
      double value = leaf.doubleValue();
      if (!Double.isFinite(value)) {
        throw walker.fail(path, "non-finite value " + leaf + " (inputs must be finite numbers)");
      }
      return value;
    }
  }

  private static Leaves leavesFor(TensorSpec spec, int count) {
    return switch (spec.dtype()) {
      case DT_FLOAT -> new Leaves() {
        final float[] values = new float[count];

        @Override String kind() {
          return "a number";
        }

        @Override void store(JsonNode leaf, Walker walker, List<Integer> path) {
          float value = (float) finite(leaf, walker, path);
          if (Float.isInfinite(value)) {
            throw walker.fail(path, leaf + " is outside the float32 range");
          }
          values[next] = value;
        }

        @Override Tensor toTensor(Shape shape) {
          return TFloat32.tensorOf(shape, DataBuffers.of(values, true, false));
        }
      };
      case DT_DOUBLE -> new Leaves() {
        final double[] values = new double[count];

        @Override String kind() {
          return "a number";
        }

        @Override void store(JsonNode leaf, Walker walker, List<Integer> path) {
          values[next] = finite(leaf, walker, path);
        }

        @Override Tensor toTensor(Shape shape) {
          return TFloat64.tensorOf(shape, DataBuffers.of(values, true, false));
        }
      };
      case DT_INT32 -> new Leaves() {
        final int[] values = new int[count];

        @Override String kind() {
          return "a 32-bit integer";
        }

        @Override void store(JsonNode leaf, Walker walker, List<Integer> path) {
          if (!leaf.isIntegralNumber() || !leaf.canConvertToInt()) {
            throw wrongType(leaf, walker, path);
          }
          values[next] = leaf.intValue();
        }

        @Override Tensor toTensor(Shape shape) {
          return TInt32.tensorOf(shape, DataBuffers.of(values, true, false));
        }
      };
      case DT_INT64 -> new Leaves() {
        final long[] values = new long[count];

        @Override String kind() {
          return "a 64-bit integer";
        }

        @Override void store(JsonNode leaf, Walker walker, List<Integer> path) {
          if (!leaf.isIntegralNumber() || !leaf.canConvertToLong()) {
            throw wrongType(leaf, walker, path);
          }
          values[next] = leaf.longValue();
        }

        @Override Tensor toTensor(Shape shape) {
          return TInt64.tensorOf(shape, DataBuffers.of(values, true, false));
        }
      };
      case DT_BOOL -> new Leaves() {
        final boolean[] values = new boolean[count];

        @Override String kind() {
          return "true or false";
        }

        @Override void store(JsonNode leaf, Walker walker, List<Integer> path) {
          if (!leaf.isBoolean()) {
            throw wrongType(leaf, walker, path);
          }
          values[next] = leaf.booleanValue();
        }

        @Override Tensor toTensor(Shape shape) {
          return TBool.tensorOf(shape, DataBuffers.of(values, true, false));
        }
      };
      default -> throw ServingException.badRequest("input '" + spec.alias() + "' has dtype "
          + spec.dtype() + ", which this server does not decode (float, double, int32, int64 and"
          + " bool are supported)");
    };
  }
}
