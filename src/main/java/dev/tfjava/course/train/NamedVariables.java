package dev.tfjava.course.train;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.Scope;
import org.tensorflow.op.core.Assign;
import org.tensorflow.op.core.Identity;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Variables under full TF1 names ({@code conv1/kernel/Adam}), made as TF1's {@code RefVariable}:
 * the variable op, its initializer {@code <name>/Assign} (run once by the session) and the
 * snapshot {@code <name>/read}. The model's variables ({@code nn.ModelVariables}) and Adam's state
 * ({@link AdamUpdate}) are made here.
 */
public final class NamedVariables {
  private NamedVariables() {}

  /** A variable named exactly {@code fullName}, initialised from {@code initialValue}. */
  public static Variable<TFloat32> create(Ops tf, String fullName, Operand<TFloat32> initialValue) {
    Scope initScope = tf.withInitScope().scope();
    Variable<TFloat32> variable = Variable.create(ExactNameScope.of(initScope, fullName),
        initialValue.shape(), TFloat32.class);
    Assign.create(ExactNameScope.of(initScope, fullName + "/Assign"), variable, initialValue);
    Identity.create(ExactNameScope.of(tf.scope(), fullName + "/read"), variable);
    return variable;
  }
}
