package dev.tfjava.course.nn.cells;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Stack;
import org.tensorflow.op.core.Unstack;
import org.tensorflow.types.TFloat32;

/**
 * Runs a cell over a fixed number of time steps by building every step into the graph (the
 * notebook's {@code dynamic_rnn} with a zero initial state). TF Java cannot build gradients through
 * a while loop, so the steps are unrolled statically: the graph grows with the sequence length,
 * which is fine for the 20 steps of Unit 3.
 */
public final class StaticUnroll {
  /** The unrolled cell: every step's output stacked, and the last output alone. */
  public record Result(Operand<TFloat32> outputs, Operand<TFloat32> lastOutput) {}

  private StaticUnroll() {}

  /**
   * Unrolls {@code cell} (already built) over {@code inputs} of shape [batch, steps, inputSize],
   * starting from the zero state.
   *
   * @return outputs of shape [batch, steps, units]
   */
  public static Result unroll(Ops tf, RecurrentCell cell, Operand<TFloat32> inputs, int steps,
      long inputSize) {
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be >= 1");
    }
    // The input projections of all steps in one matmul: [batch·steps, in] → [batch, steps, width].
    Operand<TFloat32> rows = tf.reshape(inputs, tf.constant(new long[] {-1, inputSize}));
    Operand<TFloat32> projected = tf.reshape(cell.projectInputs(tf, rows),
        tf.constant(new long[] {-1, steps, cell.projectionWidth()}));
    List<Output<TFloat32>> perStep = tf.unstack(projected, (long) steps, Unstack.axis(1L)).output();

    List<Operand<TFloat32>> state = RecurrentCell.ZERO_STATE;
    List<Operand<TFloat32>> outputs = new ArrayList<>(steps);
    for (int t = 0; t < steps; t++) {
      RecurrentCell.Step step = cell.stepProjected(tf.withSubScope("step" + t), perStep.get(t),
          state);
      outputs.add(step.output());
      state = step.state();
    }
    Operand<TFloat32> stacked = tf.withName("outputs").stack(outputs, Stack.axis(1L));
    return new Result(stacked, outputs.get(steps - 1));
  }
}
