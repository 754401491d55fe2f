package dev.tfjava.course.io;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Hidden temporary names that carry the writing process's id ({@code .export-pid1234-5}), so that
 * the next run can tell the leftovers of a killed run (its process is gone) from the work in
 * progress of a live one, and delete only the former. Created with the default permissions
 * (umask), unlike {@code Files.createTemp*}, which makes them private to the user.
 */
public final class ProcessTemps {
  private static final long PID = ProcessHandle.current().pid();
  private static final AtomicLong COUNTER = new AtomicLong();
  private static final Pattern OWNER = Pattern.compile("pid(\\d{1,18})-");

  private ProcessTemps() {}

  /** A name not used before by this process: {@code <prefix>pid<pid>-<n><suffix>}. */
  public static String name(String prefix, String suffix) {
    return prefix + "pid" + PID + "-" + System.nanoTime() + "-" + COUNTER.incrementAndGet()
        + suffix;
  }

  /** Creates a new empty folder {@code <parent>/<prefix>pid<pid>-<n>}. */
  public static Path createDirectory(Path parent, String prefix) throws IOException {
    while (true) {
      try {
        return Files.createDirectory(parent.resolve(name(prefix, "")));
      } catch (FileAlreadyExistsException taken) {
        // A name of a dead process with our pid: take the next one.
      }
    }
  }

  /** Creates a new empty file {@code <parent>/<prefix>pid<pid>-<n><suffix>}. */
  public static Path createFile(Path parent, String prefix, String suffix) throws IOException {
    while (true) {
      try {
        return Files.createFile(parent.resolve(name(prefix, suffix)));
      } catch (FileAlreadyExistsException taken) {
        // As above.
      }
    }
  }

  /**
   * Deletes the entries of {@code parent} named {@code <prefix>pid<pid>-...} whose process is no
   * longer running: what killed runs left behind. Entries of live processes stay.
   */
  public static void cleanStale(Path parent, String prefix) {
    if (!Files.isDirectory(parent)) {
      return;
    }
    try (Stream<Path> entries = Files.list(parent)) {
      entries.filter(p -> isStale(p, prefix)).forEach(AtomicFiles::deleteQuietly);
    } catch (IOException | RuntimeException e) {
      // Best effort: a leftover is harmless, the real outputs are untouched.
    }
  }

  /**
   * Whether {@code entry} is a temporary of {@code prefix} whose process is gone: no process has
   * its pid, or the one that has it started after the entry was last written (Linux reuses pids,
   * within seconds on a busy machine with a small pid_max, so a live pid alone proves nothing).
   */
  static boolean isStale(Path entry, String prefix) {
    String name = entry.getFileName().toString();
    if (!name.startsWith(prefix)) {
      return false;
    }
    Matcher owner = OWNER.matcher(name.substring(prefix.length()));
    if (!owner.lookingAt()) {
      return false;
    }
    long pid = Long.parseLong(owner.group(1));
    if (pid == PID) {
      return false;
    }
    Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    if (process.isEmpty()) {
      return true;
    }
    Optional<Instant> started = process.get().info().startInstant();
    try {
      return started.isPresent()
          && started.get().isAfter(Files.getLastModifiedTime(entry).toInstant());
    } catch (IOException gone) {
      return false;
    }
  }
}
