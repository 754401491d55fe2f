package dev.tfjava.course.nn.reference;

import dev.tfjava.course.nn.Activation;
import java.util.Random;

/**
 * A fully-connected network in plain Java (double precision) with the course's backpropagation:
 * the δ recursion δᴸ = ∂C/∂aᴸ ⊙ σ'(zᴸ), δˡ = (Wˡ⁺¹)ᵀ δˡ⁺¹ ⊙ σ'(zˡ), ∂C/∂wˡⱼₖ = δˡⱼ aˡ⁻¹ₖ,
 * ∂C/∂bˡⱼ = δˡⱼ. The cost is the mean over inputs of ½‖aᴸ − t‖².
 *
 * <p>Weights follow the course's indexing: {@code weights[l][j][k]} connects neuron k of layer
 * l-1 to neuron j of layer l (layer 0 is the input, so {@code weights[0]} feeds the first hidden
 * layer).
 */
public final class ReferenceMlp {
  private final double[][][] weights;
  private final double[][] biases;
  private final Activation activation;

  public ReferenceMlp(double[][][] weights, double[][] biases, Activation activation) {
    this.weights = weights;
    this.biases = biases;
    this.activation = activation;
  }

  /**
   * A network with Glorot-uniform weights (limit √(6 / (fan_in + fan_out))) and small random
   * biases, drawn from {@code random}.
   *
   * @param sizes layer widths, input first
   */
  public static ReferenceMlp random(int[] sizes, Activation activation, Random random) {
    int layers = sizes.length - 1;
    double[][][] w = new double[layers][][];
    double[][] b = new double[layers][];
    for (int l = 0; l < layers; l++) {
      int fanIn = sizes[l];
      int fanOut = sizes[l + 1];
      double limit = Math.sqrt(6.0 / (fanIn + fanOut));
      w[l] = new double[fanOut][fanIn];
      b[l] = new double[fanOut];
      for (int j = 0; j < fanOut; j++) {
        for (int k = 0; k < fanIn; k++) {
          w[l][j][k] = (2 * random.nextDouble() - 1) * limit;
        }
        b[l][j] = 0.1 * (2 * random.nextDouble() - 1);
      }
    }
    return new ReferenceMlp(w, b, activation);
  }

  /** The gradients of the cost: {@code weights[l][j][k]} and {@code biases[l][j]} like the network. */
  public record Gradients(double[][][] weights, double[][] biases) {}

  public double[][][] weights() {
    return weights;
  }

  public double[][] biases() {
    return biases;
  }

  public Activation activation() {
    return activation;
  }

  public int layers() {
    return weights.length;
  }

  /** C = (1/N) Σₓ ½‖aᴸ(x) − t(x)‖². */
  public double cost(double[][] inputs, double[][] targets) {
    double total = 0;
    for (int n = 0; n < inputs.length; n++) {
      double[][][] pass = forward(inputs[n]);
      double[] output = pass[1][layers()];
      for (int j = 0; j < output.length; j++) {
        double e = output[j] - targets[n][j];
        total += 0.5 * e * e;
      }
    }
    return total / inputs.length;
  }

  /** The exact gradient by the δ recursion, summed over the inputs and divided by N. */
  public Gradients backpropagate(double[][] inputs, double[][] targets) {
    Gradients sum = zeros();
    int layers = layers();
    for (int n = 0; n < inputs.length; n++) {
      double[][][] pass = forward(inputs[n]);
      double[][] z = pass[0];
      double[][] a = pass[1];
      // Output layer: δᴸ = (aᴸ − t) ⊙ σ'(zᴸ), since ∂C/∂aᴸ = aᴸ − t for the half squared error.
      double[] delta = new double[a[layers].length];
      for (int j = 0; j < delta.length; j++) {
        delta[j] = (a[layers][j] - targets[n][j]) * activation.derivative(z[layers][j]);
      }
      for (int l = layers - 1; l >= 0; l--) {
        // Parameters of layer l+1 (index l): ∂C/∂w = δ_j a_k of the layer below, ∂C/∂b = δ_j.
        for (int j = 0; j < delta.length; j++) {
          sum.biases[l][j] += delta[j];
          for (int k = 0; k < a[l].length; k++) {
            sum.weights[l][j][k] += delta[j] * a[l][k];
          }
        }
        if (l > 0) {
          // δˡ = (Wˡ⁺¹)ᵀ δˡ⁺¹ ⊙ σ'(zˡ)
          double[] below = new double[a[l].length];
          for (int k = 0; k < below.length; k++) {
            double s = 0;
            for (int j = 0; j < delta.length; j++) {
              s += weights[l][j][k] * delta[j];
            }
            below[k] = s * activation.derivative(z[l][k]);
          }
          delta = below;
        }
      }
    }
    scale(sum, 1.0 / inputs.length);
    return sum;
  }

  /** The gradient by central finite differences, (C(θ+h) − C(θ−h)) / 2h for every parameter. */
  public Gradients finiteDifferences(double[][] inputs, double[][] targets, double h) {
    Gradients g = zeros();
    for (int l = 0; l < layers(); l++) {
      for (int j = 0; j < weights[l].length; j++) {
        for (int k = 0; k < weights[l][j].length; k++) {
          g.weights[l][j][k] = centralDifference(weights[l][j], k, inputs, targets, h);
        }
        g.biases[l][j] = centralDifference(biases[l], j, inputs, targets, h);
      }
    }
    return g;
  }

  private double centralDifference(double[] params, int i, double[][] inputs, double[][] targets,
      double h) {
    double saved = params[i];
    params[i] = saved + h;
    double up = cost(inputs, targets);
    params[i] = saved - h;
    double down = cost(inputs, targets);
    params[i] = saved;
    return (up - down) / (2 * h);
  }

  /** Returns {z, a}: z[l] and a[l] per layer, a[0] = the input (z[0] unused). */
  private double[][][] forward(double[] input) {
    int layers = layers();
    double[][] z = new double[layers + 1][];
    double[][] a = new double[layers + 1][];
    a[0] = input;
    z[0] = new double[0];
    for (int l = 0; l < layers; l++) {
      int width = weights[l].length;
      z[l + 1] = new double[width];
      a[l + 1] = new double[width];
      for (int j = 0; j < width; j++) {
        double s = biases[l][j];
        for (int k = 0; k < a[l].length; k++) {
          s += weights[l][j][k] * a[l][k];
        }
        z[l + 1][j] = s;
        a[l + 1][j] = activation.value(s);
      }
    }
    return new double[][][] {z, a};
  }

  private Gradients zeros() {
    double[][][] w = new double[layers()][][];
    double[][] b = new double[layers()][];
    for (int l = 0; l < layers(); l++) {
      w[l] = new double[weights[l].length][weights[l][0].length];
      b[l] = new double[biases[l].length];
    }
    return new Gradients(w, b);
  }

  private static void scale(Gradients g, double factor) {
    for (int l = 0; l < g.weights.length; l++) {
      for (int j = 0; j < g.weights[l].length; j++) {
        g.biases[l][j] *= factor;
        for (int k = 0; k < g.weights[l][j].length; k++) {
          g.weights[l][j][k] *= factor;
        }
      }
    }
  }
}
