package dev.tfjava.course.train;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gradients;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Adam as {@code tf.train.AdamOptimizer().minimize(loss)} builds it (learning rate 0.001,
 * β1 0.9, β2 0.999, ε 1e-8; TensorFlow's ApplyAdam kernel), from explicit gradients of the
 * variables it is given.
 *
 * <p>Why not tensorflow-framework's {@code Adam}: it names each slot {@code <variable>-m}, which is
 * an invalid op name for a variable in a sub-scope such as {@code conv1/kernel}, and its
 * {@code minimize} takes every variable of the graph; and it decays the β powers in the same group
 * as the updates with no order between them, so a step may use the next step's bias correction
 * (its steps differ from Adam's formulas). Here the state is named as
 * {@code tf.train.AdamOptimizer} names it, so that the notebook's {@code tf.train.Saver()} finds
 * it in a checkpoint and the other way round: slots {@code <var>/Adam} (m) and
 * {@code <var>/Adam_1} (v), and {@code beta1_power} / {@code beta2_power} in the scope the update
 * is built in ({@code train/beta1_power}, as {@code minimize} inside the notebook's
 * {@code name_scope("train")} names them); only the given variables are trained.
 */
public final class AdamUpdate {
  public static final float LEARNING_RATE = 0.001f;
  public static final float BETA1 = 0.9f;
  public static final float BETA2 = 0.999f;
  public static final float EPSILON = 1e-8f;

  private AdamUpdate() {}

  /** One Adam step on {@code variables} with TensorFlow's default hyper-parameters. */
  public static Op minimize(Ops tf, Operand<TFloat32> loss, List<Variable<TFloat32>> variables) {
    return minimize(tf, loss, variables, LEARNING_RATE);
  }

  /**
   * Builds one Adam step in {@code tf}'s scope (e.g. {@code train}): gradients of {@code loss},
   * the m and v slots and the β powers (zero / β-initialised variables), the updates, and then the
   * β-power decay, in that order.
   *
   * @return the op to run as the training target, named {@code Adam}
   */
  public static Op minimize(Ops tf, Operand<TFloat32> loss, List<Variable<TFloat32>> variables,
      float learningRate) {
    Gradients gradients = tf.gradients(loss, variables);
    Ops init = tf.withInitScope();
    // In the optimizer's name scope, as minimize() inside the notebook's name_scope("train") names
    // them: train/beta1_power (Training/beta1_power in Unit 3).
    Variable<TFloat32> beta1Power = NamedVariables.create(tf, tf.scope().makeOpName("beta1_power"),
        init.constant(BETA1));
    Variable<TFloat32> beta2Power = NamedVariables.create(tf, tf.scope().makeOpName("beta2_power"),
        init.constant(BETA2));
    Operand<TFloat32> lr = tf.constant(learningRate);
    Operand<TFloat32> beta1 = tf.constant(BETA1);
    Operand<TFloat32> beta2 = tf.constant(BETA2);
    Operand<TFloat32> epsilon = tf.constant(EPSILON);

    // No variable may change before every gradient op that reads it has run: dX = dY·Wᵀ reads W
    // itself, so an earlier ApplyAdam would race it and make training irreproducible. Each update
    // waits for those readers only, as TF 1.x's default gate_gradients=GATE_OP orders them, so the
    // large fc1 update can run while the convolutions' gradients are still being computed.
    GradientReaders readers = GradientReaders.of(gradients);
    List<Op> updates = new ArrayList<>();
    for (int i = 0; i < variables.size(); i++) {
      Variable<TFloat32> variable = variables.get(i);
      String name = variable.op().name();
      Operand<TFloat32> zeros = init.zeros(init.constant(variable.shape()), TFloat32.class);
      Variable<TFloat32> m = NamedVariables.create(tf, name + "/Adam", zeros);
      Variable<TFloat32> v = NamedVariables.create(tf, name + "/Adam_1", zeros);
      Operand<TFloat32> gradient = gradients.<TFloat32>dy(i).expect(TFloat32.class);
      Ops gated = tf.withControlDependencies(readers.toWaitFor(variable, gradient));
      updates.add(gated.train.applyAdam(variable, m, v, beta1Power, beta2Power, lr, beta1, beta2,
          epsilon, gradient));
    }
    // β^t advances after every variable has used this step's value, as in TF 1.x.
    Ops afterUpdates = tf.withControlDependencies(updates);
    List<Op> powers = List.of(
        afterUpdates.assign(beta1Power, afterUpdates.math.mul(beta1Power, beta1)),
        afterUpdates.assign(beta2Power, afterUpdates.math.mul(beta2Power, beta2)));
    return tf.withControlDependencies(powers).withName("Adam").noOp();
  }
}
