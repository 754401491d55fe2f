package dev.tfjava.course.nn.cells;

import dev.tfjava.course.nn.Activation;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/** TF1's {@code BasicRNNCell}: h_t = φ(W[x_t, h_{t−1}] + b); the output is h_t. */
public final class BasicRnnCell extends RecurrentCell {
  private Variable<TFloat32> inputKernel;
  private Variable<TFloat32> recurrentKernel;
  private Variable<TFloat32> bias;

  public BasicRnnCell(int units, Activation activation) {
    super(units, activation);
  }

  @Override
  public void build(ModelVariables variables, long inputSize) {
    long fanIn = inputSize + units;
    inputKernel = variables.glorotUniform("basic_rnn_cell_input_kernel",
        Shape.of(inputSize, units), fanIn, units);
    recurrentKernel = variables.glorotUniform("basic_rnn_cell_recurrent_kernel",
        Shape.of(units, units), fanIn, units);
    bias = variables.constant("basic_rnn_cell_bias", Shape.of(units), 0f);
  }

  @Override
  public int projectionWidth() {
    return units;
  }

  @Override
  public List<Variable<TFloat32>> weights() {
    return List.of(inputKernel, recurrentKernel, bias);
  }

  @Override
  public Operand<TFloat32> projectInputs(Ops tf, Operand<TFloat32> inputs) {
    return affine(tf, inputs, inputKernel, bias);
  }

  @Override
  public Step stepProjected(Ops tf, Operand<TFloat32> projected, List<Operand<TFloat32>> state) {
    Operand<TFloat32> h = activation.apply(tf,
        plusRecurrent(tf, projected, part(state, 0), recurrentKernel));
    return new Step(h, List.of(h));
  }
}
