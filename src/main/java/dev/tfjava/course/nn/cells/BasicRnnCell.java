package dev.tfjava.course.nn.cells;

import dev.tfjava.course.nn.Activation;
import dev.tfjava.course.nn.ModelVariables;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * TF1's {@code BasicRNNCell}: h_t = φ(W[x_t, h_{t−1}] + b); the output is h_t. Variables
 * {@code rnn/basic_rnn_cell/kernel} [inputs + units, units] and {@code rnn/basic_rnn_cell/bias}.
 */
public final class BasicRnnCell extends RecurrentCell {
  private StackedKernel kernel;
  private Variable<TFloat32> bias;

  public BasicRnnCell(int units, Activation activation) {
    super(units, activation);
  }

  @Override
  public void build(ModelVariables variables, long inputSize) {
    kernel = new StackedKernel(variables, "rnn/basic_rnn_cell/kernel", inputSize, units, units);
    bias = variables.constant("rnn/basic_rnn_cell/bias", Shape.of(units), 0f);
  }

  @Override
  public int projectionWidth() {
    return units;
  }

  @Override
  public List<Variable<TFloat32>> weights() {
    return List.of(kernel.variable(), bias);
  }

  @Override
  public Operand<TFloat32> projectInputs(Ops tf, Operand<TFloat32> inputs) {
    return affine(tf, inputs, kernel, bias);
  }

  @Override
  public Step stepProjected(Ops tf, Operand<TFloat32> projected, List<Operand<TFloat32>> state) {
    Operand<TFloat32> h = activation.apply(tf,
        plusRecurrent(tf, projected, part(state, 0), kernel));
    return new Step(h, List.of(h));
  }
}
