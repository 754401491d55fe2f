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
 * TF1's {@code GRUCell} — a real GRU (the notebook's "GRU" section built a BasicLSTMCell again):
 * [r, u] = σ(W_g[x_t, h_{t−1}] + b_g), h̃ = φ(W_c[x_t, r ⊙ h_{t−1}] + b_c),
 * h_t = u ⊙ h_{t−1} + (1 − u) ⊙ h̃. This is the seed's z-form with z = 1 − u; as in TF1 the gate
 * bias starts at 1, so the cell starts by keeping its state. Variables
 * {@code rnn/gru_cell/gates/kernel} [inputs + units, 2·units] + {@code /bias} and
 * {@code rnn/gru_cell/candidate/kernel} [inputs + units, units] + {@code /bias}.
 */
public final class GruCell extends RecurrentCell {
  /** TF1's initial gate bias. */
  public static final float GATE_BIAS = 1.0f;

  private StackedKernel gateKernel;
  private Variable<TFloat32> gateBias;
  private StackedKernel candidateKernel;
  private Variable<TFloat32> candidateBias;

  public GruCell(int units, Activation activation) {
    super(units, activation);
  }

  @Override
  public void build(ModelVariables variables, long inputSize) {
    long gates = 2L * units;
    gateKernel = new StackedKernel(variables, "rnn/gru_cell/gates/kernel", inputSize, units, gates);
    gateBias = variables.constant("rnn/gru_cell/gates/bias", Shape.of(gates), GATE_BIAS);
    candidateKernel = new StackedKernel(variables, "rnn/gru_cell/candidate/kernel", inputSize,
        units, units);
    candidateBias = variables.constant("rnn/gru_cell/candidate/bias", Shape.of(units), 0f);
  }

  @Override
  public int projectionWidth() {
    return 3 * units;
  }

  @Override
  public List<Variable<TFloat32>> weights() {
    return List.of(gateKernel.variable(), gateBias, candidateKernel.variable(), candidateBias);
  }

  /** [x·W_gx + b_g, x·W_cx + b_c]: 3·units columns, the gates' then the candidate's. */
  @Override
  public Operand<TFloat32> projectInputs(Ops tf, Operand<TFloat32> inputs) {
    return tf.concat(List.of(affine(tf, inputs, gateKernel, gateBias),
        affine(tf, inputs, candidateKernel, candidateBias)), tf.constant(1));
  }

  @Override
  public Step stepProjected(Ops tf, Operand<TFloat32> projected, List<Operand<TFloat32>> state) {
    Operand<TFloat32> h = part(state, 0);
    var parts = tf.splitV(projected, tf.constant(new int[] {2 * units, units}), tf.constant(1), 2L)
        .output();
    Split<TFloat32> gates = tf.split(tf.constant(1),
        tf.math.sigmoid(plusRecurrent(tf, parts.get(0), h, gateKernel)), 2L);
    Operand<TFloat32> r = gates.output().get(0);
    Operand<TFloat32> u = gates.output().get(1);
    Operand<TFloat32> resetState = h == null ? null : tf.math.mul(r, h);
    Operand<TFloat32> candidate = activation.apply(tf,
        plusRecurrent(tf, parts.get(1), resetState, candidateKernel));
    // u·h + (1 − u)·h̃ written as h̃ + u·(h − h̃): three ops instead of four; h = 0 at the start.
    Operand<TFloat32> newH = h == null
        ? tf.math.sub(candidate, tf.math.mul(u, candidate))
        : tf.math.add(candidate, tf.math.mul(u, tf.math.sub(h, candidate)));
    return new Step(newH, List.of(newH));
  }
}
