package dev.tfjava.course.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.tfjava.course.CourseException;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

class SessionFactoryTest {

  @Test
  void autoFallsBackToTheCpuWithoutAGpu() {
    assumeFalse(GpuProbe.gpuVisible(ThreadSettings.TENSORFLOW_DEFAULT), "this machine has a GPU");
    var sessions = new SessionFactory(Device.AUTO, ThreadSettings.TENSORFLOW_DEFAULT, false);
    assertEquals(Device.CPU, sessions.device());
    assertEquals(0, sessions.config().getDeviceCountOrThrow("GPU"));
  }

  @Test
  void askingForAMissingGpuIsExitCodeThree() {
    assumeFalse(GpuProbe.gpuVisible(ThreadSettings.TENSORFLOW_DEFAULT), "this machine has a GPU");
    CourseException error = assertThrows(CourseException.class,
        () -> new SessionFactory(Device.GPU, ThreadSettings.TENSORFLOW_DEFAULT, false));
    assertEquals(CourseException.DEVICE_UNAVAILABLE, error.exitCode());
  }

  @Test
  void threadOptionsOverrideTheLessonDefaults() {
    ThreadSettings tuned = new ThreadSettings(1, 1);
    assertEquals(new ThreadSettings(4, 1), tuned.override(4, null));
    var sessions = new SessionFactory(Device.CPU, tuned.override(null, 2), false);
    assertEquals(1, sessions.config().getIntraOpParallelismThreads());
    assertEquals(2, sessions.config().getInterOpParallelismThreads());
    assertEquals(true, sessions.config().getAllowSoftPlacement());
  }

  @Test
  void interOpMinusOneIsAcceptedAndRunsAGraph() {
    var sessions = new SessionFactory(Device.CPU,
        new ThreadSettings(1, ThreadSettings.CALLER_THREAD), false);
    assertEquals(-1, sessions.config().getInterOpParallelismThreads());
    try (Graph graph = new Graph(); Session session = sessions.open(graph)) {
      Ops tf = Ops.create(graph);
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class);
      var y = tf.math.add(tf.math.mul(x, x), tf.constant(1f));
      try (TFloat32 input = TFloat32.scalarOf(3f);
           var result = session.runner().feed(x, input).fetch(y).run()) {
        assertEquals(10f, ((TFloat32) result.get(0)).getFloat(), 0f);
      }
    }
    assertThrows(IllegalArgumentException.class, () -> new ThreadSettings(1, -2));
  }
}
