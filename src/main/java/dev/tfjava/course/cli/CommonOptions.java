package dev.tfjava.course.cli;

import dev.tfjava.course.train.Device;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options every lesson takes (a picocli mixin). */
public final class CommonOptions {

  @Option(names = "--seed", defaultValue = "42", paramLabel = "N",
      description = "Seed for every random stream, Java and TensorFlow (default: ${DEFAULT-VALUE}, "
          + "like the notebooks' reset_graph(seed=42)).")
  long seed;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Where figures and metrics.json go (default: images/<lesson>).")
  Path out;

  @Option(names = "--models", defaultValue = "saved-models", paramLabel = "DIR",
      description = "Where SavedModels go, as <DIR>/<model>/<version>/ (default: ${DEFAULT-VALUE}).")
  Path models;

  @Option(names = "--checkpoints", defaultValue = "checkpoints", paramLabel = "DIR",
      description = "Where training checkpoints go, as <DIR>/<model>/ (default: ${DEFAULT-VALUE}).")
  Path checkpoints;

  @Option(names = "--device", defaultValue = "auto", paramLabel = "auto|cpu|gpu",
      description = "auto = the GPU when TensorFlow sees one, else the CPU (default: ${DEFAULT-VALUE}).")
  Device device;

  @Option(names = "--threads", paramLabel = "N",
      description = "TensorFlow intra-op threads (0 = one per core; default: the lesson's tuned value).")
  Integer threads;

  @Option(names = "--inter-op-threads", paramLabel = "N",
      description = "TensorFlow inter-op threads (0 = one per core; default: the lesson's tuned value).")
  Integer interOpThreads;

  @Option(names = "--log-device-placement",
      description = "Print TensorFlow's device placement log (to check where ops run).")
  boolean logDevicePlacement;

  @Option(names = "--quick", description = "A seconds-long smoke run with tiny settings.")
  boolean quick;

  public long seed() {
    return seed;
  }

  /** The output folder: {@code --out} if given, else {@code images/<lesson>}. */
  public Path out(String lesson) {
    return out != null ? out : Path.of("images", lesson);
  }

  public Path models() {
    return models;
  }

  public Path checkpoints() {
    return checkpoints;
  }

  public Device device() {
    return device;
  }

  public Integer threads() {
    return threads;
  }

  public Integer interOpThreads() {
    return interOpThreads;
  }

  public boolean logDevicePlacement() {
    return logDevicePlacement;
  }

  public boolean quick() {
    return quick;
  }

  /**
   * These options as command-line arguments for one lesson of {@code lessons all}: a shared
   * {@code --out DIR} becomes {@code DIR/<lesson>} so the lessons do not write over each other.
   */
  List<String> toArguments(String lesson) {
    List<String> args = new ArrayList<>(List.of(
        "--seed", Long.toString(seed), "--models", models.toString(),
        "--checkpoints", checkpoints.toString(), "--device", device.name()));
    if (out != null) {
      args.addAll(List.of("--out", out.resolve(lesson).toString()));
    }
    if (threads != null) {
      args.addAll(List.of("--threads", threads.toString()));
    }
    if (interOpThreads != null) {
      args.addAll(List.of("--inter-op-threads", interOpThreads.toString()));
    }
    if (logDevicePlacement) {
      args.add("--log-device-placement");
    }
    if (quick) {
      args.add("--quick");
    }
    return args;
  }
}
