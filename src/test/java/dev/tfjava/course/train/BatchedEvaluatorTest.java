package dev.tfjava.course.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** Batches in flight two at a time give the same numbers, in the same order, as one pass would. */
class BatchedEvaluatorTest {
  private static final int ROWS = 23; // batches of at most 5: six, of 4 rows and 3
  private static final int WIDTH = 3;

  private static float[] rows() {
    float[] values = new float[ROWS * WIDTH];
    for (int i = 0; i < values.length; i++) {
      values[i] = (i * 37 % 101) / 10f - 5f;
    }
    return values;
  }

  @Test
  void meanWeighsEachBatchByItsRowsAndOutputsKeepTheirOrder() {
    float[] values = rows();
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, WIDTH)));
      // Per batch: the mean of each row's sum; per row: 2·x + 1.
      Operand<TFloat32> batchMean = tf.math.mean(tf.reduceSum(x, tf.constant(1)), tf.constant(0));
      Operand<TFloat32> doubled = tf.math.add(tf.math.mul(x, tf.constant(2f)), tf.constant(1f));
      try (Session session = new Session(graph)) {
        BatchedEvaluator evaluator = new BatchedEvaluator(session, 5);
        BatchedEvaluator.Feed feed = new BatchedEvaluator.Feed(x, values, WIDTH);

        double expectedMean = 0;
        float[] expectedOutputs = new float[values.length];
        for (int i = 0; i < values.length; i++) {
          expectedMean += values[i];
          expectedOutputs[i] = 2 * values[i] + 1;
        }
        expectedMean /= ROWS;
        assertEquals(expectedMean, evaluator.mean(batchMean, feed), 1e-5);
        assertArrayEquals(expectedOutputs, evaluator.outputs(doubled, WIDTH, feed), 1e-6f);
        // The same again with one batch holding everything.
        assertEquals(expectedMean, new BatchedEvaluator(session, 1000).mean(batchMean, feed), 1e-5);
      }
    }
  }

  @Test
  void aFailingRunFailsTheCallWithTensorFlowsMessage() {
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, WIDTH)));
      Operand<TFloat32> refused = tf.withControlDependencies(List.of(tf.assertThat(
          tf.constant(false), List.of(tf.constant("refused by the graph")))))
          .identity(tf.math.mean(tf.reduceSum(x, tf.constant(1)), tf.constant(0)));
      try (Session session = new Session(graph)) {
        BatchedEvaluator evaluator = new BatchedEvaluator(session, 5);
        RuntimeException e = assertThrows(RuntimeException.class,
            () -> evaluator.mean(refused, new BatchedEvaluator.Feed(x, rows(), WIDTH)));
        assertTrue(e.getMessage().contains("refused by the graph"), e.getMessage());
      }
    }
  }

  @Test
  void batchesAreAsEqualAsPossibleAndAnEvenNumberOfThem() {
    // Each row reports the number of rows in its batch: the shapes the session ran.
    assertArrayEquals(repeat(917, 1834), batchSizes(1834, 1000)); // not 1000 + 834
    assertArrayEquals(repeat(250, 500), batchSizes(500, 1000)); // two in flight, not one of 500
    assertArrayEquals(repeat(1000, 10_000), batchSizes(10_000, 1000)); // exact sets unchanged
    // 3 batches needed, 4 made: 2, 2, 1, 1 rows
    assertArrayEquals(new float[] {2, 2, 2, 2, 1, 1}, batchSizes(6, 2));
    assertArrayEquals(new float[] {2, 2, 2, 2, 2, 2, 1}, batchSizes(7, 2)); // 2, 2, 2, 1 rows
    assertArrayEquals(new float[] {1}, batchSizes(1, 1000));
    assertArrayEquals(new float[0], batchSizes(0, 1000)); // no rows: no run at all
  }

  private static float[] repeat(float value, int n) {
    float[] out = new float[n];
    java.util.Arrays.fill(out, value);
    return out;
  }

  private static float[] batchSizes(int rows, int batchSize) {
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 1)));
      Operand<TFloat32> size = tf.dtypes.cast(tf.shape(x), TFloat32.class);
      Operand<TFloat32> perRow = tf.math.mul(tf.onesLike(x), tf.gather(size, tf.constant(0),
          tf.constant(0)));
      try (Session session = new Session(graph)) {
        return new BatchedEvaluator(session, batchSize).outputs(perRow, 1,
            new BatchedEvaluator.Feed(x, new float[rows], 1));
      }
    }
  }
}
