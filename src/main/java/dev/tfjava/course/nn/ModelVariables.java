package dev.tfjava.course.nn;

import dev.tfjava.course.train.NamedVariables;
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
 * The one factory for a model's trainable variables, used by layers and cells alike, under the
 * full names the notebook's TF1 graph gives them ({@code conv1/kernel},
 * {@code rnn/basic_lstm_cell/kernel}, {@code dense/bias}), so that checkpoints and SavedModels move
 * between the notebook and this port unchanged; Adam's state ({@code conv1/kernel/Adam}) is made
 * the same way ({@link NamedVariables}).
 *
 * <p>Each variable comes as TF1's {@code RefVariable} does: the variable op, its initializer
 * {@code <name>/Assign} and a snapshot {@code <name>/read}. They are remembered in creation order
 * for the optimizer and for {@code tf.trainable_variables()}; their random initial values are built in the notebook's
 * init scope ({@code Init_and_Saver} / {@code init_and_save}).
 */
public final class ModelVariables {
  private final Ops tf;
  private final Ops init;
  private final Seeds seeds;
  private final List<Variable<TFloat32>> trainable = new ArrayList<>();

  /**
   * @param tf the graph's root {@code Ops}
   * @param initScope the name scope for initial values, created here once
   */
  public ModelVariables(Ops tf, Seeds seeds, String initScope) {
    this.tf = tf;
    this.init = tf.withInitScope().withSubScope(initScope);
    this.seeds = seeds;
  }

  /** A trainable variable drawn Glorot-uniform, fans from its shape as {@code tf.layers} does. */
  public Variable<TFloat32> glorotUniform(String name, Shape shape) {
    return trainable(name, Initializers.glorotUniform(init.withSubScope(flat(name)), seeds, shape));
  }

  /** A trainable variable filled with {@code value} (biases: 0, or 1 for the GRU's gates). */
  public Variable<TFloat32> constant(String name, Shape shape, float value) {
    return trainable(name, init.withName(flat(name) + "_initial_value")
        .fill(init.constant(shape), init.constant(value)));
  }

  /** A layer's {@code <scope>/kernel} (Glorot-uniform) and {@code <scope>/bias} (zeros). */
  public LayerWeights layer(String scope, Shape kernelShape) {
    Variable<TFloat32> kernel = glorotUniform(scope + "/kernel", kernelShape);
    Shape biasShape = Shape.of(kernelShape.get(kernelShape.numDimensions() - 1));
    return new LayerWeights(kernel, constant(scope + "/bias", biasShape, 0f));
  }

  /** The trainable variables, in creation order ({@code tf.trainable_variables()}). */
  public List<Variable<TFloat32>> all() {
    return Collections.unmodifiableList(trainable);
  }

  private Variable<TFloat32> trainable(String name, Operand<TFloat32> initialValue) {
    Variable<TFloat32> variable = NamedVariables.create(tf, name, initialValue);
    trainable.add(variable);
    return variable;
  }

  /** A name usable as one scope segment: {@code rnn/basic_lstm_cell/kernel} → {@code rnn_basic_lstm_cell_kernel}. */
  static String flat(String name) {
    return name.replace('/', '_');
  }
}
