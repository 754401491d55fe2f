package dev.tfjava.course.nn.cells;

import dev.tfjava.course.nn.ModelVariables;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * A TF1 cell kernel: one variable [inputSize + units, width] over [x_t, h_{t−1}], input rows first,
 * as the notebook's {@code dynamic_rnn} stores it. The graph uses its two row blocks apart (W_x for
 * every step's input in one matmul, W_h per step), split once per graph, so that the checkpoint
 * keeps TF1's layout while the unrolled graph keeps its cheap structure.
 */
final class StackedKernel {
  private final Variable<TFloat32> variable;
  private final long inputSize;
  private final long units;
  private List<Output<TFloat32>> blocks;

  /** Creates the Glorot-uniform kernel {@code name} (fans of the whole stacked matrix). */
  StackedKernel(ModelVariables variables, String name, long inputSize, long units, long width) {
    this.variable = variables.glorotUniform(name, Shape.of(inputSize + units, width));
    this.inputSize = inputSize;
    this.units = units;
  }

  Variable<TFloat32> variable() {
    return variable;
  }

  /** W_x: rows 0 .. inputSize − 1. */
  Operand<TFloat32> input(Ops tf) {
    return blocks(tf).get(0);
  }

  /** W_h: the last {@code units} rows. */
  Operand<TFloat32> recurrent(Ops tf) {
    return blocks(tf).get(1);
  }

  // One SplitV for the graph, made by the first user (a cell instance belongs to one graph).
  private List<Output<TFloat32>> blocks(Ops tf) {
    if (blocks == null) {
      blocks = tf.splitV(variable, tf.constant(new long[] {inputSize, units}), tf.constant(0), 2L)
          .output();
    }
    return blocks;
  }
}
