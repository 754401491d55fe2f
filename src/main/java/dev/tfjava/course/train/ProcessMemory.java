package dev.tfjava.course.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The process's resident set size (RSS), which counts TensorFlow's native memory that the JVM's
 * own heap figures miss: what to watch for leaked tensors. Linux only ({@code /proc/self/status}).
 */
public final class ProcessMemory {
  private static final Path STATUS = Path.of("/proc/self/status");

  private ProcessMemory() {}

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
}
