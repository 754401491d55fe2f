package dev.tfjava.course.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.tfjava.course.CourseException;
import org.junit.jupiter.api.Test;

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
}
