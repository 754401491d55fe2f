package dev.tfjava.course.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the kernel says the CPU can do: its model name and the instruction-set flags of the first
 * processor in a {@code /proc/cpuinfo}-format text. The source is a path, so that tests can stand
 * in for CPUs they do not run on.
 *
 * @param source where the flags were read, for messages
 */
public record CpuFlags(String model, Set<String> flags, String source) {

  /** Linux's view of this machine's CPUs. */
  public static final Path PROC_CPUINFO = Path.of("/proc/cpuinfo");

  public CpuFlags {
    flags = Set.copyOf(flags);
  }

  /** This machine's CPU ({@link #PROC_CPUINFO}). */
  public static CpuFlags ofThisMachine() {
    return read(PROC_CPUINFO);
  }

  /**
   * The CPU described by a cpuinfo file; a file that cannot be read (another OS) is a CPU without
   * flags, so that whatever needs a flag is refused with a message rather than a stack trace.
   */
  public static CpuFlags read(Path cpuinfo) {
    try {
      return parse(Files.readString(cpuinfo), cpuinfo.toString());
    } catch (IOException | SecurityException e) {
      return new CpuFlags("unknown CPU", Set.of(), cpuinfo + " (unreadable)");
    }
  }

  /** The first processor's {@code model name} and {@code flags} lines of a cpuinfo text. */
  public static CpuFlags parse(String cpuinfo, String source) {
    String model = null;
    Set<String> flags = null;
    for (String line : cpuinfo.split("\n")) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String key = line.substring(0, colon).trim();
      String value = line.substring(colon + 1).trim();
      if (model == null && key.equals("model name")) {
        model = value;
      } else if (flags == null && key.equals("flags")) {
        flags = new TreeSet<>(Arrays.asList(value.split("\\s+")));
      }
    }
    return new CpuFlags(model != null ? model : "unknown CPU", flags != null ? flags : Set.of(),
        source);
  }

  public boolean has(String flag) {
    return flags.contains(flag);
  }
}
