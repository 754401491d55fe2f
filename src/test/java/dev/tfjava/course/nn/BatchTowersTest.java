package dev.tfjava.course.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tfjava.course.train.Tensors;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** The towers' rows: n / towers each, the last one also the rest, in the batch's order. */
class BatchTowersTest {

  @Test
  void fiveRowsInTwoTowersAreTwoAndThreeInOrder() {
    float[][] parts = split(5, 3, 2);
    assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, parts[0]);
    assertArrayEquals(new float[] {6, 7, 8, 9, 10, 11, 12, 13, 14}, parts[1]);
  }

  @Test
  void fiftyRowsInTwoTowersAreTwentyFiveEach() {
    float[][] parts = split(50, 1, 2);
    assertEquals(25, parts[0].length);
    assertEquals(25, parts[1].length);
    assertEquals(24f, parts[0][24]);
    assertEquals(25f, parts[1][0]);
  }

  @Test
  void sevenRowsInThreeTowersAreTwoTwoThree() {
    float[][] parts = split(7, 1, 3);
    assertArrayEquals(new float[] {0, 1}, parts[0]);
    assertArrayEquals(new float[] {2, 3}, parts[1]);
    assertArrayEquals(new float[] {4, 5, 6}, parts[2]);
  }

  @Test
  void oneTowerIsTheBatchItselfAndNoneIsRefused() {
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Operand<TFloat32> batch = tf.placeholder(TFloat32.class);
      assertSame(batch, BatchTowers.split(tf, batch, 1).get(0));
      assertThrows(IllegalArgumentException.class, () -> BatchTowers.split(tf, batch, 0));
    }
  }

  /** Splits rows x columns values 0, 1, 2, ... fed at run time (the batch size is not static). */
  private static float[][] split(int rows, int columns, int towers) {
    float[] values = new float[rows * columns];
    for (int i = 0; i < values.length; i++) {
      values[i] = i;
    }
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Placeholder<TFloat32> batch = tf.placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, columns)));
      List<Operand<TFloat32>> parts = BatchTowers.split(tf, batch, towers);
      assertEquals(towers, parts.size());
      try (Session session = new Session(graph);
          TFloat32 fed = TFloat32.tensorOf(Shape.of(rows, columns),
              org.tensorflow.ndarray.buffer.DataBuffers.of(values, true, false))) {
        Session.Runner runner = session.runner().feed(batch, fed);
        parts.forEach(runner::fetch);
        try (Result result = runner.run()) {
          float[][] out = new float[towers][];
          for (int t = 0; t < towers; t++) {
            out[t] = Tensors.toArray(result.get(t));
          }
          return out;
        }
      }
    }
  }
}
