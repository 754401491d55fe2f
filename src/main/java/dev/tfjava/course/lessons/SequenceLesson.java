package dev.tfjava.course.lessons;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.tfjava.course.CourseException;
import dev.tfjava.course.console.NumpyFormat;
import dev.tfjava.course.data.TimeSeries;
import dev.tfjava.course.export.Checkpoints;
import dev.tfjava.course.export.RestoreOption;
import dev.tfjava.course.export.SavedModels;
import dev.tfjava.course.io.AtomicFiles;
import dev.tfjava.course.nn.cells.CellKind;
import dev.tfjava.course.sequence.Divergence;
import dev.tfjava.course.sequence.SequenceCharts;
import dev.tfjava.course.sequence.SequenceGenerator;
import dev.tfjava.course.sequence.SequenceModel;
import dev.tfjava.course.sequence.TrainingCurve;
import dev.tfjava.course.tensorboard.TensorBoardOptions;
import dev.tfjava.course.tensorboard.TrainingSummaries;
import dev.tfjava.course.train.ProgressListener;
import dev.tfjava.course.train.Seeds;
import dev.tfjava.course.train.SessionFactory;
import dev.tfjava.course.train.ThreadSettings;
import dev.tfjava.course.train.TrainingListener;
import dev.tfjava.course.train.TrainingLoop;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Unit 3's notebooks, one shared path: each lesson names the cells it runs and nothing else. For
 * each cell, the notebook's cells In [7]–[12]: build the graph, train printing the MSE every 100
 * iterations, predict the test instance ({@code y_pred}), save, plot, restore in a new session and
 * generate, plot. With several cells, also a comparison chart and table.
 */
public abstract class SequenceLesson extends Lesson<SequenceLesson.Result> {

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

  @Mixin
  RestoreOption restore = new RestoreOption();

  /** Iterations and generated values of a {@code --quick} run. */
  static final int QUICK_ITERATIONS = 50;
  static final int QUICK_GENERATE = 40;
  /** The notebook's GRU bug and its fix, printed and recorded in metrics.json. */
  static final String GRU_BUG_FIXED = "the notebook's GRU section built a BasicLSTMCell again"
      + " (a copy-paste bug); this is a real GRU cell (TF1's GRUCell equations)";
  /** How often the notebook prints the MSE. */
  static final int REPORT_EVERY = 100;
  /** How often the variables' histograms go to TensorBoard. */
  static final int HISTOGRAM_EVERY = 300;
  /** The largest values accepted for the sizes (each bounds an allocation). */
  static final int MAX_ITERATIONS = 10_000_000;
  static final int MAX_BATCH = 100_000;
  static final int MAX_GENERATE = 1_000_000;

  /** What one cell's run found (metrics.json's {@code models} entries). */
  public record CellResult(String model, String cell, int units, int steps,
      String notebookBugFixed, List<TrainingCurve.Report> mseReports, float finalBatchMse,
      double testInstanceMse, float[] yPred, double trainSeconds, double msPerIteration,
      double tensorboardSeconds, double generationMsPerStep,
      double generationSetupMs, float[] generated, Divergence divergence, String checkpoint,
      String savedModel, String tensorboardLogdir, @JsonIgnore TrainingCurve curve) {}

  /** Every cell's result, in the order run. */
  public record Result(List<CellResult> models) {}

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
  protected List<String> exportedModels() {
    return cells().stream().map(CellKind::modelName).toList();
  }

  @Override
  protected void applyQuick() {
    iterations = Math.min(iterations, QUICK_ITERATIONS);
    generate = Math.min(generate, QUICK_GENERATE);
  }

  @Override
  protected Result run(LessonContext context) {
    int nIterations = iterations;
    int nGenerate = generate;
    // One TensorBoard run folder for the lesson; with several cells, one subfolder per cell.
    // A --restore checkpoint must fit every cell's graph before the first cell trains.
    for (CellKind kind : cells()) {
      restore.check(kind.modelName(), graph -> SequenceModel.training(graph,
          context.sessions().ops(graph), SequenceModel.Config.notebook(kind, learningRate),
          new Seeds(options.seed())));
    }
    Optional<Path> logdir = context.tensorBoardDir(tensorBoard);
    List<CellResult> results = new ArrayList<>();
    for (CellKind kind : cells()) {
      Optional<Path> cellLogdir = cells().size() == 1 ? logdir
          : logdir.map(dir -> dir.resolve(kind.modelName()));
      results.add(runCell(context, kind, nIterations, nGenerate, cellLogdir));
    }
    if (results.size() > 1) {
      compare(context, results);
    }
    return new Result(results);
  }

  @Override
  protected void validateOptions() {
    int least = restore.given() ? 0 : 1; // 0: only restore, predict, generate, export
    if (iterations < least || iterations > MAX_ITERATIONS) {
      throw CourseException.badInput("--iterations must be between " + least + " and "
          + MAX_ITERATIONS + ", got " + iterations);
    }
    if (batchSize < 1 || batchSize > MAX_BATCH) {
      throw CourseException.badInput("--batch-size must be between 1 and " + MAX_BATCH
          + ", got " + batchSize);
    }
    if (generate < 0 || generate > MAX_GENERATE) {
      throw CourseException.badInput("--generate must be between 0 and " + MAX_GENERATE
          + ", got " + generate);
    }
    if (!(learningRate > 0 && Float.isFinite(learningRate))) {
      throw CourseException.badInput("--learning-rate must be a positive number, got "
          + learningRate);
    }
  }

  /** The notebook's In [7] to In [12] for one cell. */
  private CellResult runCell(LessonContext context, CellKind kind, int nIterations,
      int nGenerate, Optional<Path> logdir) {
    PrintStream out = context.console();
    String name = kind.displayName();
    String model = kind.modelName();
    out.printf("%n=== %s: %d ReLU units unrolled over %d steps, %d iterations of batch %d ===%n",
        name, 100, TimeSeries.STEPS, nIterations, batchSize);
    if (kind == CellKind.GRU) {
      out.println("Note: " + GRU_BUG_FIXED + ".");
    }

    // In [7]: reset_graph() — every cell starts from the same seeds — and the construction phase.
    Seeds seeds = new Seeds(options.seed());
    TimeSeries series = new TimeSeries(seeds.random("next_batch"));
    SequenceModel.Config config = SequenceModel.Config.notebook(kind, learningRate);
    TrainingCurve curve;
    TrainingLoop.PassSummary training;
    float[] yPred;
    Path checkpoint;
    Path savedModel;
    double tensorBoardSeconds;
    try (Graph graph = new Graph()) {
      SequenceModel rnn = SequenceModel.training(graph, context.sessions().ops(graph), config,
          seeds);
      try (Session sess = context.sessions().open(graph);
          TrainingSummaries summaries = TrainingSummaries.open(logdir, graph,
              tensorBoard.summaryEvery())) {
        logdir.ifPresent(dir -> out.println("TensorBoard: " + dir + "  (tensorboard --logdir "
            + dir.getParent() + ")"));
        restore.restoreInto(sess, graph, model, out);

        // In [8]: n_iterations = 1500, batch_size = 50; every 100 iterations print the MSE.
        float[] batchLoss = new float[nIterations];
        List<TrainingCurve.Report> reports = new ArrayList<>();
        Shape shape = Shape.of(batchSize, TimeSeries.STEPS, SequenceModel.FEATURES);
        try (TrainingLoop loop = new TrainingLoop(sess, rnn.train(), rnn.loss(),
            rnn.x(), shape, rnn.y(), shape)) {
          loop.listen(summaries)
              .listen(summaries.histogramsEvery(HISTOGRAM_EVERY, sess, rnn.variables()))
              .listen(new ProgressListener(ProgressListener.ITERATIONS))
              .listen(TrainingListener.afterEachStep(step -> {
                int iteration = step.stepInPass();
                batchLoss[iteration] = step.loss();
                if (iteration % REPORT_EVERY == 0 || iteration == nIterations - 1) {
                  float mse = step.evaluate(rnn.loss());
                  reports.add(new TrainingCurve.Report(iteration, mse));
                  summaries.scalar("mse", iteration, mse);
                  if (iteration % REPORT_EVERY == 0) {
                    out.println(iteration + "\tMSE: " + mse);
                  }
                }
              }));
          training = loop.run("Training " + name, 0, nIterations, batchSize,
              (i, x, y) -> series.fill(x, y, batchSize, TimeSeries.STEPS));
        }
        curve = new TrainingCurve(reports, batchLoss);

        // X_new = time_series(t_instance[:-1]); y_pred = sess.run(outputs, feed_dict={X: X_new})
        yPred = SequenceGenerator.predict(sess, rnn, TimeSeries.testInstance());
        // saver.save(sess, "./my_time_series_model"); and a SavedModel for serving.
        // The exact prefix this run wrote: generation restores it, never another run's newer one.
        checkpoint = Checkpoints.save(sess, context.checkpoint(model), kind.checkpointPrefix());
        savedModel = SavedModels.export(sess, SavedModels.predictSignature(
            Map.of("X", rnn.x()), Map.of("outputs", rnn.outputs())), context.models(), model,
            WarmupFiles.sequence(model));
        tensorBoardSeconds = summaries.seconds();
      }
    }
    // In [9]: y_pred
    out.println("y_pred");
    out.println(numpyColumn(yPred));
    double testMse = mse(yPred, TimeSeries.testTarget());
    out.printf("Test-instance MSE: %.6f%n", testMse);
    double msPerIteration = training.seconds() * 1000 / Math.max(1, nIterations);
    out.printf("Trained in %.2f s (%.3f ms per iteration); final batch MSE %s%n",
        training.seconds(), msPerIteration, curve.finalMse());
    out.printf("Checkpoint saved to %s; SavedModel exported to %s%n", checkpoint, savedModel);

    // In [10]: plt.title("Testing the model")
    SequenceCharts.testingTheModel(context.output(model + "_testing_the_model.png"), name,
        TimeSeries.tInstance(), TimeSeries.testInstance(), TimeSeries.testTarget(), yPred);
    if (nIterations > 0) { // --restore with 0 iterations trains nothing: no curve to draw
      SequenceCharts.trainingCurve(context.output(model + "_training_mse.png"), name, curve);
    }

    // In [11]: saver.restore(sess, ...) in a new session; 300 values generated from 20 zeros.
    SequenceGenerator.Generated generated =
        generateFromCheckpoint(config, context.sessions(), seeds, checkpoint, nGenerate);
    Divergence divergence = Divergence.of(generated.sequence(), Divergence.defaultLimit());
    out.printf("Restored the checkpoint in a new session and generated %d values from %d zeros"
        + " (%.3f ms per value after a first run of %.0f ms)%s%n", nGenerate,
        generated.seedLength(), generated.msPerStep(), generated.setupMs(), divergence.diverged()
            ? String.format("; it diverges (|value| > %.1f from index %d, max %.3g)",
                divergence.limit(), divergence.firstBeyond(), divergence.maxAbs())
            : "");
    // In [12]: the generated sequence.
    SequenceCharts.generated(context.output(model + "_generated.png"), name,
        generated.sequence(), generated.seedLength(), divergence);

    return new CellResult(model, name, config.units(), config.steps(),
        kind == CellKind.GRU ? GRU_BUG_FIXED : null,
        curve.reports(), curve.finalMse(), testMse, yPred, training.seconds(), msPerIteration,
        tensorBoardSeconds,
        generated.msPerStep(), generated.setupMs(), generated.sequence(), divergence,
        checkpoint.toString(), savedModel.toString(), logdir.map(Path::toString).orElse(null),
        curve);
  }

  /** The notebook's second session: a new graph, the checkpoint restored, then generation. */
  public static SequenceGenerator.Generated generateFromCheckpoint(SequenceModel.Config config,
      SessionFactory sessions, Seeds seeds, Path checkpoint, int count) {
    try (Graph graph = new Graph()) {
      SequenceModel model = SequenceModel.inference(graph, sessions.ops(graph), config, seeds);
      try (Session session = sessions.open(graph)) {
        Checkpoints.restore(session, graph, checkpoint);
        return SequenceGenerator.generate(session, model, count);
      }
    }
  }

  private static void compare(LessonContext context, List<CellResult> results) {
    Map<String, float[]> sequences = new LinkedHashMap<>();
    Divergence worst = null;
    StringBuilder table = new StringBuilder(
        "| cell | final batch MSE | test-instance MSE | train s | ms/iteration | generation ms/step |"
            + " diverges |\n|---|---|---|---|---|---|---|\n");
    for (CellResult r : results) {
      sequences.put(r.cell(), r.generated());
      if (worst == null || r.divergence().maxAbs() > worst.maxAbs()) {
        worst = r.divergence();
      }
      table.append(String.format("| %s | %.4f | %.4f | %.2f | %.3f | %.3f | %s |%n", r.cell(),
          r.finalBatchMse(), r.testInstanceMse(), r.trainSeconds(), r.msPerIteration(),
          r.generationMsPerStep(), r.divergence().diverged() ? "yes" : "no"));
    }
    SequenceCharts.comparison(context.output("sequences_comparison.png"), sequences,
        TimeSeries.STEPS, worst);
    AtomicFiles.write(context.output("sequences_comparison.md"),
        table.toString().getBytes(StandardCharsets.UTF_8));
    context.console().printf("%n%s", table);
  }

  static double mse(float[] prediction, float[] target) {
    double sum = 0;
    for (int i = 0; i < target.length; i++) {
      double d = prediction[i] - target[i];
      sum += d * d;
    }
    return sum / target.length;
  }

  /** Values printed as numpy prints a float32 array of shape [1, n, 1]. */
  static String numpyColumn(float[] values) {
    return NumpyFormat.column(values);
  }

}
