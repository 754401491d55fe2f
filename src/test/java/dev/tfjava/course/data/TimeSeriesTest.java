package dev.tfjava.course.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The series and grids against values numpy prints for the notebook's definitions. */
class TimeSeriesTest {

  @Test
  void tIsNumpysLinspaceOf300PointsSpaced30Over299() {
    double[] t = TimeSeries.t();
    assertEquals(300, t.length);
    assertEquals(0.0, t[0]);
    assertEquals(0.10033444816053512, t[1], 0); // numpy: t[1]
    assertEquals(0.20066889632107024, t[2], 0); // numpy: t[2]
    assertEquals(30.0, t[299], 0);
  }

  @Test
  void tInstanceHas21PointsSpaced0105() {
    double[] t = TimeSeries.tInstance();
    assertEquals(21, t.length);
    assertEquals(12.2, t[0], 0);
    assertEquals(12.305, t[1], 1e-12);
    assertEquals(13.25, t[10], 1e-12);
    assertEquals(14.299999999999999, t[20], 0); // numpy sets the last point to stop exactly
  }

  @Test
  void valuesMatchNumpy() {
    assertEquals(1.2639223438826837, TimeSeries.value(TimeSeries.t()[5]), 1e-12);
    float[] instance = TimeSeries.testInstance();
    assertEquals(20, instance.length);
    assertArrayEquals(new float[] {-3.38903462f, -2.99062806f, -2.05341138f},
        java.util.Arrays.copyOf(instance, 3), 1e-6f);
    assertEquals(6.076564212126542, TimeSeries.testTarget()[19], 1e-6);
    // The target is the instance shifted by one step.
    for (int i = 0; i < 19; i++) {
      assertEquals(instance[i + 1], TimeSeries.testTarget()[i]);
    }
  }

  @Test
  void linspaceFollowsNumpyEdgeCases() {
    assertArrayEquals(new double[] {}, TimeSeries.linspace(0, 1, 0));
    assertArrayEquals(new double[] {2}, TimeSeries.linspace(2, 5, 1));
    assertArrayEquals(new double[] {0, 0.25, 0.5, 0.75, 1}, TimeSeries.linspace(0, 1, 5), 0);
  }

  @Test
  void nextBatchIsTheSeriesOnWindowsOfStep01AndYIsXShifted() {
    TimeSeries.Batch batch = new TimeSeries(new Random(7)).nextBatch(50, 20);
    float[] x = batch.x();
    float[] y = batch.y();
    assertEquals(50 * 20, x.length);
    Random same = new Random(7);
    for (int row = 0; row < 50; row++) {
      double t0 = same.nextDouble() * (30 - 20 * 0.1);
      assertTrue(t0 >= 0 && t0 < 28);
      for (int i = 0; i < 20; i++) {
        assertEquals((float) TimeSeries.value(t0 + i * 0.1), x[row * 20 + i], 1e-6f);
        assertEquals((float) TimeSeries.value(t0 + (i + 1) * 0.1), y[row * 20 + i], 1e-6f);
      }
      for (int i = 0; i < 19; i++) {
        assertEquals(y[row * 20 + i], x[row * 20 + i + 1]);
      }
    }
  }

  @Test
  void nextBatchIsSeededAndRefillsInPlace() {
    TimeSeries a = new TimeSeries(new Random(42));
    TimeSeries b = new TimeSeries(new Random(42));
    TimeSeries.Batch first = a.nextBatch(3, 20);
    float[] firstX = first.x().clone();
    assertArrayEquals(firstX, b.nextBatch(3, 20).x());
    TimeSeries.Batch second = a.nextBatch(first);
    assertTrue(second == first);
    assertTrue(!java.util.Arrays.equals(firstX, second.x()));
  }
}
