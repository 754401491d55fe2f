package dev.tfjava.course.nn.cells;

import dev.tfjava.course.nn.Initializers;
import dev.tfjava.course.train.Seeds;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Creates a model's trainable variables and remembers them, in order, for the optimizer.
 *
 * <p>Variables live at the graph's root scope with readable flat names ({@code lstm_cell_bias},
 * {@code dense_kernel}), TF1's names with "/" turned into "_", so that checkpoints and
 * TensorBoard show which cell a weight belongs to. Their initial
 * values are built in the {@code Init_and_Saver} scope (the notebook's
 * {@code global_variables_initializer}), as initializers the session runs once.
 */
public final class ModelVariables {
  private final Ops root;
  private final Ops init;
  private final Seeds seeds;
  private final List<Variable<TFloat32>> variables = new ArrayList<>();

  /** @param tf the graph's root {@code Ops}; the {@code Init_and_Saver} scope is created here, once. */
  public ModelVariables(Ops tf, Seeds seeds) {
    this.root = tf.withInitScope();
    this.init = root.withSubScope("Init_and_Saver");
    this.seeds = seeds;
  }

  /** A variable of {@code shape} drawn Glorot-uniform with the given fans. */
  public Variable<TFloat32> glorotUniform(String name, Shape shape, long fanIn, long fanOut) {
    return create(name, shape, Initializers.glorotUniform(init.withName(name + "_glorot_uniform"),
        seeds, shape, fanIn, fanOut));
  }

  /** A variable of {@code shape} filled with {@code value} (biases: 0, or 1 for GRU gates). */
  public Variable<TFloat32> constant(String name, Shape shape, float value) {
    return create(name, shape, init.withName(name + "_initial_value")
        .fill(init.constant(shape), init.constant(value)));
  }

  private Variable<TFloat32> create(String name, Shape shape, Operand<TFloat32> initialValue) {
    Variable<TFloat32> variable = root.withName(name).variable(shape, TFloat32.class);
    init.withName(name + "_init").assign(variable, initialValue);
    variables.add(variable);
    return variable;
  }

  /** Every variable created, in creation order. */
  public List<Variable<TFloat32>> all() {
    return Collections.unmodifiableList(variables);
  }
}
