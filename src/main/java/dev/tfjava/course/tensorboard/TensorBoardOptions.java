package dev.tfjava.course.tensorboard;

import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The TensorBoard options of the lessons that train (a picocli mixin). */
public final class TensorBoardOptions {
  private static final DateTimeFormatter RUN_STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

  @Option(names = "--logdir", paramLabel = "DIR",
      description = "TensorBoard event files (default: <runs>/tf_logs/run-<UTC yyyyMMddHHmmss>/<lesson>).")
  Path logdir;

  @Option(names = "--no-tensorboard", description = "Write no TensorBoard event files.")
  boolean disabled;

  @Option(names = "--summary-every", defaultValue = "10", paramLabel = "N",
      description = "Write the training loss to TensorBoard every N steps (default: ${DEFAULT-VALUE}).")
  int summaryEvery;

  /** The name of a run folder started now: {@code run-<this>}. */
  public static String runStamp() {
    return ZonedDateTime.now(ZoneOffset.UTC).format(RUN_STAMP);
  }

  /** Steps between two loss summaries. */
  public int summaryEvery() {
    if (summaryEvery < 1) {
      throw dev.tfjava.course.CourseException.badInput("--summary-every must be >= 1, got "
          + summaryEvery);
    }
    return summaryEvery;
  }

  /**
   * Where this run's events go, or empty when TensorBoard logging is off: {@code --logdir}, else
   * {@code <root>/run-<UTC time>/<lesson>}.
   */
  public Optional<Path> logdir(Path root, String lesson) {
    if (disabled) {
      return Optional.empty();
    }
    if (logdir != null) {
      return Optional.of(logdir);
    }
    // Géron's convention: one folder per run, named by its UTC start time.
    return Optional.of(root.resolve("run-" + runStamp()).resolve(lesson));
  }
}
