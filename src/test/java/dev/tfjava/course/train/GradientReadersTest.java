package dev.tfjava.course.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gradients;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Which ops an update of a variable must wait for, on y = (x·W1)·W2: W2 is read by its forward
 * product, which its own gradient depends on anyway, and by the gradient's dH = dY·W2ᵀ, which
 * W1's gradient needs and W2's does not; W1 only by its forward product, since nothing needs the
 * gradient with respect to the constant x.
 */
class GradientReadersTest {

  @Test
  void eachVariablesReadersAreTheGradientOpsThatReadIt() {
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Variable<TFloat32> w1 = NamedVariables.create(tf, "w1",
          tf.constant(new float[][] {{1, 2}, {3, 4}, {5, 6}}));
      Variable<TFloat32> w2 = NamedVariables.create(tf, "w2", tf.constant(new float[][] {{1}, {-1}}));
      Operand<TFloat32> x = tf.constant(new float[][] {{1, 0, 2}});
      Operand<TFloat32> h = tf.withName("h").linalg.matMul(x, w1);
      Operand<TFloat32> y = tf.withName("y").linalg.matMul(h, w2);
      Operand<TFloat32> loss = tf.sum(tf.math.square(y), tf.constant(new int[] {0, 1}));
      Gradients gradients = tf.gradients(loss, List.of(w1, w2));

      GradientReaders readers = GradientReaders.of(gradients);
      Set<String> w1Readers = names(readers.toWaitFor(w1, gradients.dy(0)));
      Set<String> w2Readers = names(readers.toWaitFor(w2, gradients.dy(1)));

      assertEquals(Set.of(), w1Readers);
      assertEquals(1, w2Readers.size(), w2Readers.toString());
      GraphOperation backward = graph.operation(w2Readers.iterator().next());
      assertEquals("MatMul", backward.type());
      // dH = dY·W2ᵀ: its product feeds W1's gradient, so W2 must not change before it has run.
      assertTrue(ancestorNames(gradients.dy(0)).contains(backward.name()));
      assertFalse(ancestorNames(gradients.dy(1)).contains(backward.name()));
      // The forward products get no control edge: their gradients depend on them already.
      assertFalse(w2Readers.contains("y"));
    }
  }

  @Test
  void readersThroughASplitOfTheVariableAreWaitedFor() {
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      // y = x₁·W[0:2] + x₂·W[2:4]: the parts are views of W, so the gradient's products
      // dX₁ = dY·W[0:2]ᵀ and dX₂ = dY·W[2:4]ᵀ read W's own buffer.
      Variable<TFloat32> w = NamedVariables.create(tf, "w",
          tf.constant(new float[][] {{1, 2}, {3, 4}, {5, 6}, {7, 8}}));
      Variable<TFloat32> x = NamedVariables.create(tf, "x",
          tf.constant(new float[][] {{1, 0, 2, -1}}));
      List<Operand<TFloat32>> parts = new java.util.ArrayList<>(
          tf.split(tf.constant(0), w, 2L).output());
      List<Operand<TFloat32>> columns = new java.util.ArrayList<>(
          tf.split(tf.constant(1), x, 2L).output());
      Operand<TFloat32> y = tf.math.add(tf.linalg.matMul(columns.get(0), parts.get(0)),
          tf.linalg.matMul(columns.get(1), parts.get(1)));
      Operand<TFloat32> loss = tf.sum(tf.math.square(y), tf.constant(new int[] {0, 1}));
      Gradients gradients = tf.gradients(loss, List.of(w, x));

      List<Op> wReaders = GradientReaders.of(gradients).toWaitFor(w, gradients.dy(0));
      // The two backward products that feed x's gradient, each reading its part of W.
      assertEquals(2, wReaders.size(), names(wReaders).toString());
      for (Op reader : wReaders) {
        assertEquals("MatMul", reader.op().type());
        assertTrue(ancestorNames(gradients.dy(1)).contains(reader.op().name()));
      }
    }
  }

  private static Set<String> names(List<Op> ops) {
    return ops.stream().map(op -> op.op().name()).collect(Collectors.toSet());
  }

  private static Set<String> ancestorNames(Operand<?> output) {
    Graph graph = (Graph) output.env();
    return graph.subgraphTo(Set.of(output)).stream().map(GraphOperation::name)
        .collect(Collectors.toSet());
  }
}
