package dev.tfjava.course.lessons;

import dev.tfjava.course.CourseException;
import dev.tfjava.course.train.Device;
import dev.tfjava.course.train.ThreadSettings;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options every lesson takes (a picocli mixin). SavedModels go to {@code --models}; everything
 * else a run writes — figures and metrics, checkpoints, TensorBoard logs — goes under one run
 * folder, {@code --runs} ({@code runs/}), unless moved one by one.
 */
public final class CommonOptions {
  /** The run folder's default, relative to the working directory. */
  public static final String DEFAULT_RUNS = "runs";

  @Option(names = "--seed", defaultValue = "42", paramLabel = "N",
      description = "Seed for every random stream, Java and TensorFlow (default: ${DEFAULT-VALUE}, "
          + "like the notebooks' reset_graph(seed=42)).")
  long seed;

  @Option(names = "--runs", defaultValue = DEFAULT_RUNS, paramLabel = "DIR",
      description = "The run folder: figures, metrics, checkpoints, TensorBoard logs"
          + " (default: ${DEFAULT-VALUE}).")
  Path runs;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Where figures and metrics.json go (default: <runs>/images/<lesson>).")
  Path out;

  @Option(names = "--models", defaultValue = "saved-models", paramLabel = "DIR",
      description = "Where SavedModels go, as <DIR>/<model>/<version>/ (default: ${DEFAULT-VALUE}).")
  Path models;

  @Option(names = "--checkpoints", paramLabel = "DIR",
      description = "Where training checkpoints go, as <DIR>/<model>/ (default: <runs>/checkpoints).")
  Path checkpoints;

  @Option(names = "--device", defaultValue = "auto", paramLabel = "auto|cpu|gpu",
      description = "auto = the GPU when TensorFlow sees one, else the CPU (default: ${DEFAULT-VALUE}).")
  Device device;

  @Option(names = "--threads", paramLabel = "N",
      description = "TensorFlow intra-op threads (0 = one per core; default: the lesson's tuned value).")
  Integer threads;

  @Option(names = "--inter-op-threads", paramLabel = "N",
      description = "TensorFlow inter-op threads (0 = one per core, -1 = run the ops on the calling"
          + " thread; default: the lesson's tuned value).")
  Integer interOpThreads;

  @Option(names = "--log-device-placement",
      description = "Print TensorFlow's device placement log (to check where ops run).")
  boolean logDevicePlacement;

  @Option(names = "--quick", description = "A seconds-long smoke run with tiny settings.")
  boolean quick;

  @Option(names = "--debug", description = "Print the stack trace of a failure.")
  boolean debug;

  public long seed() {
    return seed;
  }

  /** The run folder. */
  public Path runs() {
    return runs;
  }

  /** The output folder: {@code --out} if given, else {@code <runs>/images/<lesson>}. */
  public Path out(String lesson) {
    return out != null ? out : runs.resolve("images").resolve(lesson);
  }

  public Path models() {
    return models;
  }

  /** The checkpoints root: {@code --checkpoints} if given, else {@code <runs>/checkpoints}. */
  public Path checkpoints() {
    return checkpoints != null ? checkpoints : runs.resolve("checkpoints");
  }

  public Device device() {
    return device;
  }

  public Integer threads() {
    return checkThreads("--threads", threads, "");
  }

  public Integer interOpThreads() {
    if (interOpThreads != null && interOpThreads == ThreadSettings.CALLER_THREAD) {
      return interOpThreads;
    }
    return checkThreads("--inter-op-threads", interOpThreads, " (or -1, the calling thread)");
  }

  public boolean logDevicePlacement() {
    return logDevicePlacement;
  }

  public boolean quick() {
    return quick;
  }

  private static Integer checkThreads(String option, Integer value, String alsoAllowed) {
    if (value != null && (value < 0 || value > 1024)) {
      throw CourseException.badInput(option + " must be between 0 (one per core) and 1024"
          + alsoAllowed + ", got " + value);
    }
    return value;
  }
}
