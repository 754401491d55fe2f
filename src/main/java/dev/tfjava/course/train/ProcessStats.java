package dev.tfjava.course.train;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * What the whole process uses, TensorFlow's native threads and memory included (the JVM's own
 * heap figures miss them): resident memory (RSS, to spot leaked tensors), CPU time (a speed
 * measure that other programs competing for the cores disturb less than wall time) and minor
 * page faults (expensive on VMs; what malloc tuning reduces). Linux figures come from
 * {@code /proc/self}; elsewhere they are unknown (-1).
 */
public final class ProcessStats {
  private static final Path STATUS = Path.of("/proc/self/status");
  private static final Path STAT = Path.of("/proc/self/stat");
  /** Field 10 of /proc/self/stat (1-based), counted after the ")" that ends the command name. */
  private static final int MINFLT_AFTER_COMMAND = 7;

  private ProcessStats() {}

  /** The current RSS in bytes, or empty where {@code /proc} is not available. */
  public static OptionalLong residentBytes() {
    try {
      for (String line : Files.readAllLines(STATUS)) {
        if (line.startsWith("VmRSS:")) {
          String[] parts = line.substring("VmRSS:".length()).trim().split("\\s+");
          return OptionalLong.of(Long.parseLong(parts[0]) * 1024); // reported in kB
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux, or an unexpected format: no figure rather than a failed lesson.
    }
    return OptionalLong.empty();
  }

  /** The current RSS in MiB, or -1 where unknown (for metrics.json). */
  public static double residentMiB() {
    OptionalLong bytes = residentBytes();
    return bytes.isPresent() ? bytes.getAsLong() / (1024.0 * 1024.0) : -1;
  }

  /** CPU time used by the process so far, all threads, in seconds (-1 where unknown). */
  public static double cpuSeconds() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      long nanos = os.getProcessCpuTime();
      return nanos < 0 ? -1 : nanos / 1e9;
    }
    return -1;
  }

  /** Minor page faults of the process so far (-1 where unknown). */
  public static long minorFaults() {
    try {
      String stat = Files.readString(STAT);
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[MINFLT_AFTER_COMMAND]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
