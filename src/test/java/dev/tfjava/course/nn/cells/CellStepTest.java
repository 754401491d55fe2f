package dev.tfjava.course.nn.cells;

import static dev.tfjava.course.nn.cells.CellGraphs.SESSIONS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfjava.course.nn.Activation;
import dev.tfjava.course.nn.ModelVariables;
import dev.tfjava.course.nn.reference.ReferenceCells;
import dev.tfjava.course.train.Seeds;
import dev.tfjava.course.train.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** One step of each TF cell against the plain-Java equations on the same weights and inputs. */
class CellStepTest {
  static final int BATCH = 4;
  static final int INPUTS = 3;
  static final int UNITS = 5;

  @ParameterizedTest
  @EnumSource(CellKind.class)
  void oneStepEqualsThePlainJavaEquations(CellKind kind) {
    Random random = new Random(11 + kind.ordinal());
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      RecurrentCell cell = kind.create(UNITS, Activation.RELU);
      cell.build(new ModelVariables(tf, new Seeds(3), "Init_and_Saver"), INPUTS);
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(BATCH, INPUTS)));
      List<Placeholder<TFloat32>> state = new ArrayList<>();
      for (int p = 0; p < cell.stateParts(); p++) {
        state.add(tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(BATCH, UNITS))));
      }
      RecurrentCell.Step step = cell.step(tf, x, new ArrayList<>(state));
      RecurrentCell.Step fromStaticZero = cell.step(tf, x, RecurrentCell.ZERO_STATE);
      RecurrentCell.Step fromZeroTensors = cell.step(tf, x, cell.zeroState(tf, tf.constant(BATCH)));
      CellGraphs.RandomWeights weights = CellGraphs.randomWeights(tf, cell.weights(), random, 0.6);

      float[] xValues = CellGraphs.randomFloats(random, BATCH * INPUTS);
      List<float[]> stateValues = new ArrayList<>();
      for (int p = 0; p < cell.stateParts(); p++) {
        stateValues.add(CellGraphs.randomFloats(random, BATCH * UNITS));
      }

      List<Tensor> feeds = new ArrayList<>();
      try (Session session = SESSIONS.open(graph)) {
        weights.assign(session);
        Session.Runner runner = session.runner();
        TFloat32 xt = Tensors.of(xValues, BATCH, INPUTS);
        feeds.add(xt);
        runner.feed(x, xt);
        for (int p = 0; p < state.size(); p++) {
          TFloat32 st = Tensors.of(stateValues.get(p), BATCH, UNITS);
          feeds.add(st);
          runner.feed(state.get(p), st);
        }
        // The output of all three cells is h, the last state part (one tensor, fetched once).
        assertTrue(step.output() == step.state().get(cell.stateParts() - 1), kind + ": output is h");
        List<Operand<TFloat32>> fetched = new ArrayList<>(step.state());
        fetched.add(fromStaticZero.output());
        fetched.add(fromZeroTensors.output());
        fetched.forEach(runner::fetch);
        try (Result result = runner.run()) {
          ReferenceCells.Cell reference = ReferenceCells.of(kind, weights.values(), INPUTS, UNITS,
              Activation.RELU);
          double[] xd = CellGraphs.toDouble(xValues);
          double[][] stateD = stateValues.stream().map(CellGraphs::toDouble)
              .toArray(double[][]::new);
          double[][] expected = reference.step(xd, stateD, BATCH);
          int parts = cell.stateParts();
          for (int p = 0; p < parts; p++) {
            assertClose(expected[p], Tensors.toArray(result.get(p)), kind + " state part " + p);
          }
          double[] fromZero = reference.step(xd, ReferenceCells.zeroState(reference, BATCH, UNITS),
              BATCH)[parts - 1];
          assertClose(fromZero, Tensors.toArray(result.get(parts)), kind + " static zero state");
          assertClose(fromZero, Tensors.toArray(result.get(parts + 1)), kind + " zero-state tensors");
        }
      } finally {
        feeds.forEach(Tensor::close);
      }
    }
  }

  static void assertClose(double[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what + ": size");
    double largest = 0;
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-5, what + " [" + i + "]");
      largest = Math.max(largest, Math.abs(expected[i]));
    }
    // Guard against a vacuous pass on all-zero values (e.g. every ReLU off).
    assertTrue(largest > 1e-2, what + ": values are all ~0");
  }
}
