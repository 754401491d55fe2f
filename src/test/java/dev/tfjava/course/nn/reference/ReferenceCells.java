package dev.tfjava.course.nn.reference;

import dev.tfjava.course.nn.Activation;
import dev.tfjava.course.nn.cells.CellKind;
import java.util.List;

/**
 * The three cells' textbook equations in plain Java (double precision), for checking the TF graphs:
 * each step is one product of [x_t, h_{t−1}] with the whole stacked kernel [W_x; W_h], as TF1
 * writes it, whereas the graph splits that product in two. Weights are given as the flat row-major
 * values of {@code RecurrentCell.weights()}, in that order (in double, so that finite differences
 * can perturb them finely).
 */
public final class ReferenceCells {
  private ReferenceCells() {}

  /** One cell with fixed weights. States are arrays of [batch·units] values, one per part. */
  public interface Cell {
    int stateParts();

    /** The next state; its last part is the output h_t. */
    double[][] step(double[] x, double[][] state, int batch);
  }

  /** The reference of {@code kind} for the given weights. */
  public static Cell of(CellKind kind, List<double[]> weights, int inputSize, int units,
      Activation activation) {
    return switch (kind) {
      case BASIC_RNN -> new BasicRnn(weights, inputSize, units, activation);
      case LSTM -> new Lstm(weights, inputSize, units, activation);
      case GRU -> new Gru(weights, inputSize, units, activation);
    };
  }

  /** Zeros for every state part. */
  public static double[][] zeroState(Cell cell, int batch, int units) {
    return new double[cell.stateParts()][batch * units];
  }

  /** Runs the cell over inputs [batch, steps, inputSize] from the zero state: outputs [batch, steps, units]. */
  public static double[] unroll(Cell cell, double[] inputs, int batch, int steps, int inputSize,
      int units) {
    double[][] state = zeroState(cell, batch, units);
    double[] outputs = new double[batch * steps * units];
    double[] x = new double[batch * inputSize];
    for (int t = 0; t < steps; t++) {
      for (int b = 0; b < batch; b++) {
        System.arraycopy(inputs, (b * steps + t) * inputSize, x, b * inputSize, inputSize);
      }
      state = cell.step(x, state, batch);
      double[] h = state[state.length - 1];
      for (int b = 0; b < batch; b++) {
        System.arraycopy(h, b * units, outputs, (b * steps + t) * units, units);
      }
    }
    return outputs;
  }

  static double sigmoid(double z) {
    return Activation.SIGMOID.value(z);
  }

  /** A stacked kernel [W_x; W_h] of width {@code width} and its bias. */
  record Affine(double[] inputKernel, double[] recurrentKernel, double[] bias, int inputSize,
      int units, int width) {

    /** [x_b, h_b]·[W_x; W_h] + bias for every row b: [batch·width]. */
    double[] apply(double[] x, double[] h, int batch) {
      double[] z = new double[batch * width];
      for (int b = 0; b < batch; b++) {
        for (int k = 0; k < width; k++) {
          double sum = bias[k];
          for (int r = 0; r < inputSize + units; r++) {
            // Row r of the stacked kernel: W_x's rows first, then W_h's.
            double in = r < inputSize ? x[b * inputSize + r] : h[b * units + r - inputSize];
            double w = r < inputSize ? inputKernel[r * width + k]
                : recurrentKernel[(r - inputSize) * width + k];
            sum += in * w;
          }
          z[b * width + k] = sum;
        }
      }
      return z;
    }
  }

  /** h_t = φ(W[x_t, h_{t−1}] + b). */
  private record BasicRnn(Affine affine, Activation activation) implements Cell {
    BasicRnn(List<double[]> w, int inputSize, int units, Activation activation) {
      this(new Affine(w.get(0), w.get(1), w.get(2), inputSize, units, units), activation);
    }

    @Override
    public int stateParts() {
      return 1;
    }

    @Override
    public double[][] step(double[] x, double[][] state, int batch) {
      double[] z = affine.apply(x, state[0], batch);
      for (int i = 0; i < z.length; i++) {
        z[i] = activation.value(z[i]);
      }
      return new double[][] {z};
    }
  }

  /** i, j, f, o = W[x_t, h_{t−1}] + b; c_t = c·σ(f + 1) + σ(i)·φ(j); h_t = φ(c_t)·σ(o). */
  private record Lstm(Affine affine, int units, Activation activation) implements Cell {
    Lstm(List<double[]> w, int inputSize, int units, Activation activation) {
      this(new Affine(w.get(0), w.get(1), w.get(2), inputSize, units, 4 * units), units,
          activation);
    }

    @Override
    public int stateParts() {
      return 2;
    }

    @Override
    public double[][] step(double[] x, double[][] state, int batch) {
      double[] c = state[0];
      double[] z = affine.apply(x, state[1], batch);
      double[] newC = new double[batch * units];
      double[] newH = new double[batch * units];
      for (int b = 0; b < batch; b++) {
        for (int u = 0; u < units; u++) {
          int row = b * 4 * units;
          double i = z[row + u];
          double j = z[row + units + u];
          double f = z[row + 2 * units + u];
          double o = z[row + 3 * units + u];
          int k = b * units + u;
          newC[k] = c[k] * sigmoid(f + 1.0) + sigmoid(i) * activation.value(j);
          newH[k] = activation.value(newC[k]) * sigmoid(o);
        }
      }
      return new double[][] {newC, newH};
    }
  }

  /** [r, u] = σ(W_g[x, h] + b_g); h̃ = φ(W_c[x, r ⊙ h] + b_c); h_t = u ⊙ h + (1 − u) ⊙ h̃. */
  private record Gru(Affine gates, Affine candidate, int units, Activation activation)
      implements Cell {
    Gru(List<double[]> w, int inputSize, int units, Activation activation) {
      this(new Affine(w.get(0), w.get(1), w.get(2), inputSize, units, 2 * units),
          new Affine(w.get(3), w.get(4), w.get(5), inputSize, units, units), units, activation);
    }

    @Override
    public int stateParts() {
      return 1;
    }

    @Override
    public double[][] step(double[] x, double[][] state, int batch) {
      double[] h = state[0];
      double[] g = gates.apply(x, h, batch);
      double[] resetH = new double[batch * units];
      double[] update = new double[batch * units];
      for (int b = 0; b < batch; b++) {
        for (int u = 0; u < units; u++) {
          int k = b * units + u;
          resetH[k] = sigmoid(g[b * 2 * units + u]) * h[k];
          update[k] = sigmoid(g[b * 2 * units + units + u]);
        }
      }
      double[] c = candidate.apply(x, resetH, batch);
      double[] newH = new double[batch * units];
      for (int k = 0; k < newH.length; k++) {
        newH[k] = update[k] * h[k] + (1 - update[k]) * activation.value(c[k]);
      }
      return new double[][] {newH};
    }
  }
}
