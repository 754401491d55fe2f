package dev.tfjava.course.lessons;

import dev.tfjava.course.data.TimeSeries;
import dev.tfjava.course.io.AtomicFiles;
import dev.tfjava.course.nn.cells.CellKind;
import dev.tfjava.course.sequence.Divergence;
import dev.tfjava.course.sequence.SequenceCharts;
import dev.tfjava.course.sequence.SequenceExperiment;
import dev.tfjava.course.sequence.SequenceModel;
import dev.tfjava.course.tensorboard.TensorBoardOptions;
import dev.tfjava.course.train.ThreadSettings;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Unit 3's notebooks, one shared path: each lesson names the cells it runs and nothing else. For
 * each cell: train (printing the MSE every 100 iterations), predict the test instance (printed
 * like the notebook's {@code y_pred}), checkpoint, export a SavedModel, restore in a new session
 * and generate; then the figures and metrics. With several cells, also a comparison chart and
 * table.
 */
public abstract class SequenceLesson extends Lesson {

  @Option(names = "--iterations", defaultValue = "1500", paramLabel = "N",
      description = "Training iterations (default: ${DEFAULT-VALUE}, as the notebook).")
  int iterations;

  @Option(names = "--batch-size", defaultValue = "50", paramLabel = "N",
      description = "Windows per batch (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--learning-rate", defaultValue = "0.001", paramLabel = "RATE",
      description = "Adam's learning rate (default: ${DEFAULT-VALUE}).")
  float learningRate;

  @Option(names = "--generate", defaultValue = "300", paramLabel = "N",
      description = "Values to generate from 20 zeros after restoring the checkpoint "
          + "(default: ${DEFAULT-VALUE}).")
  int generate;

  @Mixin
  TensorBoardOptions tensorBoard = new TensorBoardOptions();

  /** Iterations and generated values of a {@code --quick} run. */
  static final int QUICK_ITERATIONS = 50;
  static final int QUICK_GENERATE = 40;

  /** The cells this lesson runs, in order. */
  protected abstract List<CellKind> cells();

  /** {@code lessons all} trains each cell once, in the lesson that runs them all. */
  @Override
  public boolean partOfAll() {
    return cells().size() == CellKind.values().length;
  }

  /**
   * Intra 1 / inter 1, the fastest for all three cells in {@code scripts/bench-sequences} on a
   * 2-core machine (see BENCHMARKS.md): these graphs are many small ops, where thread hand-offs
   * cost more than parallel kernels gain.
   */
  @Override
  protected ThreadSettings defaultThreads() {
    return new ThreadSettings(1, 1);
  }

  @Override
  protected void run(LessonContext context) {
    SequenceExperiment.Settings settings = new SequenceExperiment.Settings(
        context.quick() ? Math.min(iterations, QUICK_ITERATIONS) : iterations, batchSize,
        learningRate, context.quick() ? Math.min(generate, QUICK_GENERATE) : generate, true,
        tensorBoard.summaryEvery());
    // One run folder for the whole lesson; with several cells, one subfolder per cell.
    java.util.Optional<java.nio.file.Path> logdir = tensorBoard.logdir(name());
    Map<CellKind, SequenceExperiment.Outcome> outcomes = new LinkedHashMap<>();
    for (CellKind kind : cells()) {
      java.util.Optional<java.nio.file.Path> cellLogdir = cells().size() == 1 ? logdir
          : logdir.map(dir -> dir.resolve(kind.modelName()));
      SequenceExperiment.Outcome outcome = runCell(context, kind, settings, cellLogdir);
      outcomes.put(kind, outcome);
      Map<String, Object> metrics = metrics(outcome);
      if (cells().size() == 1) {
        metrics.forEach(context.metrics()::put);
      } else {
        context.metrics().append("models", metrics);
      }
    }
    if (outcomes.size() > 1) {
      compare(context, outcomes);
    }
  }

  private SequenceExperiment.Outcome runCell(LessonContext context, CellKind kind,
      SequenceExperiment.Settings settings, java.util.Optional<java.nio.file.Path> logdir) {
    PrintStream out = context.console();
    String name = kind.displayName();
    out.printf("%n=== %s: %d ReLU units unrolled over %d steps, %d iterations of batch %d ===%n",
        name, 100, TimeSeries.STEPS, settings.iterations(), settings.batchSize());
    if (kind == CellKind.GRU) {
      out.println("Note: the notebook's GRU section built a BasicLSTMCell again (a copy-paste bug);"
          + " this is a real GRU cell (TF1's GRUCell equations).");
    }
    SequenceExperiment.Outcome outcome = SequenceExperiment.run(
        SequenceModel.Config.notebook(kind, settings.learningRate()), settings, context.sessions(),
        options.seed(), new SequenceExperiment.Destinations(context.checkpoint(kind.modelName()),
            context.models(), logdir), out);
    logdir.ifPresent(dir -> out.println("TensorBoard: " + dir + "  (tensorboard --logdir tf_logs)"));
    out.println("y_pred");
    out.println(numpyColumn(outcome.prediction()));
    out.printf("Test-instance MSE: %.6f%n", outcome.testMse());
    out.printf("Trained in %.2f s (%.3f ms per iteration, the first %.0f ms); final batch MSE %s%n",
        outcome.log().seconds(), outcome.log().msPerIteration(), outcome.log().firstIterationMs(),
        outcome.log().finalMse());
    out.printf("Checkpoint saved to %s; SavedModel exported to %s%n", outcome.checkpoint(),
        outcome.savedModel());
    Divergence divergence = outcome.divergence();
    out.printf("Restored the checkpoint in a new session and generated %d values from %d zeros"
            + " (%.3f ms per value after a first run of %.0f ms)%s%n", outcome.generated().sequence().length
            - outcome.generated().seedLength(), outcome.generated().seedLength(),
        outcome.generated().msPerStep(), outcome.generated().setupMs(), divergence.diverged()
            ? String.format("; it diverges (|value| > %.1f from index %d, max %.3g)",
                divergence.limit(), divergence.firstBeyond(), divergence.maxAbs())
            : "");

    String model = kind.modelName();
    SequenceCharts.testingTheModel(context.output(model + "_testing_the_model.png"), name,
        TimeSeries.tInstance(), TimeSeries.testInstance(), TimeSeries.testTarget(),
        outcome.prediction());
    SequenceCharts.generated(context.output(model + "_generated.png"), name,
        outcome.generated().sequence(), outcome.generated().seedLength(), divergence);
    SequenceCharts.trainingCurve(context.output(model + "_training_mse.png"), name, outcome.log());
    return outcome;
  }

  /** The numbers of one cell's run, for metrics.json. */
  static Map<String, Object> metrics(SequenceExperiment.Outcome outcome) {
    Map<String, Object> m = new LinkedHashMap<>();
    CellKind kind = outcome.config().kind();
    m.put("model", kind.modelName());
    m.put("cell", kind.displayName());
    m.put("units", outcome.config().units());
    m.put("steps", outcome.config().steps());
    if (kind == CellKind.GRU) {
      m.put("notebook_bug_fixed", "the notebook's GRU section built a BasicLSTMCell again;"
          + " this is a real GRU");
    }
    m.put("mse_every_100", outcome.log().reports().stream()
        .map(r -> Map.of("iteration", r.iteration(), "mse", r.mse())).toList());
    m.put("final_batch_mse", outcome.log().finalMse());
    m.put("test_instance_mse", outcome.testMse());
    m.put("y_pred", outcome.prediction());
    m.put("train_seconds", outcome.log().seconds());
    m.put("ms_per_iteration", outcome.log().msPerIteration());
    m.put("first_iteration_ms", outcome.log().firstIterationMs());
    m.put("tensorboard_seconds", outcome.log().tensorBoardSeconds());
    m.put("generation_ms_per_step", outcome.generated().msPerStep());
    m.put("generation_setup_ms", outcome.generated().setupMs());
    Divergence d = outcome.divergence();
    m.put("generated", Map.of(
        "seed_zeros", outcome.generated().seedLength(),
        "values", outcome.generated().sequence(),
        "diverged", d.diverged(),
        "divergence_limit", d.limit(),
        "max_abs_value", Double.isFinite(d.maxAbs()) ? d.maxAbs() : "Infinity",
        "first_index_beyond_limit", d.firstBeyond()));
    m.put("checkpoint", outcome.checkpoint().toString());
    outcome.tensorBoard().ifPresent(dir -> m.put("tensorboard_logdir", dir.toString()));
    m.put("saved_model", outcome.savedModel().toString());
    return m;
  }

  private static void compare(LessonContext context,
      Map<CellKind, SequenceExperiment.Outcome> outcomes) {
    Map<String, float[]> sequences = new LinkedHashMap<>();
    Divergence worst = null;
    StringBuilder table = new StringBuilder(
        "| cell | final batch MSE | test-instance MSE | train s | ms/iteration | generation ms/step |"
            + " diverges |\n|---|---|---|---|---|---|---|\n");
    for (SequenceExperiment.Outcome o : outcomes.values()) {
      String name = o.config().kind().displayName();
      sequences.put(name, o.generated().sequence());
      if (worst == null || o.divergence().maxAbs() > worst.maxAbs()) {
        worst = o.divergence();
      }
      table.append(String.format("| %s | %.4f | %.4f | %.2f | %.3f | %.3f | %s |%n", name,
          o.log().finalMse(), o.testMse(), o.log().seconds(), o.log().msPerIteration(),
          o.generated().msPerStep(), o.divergence().diverged() ? "yes" : "no"));
    }
    SequenceCharts.comparison(context.output("sequences_comparison.png"), sequences,
        TimeSeries.STEPS, worst);
    AtomicFiles.write(context.output("sequences_comparison.md"),
        table.toString().getBytes(StandardCharsets.UTF_8));
    context.console().printf("%n%s", table);
  }

  /** Values printed as numpy prints a float32 array of shape [1, n, 1]. */
  static String numpyColumn(float[] values) {
    StringBuilder s = new StringBuilder("array([[");
    for (int i = 0; i < values.length; i++) {
      s.append(i == 0 ? "[" : "        [").append(String.format("%10s", values[i])).append(']');
      s.append(i == values.length - 1 ? "]], dtype=float32)" : ",\n");
    }
    return s.toString();
  }
}
