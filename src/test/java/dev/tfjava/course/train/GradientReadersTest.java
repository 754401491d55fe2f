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
 * product and by the gradient's dH = dY·W2ᵀ (which W1's gradient needs); W1 only by its forward
 * product, since nothing needs the gradient with respect to the constant x.
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
      Set<String> w2Readers = names(readers.of(w2));
      Set<String> w1Readers = names(readers.of(w1));

      assertEquals(Set.of("h"), w1Readers);
      assertEquals(2, w2Readers.size(), w2Readers.toString());
      assertTrue(w2Readers.contains("y"), w2Readers.toString());
      GraphOperation backward = graph.operation(w2Readers.stream()
          .filter(name -> !name.equals("y")).findFirst().orElseThrow());
      assertEquals("MatMul", backward.type());
      // dH = dY·W2ᵀ: its product feeds W1's gradient, so W2 must not change before it has run.
      assertTrue(ancestorNames(gradients.dy(0)).contains(backward.name()));
      // ... while W1's own weight gradient (xᵀ·dH), which does not read W2, is not waited for.
      assertFalse(w2Readers.contains(gradients.dy(0).op().name()));
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
