package dev.tfjava.course.nn.cells;

import dev.tfjava.course.nn.Activation;
import dev.tfjava.course.nn.ModelVariables;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * A recurrent cell built from TF ops: its weights, its zero state, and one step
 * (x_t, state_{t−1}) → (output_t, state_t). One instance belongs to one graph ({@link #build} creates
 * its variables there); {@link CellKind} makes fresh ones.
 *
 * <p>The step is split in two so that the unrolled graph stays small: the input part x_t·W_x + b
 * does not depend on the state, so {@link #projectInputs} computes it for all time steps in one
 * matmul, and {@link #stepProjected} adds the recurrent part h_{t−1}·W_h per step. This is the
 * same arithmetic as one matmul of [x_t, h_{t−1}] with the stacked kernel [W_x; W_h], which is
 * what the variables hold, under TF1's names ({@code rnn/basic_lstm_cell/kernel}, see
 * {@link StackedKernel}).
 */
public abstract class RecurrentCell {
  /** One step's result: the cell output and the new state (one tensor per state part). */
  public record Step(Operand<TFloat32> output, List<Operand<TFloat32>> state) {}

  /**
   * The zero state known when the graph is built: a step from it skips the recurrent matmul, whose
   * result would be zeros anyway.
   */
  public static final List<Operand<TFloat32>> ZERO_STATE = List.of();

  protected final int units;
  protected final Activation activation;

  protected RecurrentCell(int units, Activation activation) {
    if (units < 1) {
      throw new IllegalArgumentException("units must be >= 1");
    }
    this.units = units;
    this.activation = activation;
  }

  public int units() {
    return units;
  }

  public Activation activation() {
    return activation;
  }

  /** Tensors in the state: 2 for an LSTM (c, h), 1 otherwise; each [batch, units]. */
  public int stateParts() {
    return 1;
  }

  /** Creates the cell's variables for inputs of {@code inputSize} features. Call once. */
  public abstract void build(ModelVariables variables, long inputSize);

  /** The cell's variables, in the order {@code ReferenceCells} takes their values. */
  public abstract List<Variable<TFloat32>> weights();

  /** Columns of {@link #projectInputs}'s result (units times the number of gate blocks). */
  public abstract int projectionWidth();

  /** x·W_x + b (plus constant offsets such as the LSTM's forget bias) for rows of inputs. */
  public abstract Operand<TFloat32> projectInputs(Ops tf, Operand<TFloat32> inputs);

  /**
   * One step from an input already passed through {@link #projectInputs}.
   *
   * @param state the previous state, or {@link #ZERO_STATE}
   */
  public abstract Step stepProjected(Ops tf, Operand<TFloat32> projected,
      List<Operand<TFloat32>> state);

  /** One step from a raw input x_t of shape [batch, inputSize]. */
  public final Step step(Ops tf, Operand<TFloat32> input, List<Operand<TFloat32>> state) {
    return stepProjected(tf, projectInputs(tf, input), state);
  }

  /** The zero state for a batch size known only when the graph runs. */
  public List<Operand<TFloat32>> zeroState(Ops tf, Operand<TInt32> batchSize) {
    Operand<TInt32> shape = tf.stack(List.of(batchSize, tf.constant(units)));
    List<Operand<TFloat32>> state = new ArrayList<>();
    for (int i = 0; i < stateParts(); i++) {
      state.add(tf.fill(shape, tf.constant(0f)));
    }
    return state;
  }

  /** h_{t−1}·W_h added to the projected input, or the projected input alone from the zero state. */
  static Operand<TFloat32> plusRecurrent(Ops tf, Operand<TFloat32> projected,
      Operand<TFloat32> h, StackedKernel kernel) {
    return h == null ? projected : tf.math.add(projected, tf.linalg.matMul(h, kernel.recurrent(tf)));
  }

  /** The state part {@code index}, or {@code null} for the zero state. */
  protected static Operand<TFloat32> part(List<Operand<TFloat32>> state, int index) {
    return state.isEmpty() ? null : state.get(index);
  }

  /** x·W_x + b. */
  static Operand<TFloat32> affine(Ops tf, Operand<TFloat32> inputs, StackedKernel kernel,
      Variable<TFloat32> bias) {
    return tf.math.add(tf.linalg.matMul(inputs, kernel.input(tf)), bias);
  }
}
