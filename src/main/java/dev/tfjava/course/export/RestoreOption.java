package dev.tfjava.course.export;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import picocli.CommandLine.Option;

/**
 * {@code --restore PATH} for the lessons that train (a picocli mixin): start from a checkpoint,
 * this port's or one the notebook's {@code saver.save} wrote, then train on or (with 0 epochs or
 * iterations) only evaluate, generate and export. The checkpoint is checked against the graph
 * before anything is trained or written ({@link Checkpoints#restore}).
 */
public final class RestoreOption {
  @Option(names = "--restore", paramLabel = "PATH",
      description = "Start from this checkpoint: a prefix (e.g. runs/checkpoints/lstm/"
          + "my_lstm_time_series_model-1, or ./my_lstm_time_series_model as the notebook saves it)"
          + " or a folder with a 'checkpoint' state file. With --epochs 0 / --iterations 0: only"
          + " restore, evaluate or generate, and export. For a lesson of several models, a folder"
          + " with one subfolder per model (runs/checkpoints).")
  Path path;

  /** Whether {@code --restore} was given. */
  public boolean given() {
    return path != null;
  }

  /**
   * The checkpoint for {@code model}: {@code PATH/<model>} when PATH is a folder holding that
   * subfolder (a whole checkpoints root), else PATH itself.
   */
  public Optional<Path> forModel(String model) {
    if (path == null) {
      return Optional.empty();
    }
    Path sub = path.resolve(model);
    return Optional.of(Files.isDirectory(path) && Files.isDirectory(sub) ? sub : path);
  }

  /**
   * Checks, before any work, that the checkpoint for {@code model} fits the graph {@code build}
   * makes (a throwaway graph), so that a lesson of several models fails before the first trains.
   */
  public void check(String model, Consumer<Graph> build) {
    Optional<Path> checkpoint = forModel(model);
    if (checkpoint.isEmpty()) {
      return;
    }
    try (Graph graph = new Graph()) {
      build.accept(graph);
      CheckpointCheck.requireFits(graph, Checkpoints.resolve(checkpoint.get()));
    }
  }

  /** Restores the checkpoint for {@code model} into the session, if {@code --restore} was given. */
  public Optional<Path> restoreInto(Session session, Graph graph, String model, PrintStream out) {
    return forModel(model).map(checkpoint -> {
      Path prefix = Checkpoints.restore(session, graph, checkpoint);
      out.println("Restored " + prefix);
      return prefix;
    });
  }
}
