package dev.tfjava.course.nn;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Activation functions, as TensorFlow ops and as plain Java math with their derivatives. */
public enum Activation {
  SIGMOID {
    @Override
    public Operand<TFloat32> apply(Ops tf, Operand<TFloat32> z) {
      return tf.math.sigmoid(z);
    }

    @Override
    public double value(double z) {
      return 1 / (1 + Math.exp(-z));
    }

    @Override
    public double derivative(double z) {
      double s = value(z);
      return s * (1 - s);
    }
  },
  RELU {
    @Override
    public Operand<TFloat32> apply(Ops tf, Operand<TFloat32> z) {
      return tf.nn.relu(z);
    }

    @Override
    public double value(double z) {
      return Math.max(0, z);
    }

    @Override
    public double derivative(double z) {
      return z > 0 ? 1 : 0;
    }
  };

  /** σ(z) as a graph op. */
  public abstract Operand<TFloat32> apply(Ops tf, Operand<TFloat32> z);

  /** σ(z). */
  public abstract double value(double z);

  /** σ'(z). */
  public abstract double derivative(double z);

  /** Lower-case name for output, e.g. {@code sigmoid}. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
