package dev.tfjava.course.nn.cells;

import dev.tfjava.course.nn.Activation;
import dev.tfjava.course.nn.ModelVariables;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Split;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * TF1's {@code BasicLSTMCell}: one matmul of [x_t, h_{t−1}] to 4·units, split into i, j, f, o;
 * c_t = c_{t−1}·σ(f + forget_bias) + σ(i)·φ(j); h_t = φ(c_t)·σ(o). State (c, h); output h.
 * Variables {@code rnn/basic_lstm_cell/kernel} [inputs + units, 4·units] and
 * {@code rnn/basic_lstm_cell/bias} [4·units]; the forget bias is added when the graph runs, not
 * stored, as in TF1.
 */
public final class BasicLstmCell extends RecurrentCell {
  /** TF1's default forget bias, added to f so that the cell starts by remembering. */
  public static final float FORGET_BIAS = 1.0f;

  private StackedKernel kernel;
  private Variable<TFloat32> bias;

  public BasicLstmCell(int units, Activation activation) {
    super(units, activation);
  }

  @Override
  public int stateParts() {
    return 2;
  }

  @Override
  public void build(ModelVariables variables, long inputSize) {
    long width = 4L * units;
    kernel = new StackedKernel(variables, "rnn/basic_lstm_cell/kernel", inputSize, units, width);
    bias = variables.constant("rnn/basic_lstm_cell/bias", Shape.of(width), 0f);
  }

  @Override
  public int projectionWidth() {
    return 4 * units;
  }

  @Override
  public List<Variable<TFloat32>> weights() {
    return List.of(kernel.variable(), bias);
  }

  /** x·W_x + b, with the forget bias folded into the f columns once instead of once per step. */
  @Override
  public Operand<TFloat32> projectInputs(Ops tf, Operand<TFloat32> inputs) {
    float[] forget = new float[4 * units];
    java.util.Arrays.fill(forget, 2 * units, 3 * units, FORGET_BIAS);
    return tf.math.add(affine(tf, inputs, kernel, bias), tf.constant(forget));
  }

  @Override
  public Step stepProjected(Ops tf, Operand<TFloat32> projected, List<Operand<TFloat32>> state) {
    Operand<TFloat32> c = part(state, 0);
    Split<TFloat32> gates = tf.split(tf.constant(1),
        plusRecurrent(tf, projected, part(state, 1), kernel), 4L);
    Operand<TFloat32> i = gates.output().get(0);
    Operand<TFloat32> j = gates.output().get(1);
    Operand<TFloat32> f = gates.output().get(2);
    Operand<TFloat32> o = gates.output().get(3);
    Operand<TFloat32> added = tf.math.mul(tf.math.sigmoid(i), activation.apply(tf, j));
    Operand<TFloat32> newC = c == null ? added
        : tf.math.add(tf.math.mul(c, tf.math.sigmoid(f)), added);
    Operand<TFloat32> newH = tf.math.mul(activation.apply(tf, newC), tf.math.sigmoid(o));
    return new Step(newH, List.of(newC, newH));
  }
}
