package dev.tfjava.course.lessons;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfjava.course.TestSupport;
import dev.tfjava.course.nn.Activation;
import dev.tfjava.course.nn.reference.ReferenceMlp;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class BackpropagationTest {

  @Test
  void tensorflowGradientsOfTheChainRuleExampleAreExact() {
    var tf = Backpropagation.tensorflowChainRule(TestSupport.cpuSessions(), 2f, 1f);
    assertEquals(12.0, tf.f());
    assertEquals(16.0, tf.dfdx());
    assertEquals(8.0, tf.dfdy());
    // df/dn3, df/dn4, df/dn5, df/dn6 from the graph's gradient ops.
    assertEquals(4.0, tf.innerAdjoints()[0]);
    assertEquals(4.0, tf.innerAdjoints()[1]);
    assertEquals(4.0, tf.innerAdjoints()[2]);
    assertEquals(3.0, tf.innerAdjoints()[3]);
  }

  @ParameterizedTest
  @EnumSource(Activation.class)
  void deltaRecursionAgreesWithTensorflowAndFiniteDifferences(Activation activation) {
    Random random = new Random(7);
    int[] sizes = {4, 5, 3, 2};
    ReferenceMlp net = ReferenceMlp.random(sizes, activation, random);
    double[][] x = new double[6][4];
    double[][] t = new double[6][2];
    for (int n = 0; n < 6; n++) {
      for (int i = 0; i < 4; i++) {
        x[n][i] = random.nextGaussian();
      }
      t[n][0] = random.nextDouble();
      t[n][1] = random.nextDouble();
    }
    ReferenceMlp.Gradients manual = net.backpropagate(x, t);
    ReferenceMlp.Gradients tf =
        Backpropagation.tensorflowGradients(TestSupport.cpuSessions(), net, x, t);
    ReferenceMlp.Gradients numeric = net.finiteDifferences(x, t, 1e-6);

    assertTrue(Backpropagation.maxDifference(manual, tf) <= 1e-5,
        "manual vs TensorFlow: " + Backpropagation.maxDifference(manual, tf));
    assertTrue(Backpropagation.maxDifference(manual, numeric) <= 1e-7,
        "manual vs finite differences: " + Backpropagation.maxDifference(manual, numeric));
    // The gradients are not trivially zero: the comparison means something.
    assertTrue(Math.abs(manual.biases()[2][0]) > 1e-4);
  }

  @Test
  void sigmoidGradientsVanishTowardsTheInputWhileReluOnesDoNot() {
    int[] sizes = {16, 16, 16, 16, 16, 16, 16, 16, 1};
    double[][] ratios = new double[2][];
    for (Activation activation : Activation.values()) {
      Random random = new Random(3);
      ReferenceMlp net = ReferenceMlp.random(sizes, activation, random);
      double[][] x = new double[32][16];
      double[][] t = new double[32][1];
      for (int n = 0; n < 32; n++) {
        for (int i = 0; i < 16; i++) {
          x[n][i] = random.nextGaussian();
        }
        t[n][0] = random.nextDouble();
      }
      double[] perLayer = Backpropagation.meanGradientPerLayer(
          Backpropagation.tensorflowGradients(TestSupport.cpuSessions(), net, x, t));
      ratios[activation.ordinal()] = new double[] {perLayer[0] / perLayer[perLayer.length - 1]};
    }
    double sigmoid = ratios[Activation.SIGMOID.ordinal()][0];
    double relu = ratios[Activation.RELU.ordinal()][0];
    // Each sigmoid layer multiplies the gradient by at most 1/4: 8 layers shrink it by > 1000.
    assertTrue(sigmoid < 1e-3, "sigmoid first/last ratio " + sigmoid);
    assertTrue(relu > 100 * sigmoid, "relu ratio " + relu + " vs sigmoid " + sigmoid);
  }
}
