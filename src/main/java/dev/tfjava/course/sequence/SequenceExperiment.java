package dev.tfjava.course.sequence;

import dev.tfjava.course.data.TimeSeries;
import dev.tfjava.course.export.Checkpoints;
import dev.tfjava.course.export.SavedModels;
import dev.tfjava.course.train.Seeds;
import dev.tfjava.course.train.SessionFactory;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import dev.tfjava.course.tensorboard.TrainingSummaries;
import org.tensorflow.Graph;
import org.tensorflow.Session;

/**
 * One cell through the whole notebook: train, predict on the test instance, save a checkpoint,
 * export a SavedModel, then restore the checkpoint in a new graph and session and generate. The
 * three lessons and the comparison all run this; only the cell differs.
 */
public final class SequenceExperiment {
  /**
   * What a run does: the notebook's defaults are 1,500 iterations of 50, lr 0.001, 300 values.
   *
   * @param summaryEvery steps between two TensorBoard loss points
   */
  public record Settings(int iterations, int batchSize, float learningRate, int generate,
      boolean progress, int summaryEvery) {
    /** Settings with a TensorBoard loss point every 10 steps. */
    public Settings(int iterations, int batchSize, float learningRate, int generate,
        boolean progress) {
      this(iterations, batchSize, learningRate, generate, progress, 10);
    }
  }

  /**
   * Where a run writes its checkpoint, SavedModel and TensorBoard events (none when empty).
   */
  public record Destinations(Path checkpoint, Path modelsRoot, Optional<Path> tensorBoard) {
    /** No TensorBoard events. */
    public Destinations(Path checkpoint, Path modelsRoot) {
      this(checkpoint, modelsRoot, Optional.empty());
    }
  }

  /** Everything a run measured and produced. */
  public record Outcome(SequenceModel.Config config, SequenceTrainer.Log log, float[] prediction,
      double testMse, SequenceGenerator.Generated generated, Divergence divergence,
      Path checkpoint, Path savedModel, Optional<Path> tensorBoard) {}

  private SequenceExperiment() {}

  /**
   * Runs the notebook for one cell. Each run takes fresh seeds from {@code seed}, so a cell trains
   * the same whether it runs alone or in the comparison.
   *
   * @param console where the notebook's lines go, or {@code null}
   */
  public static Outcome run(SequenceModel.Config config, Settings settings, SessionFactory sessions,
      long seed, Destinations destinations, PrintStream console) {
    if (settings.iterations() < 1 || settings.batchSize() < 1 || settings.generate() < 0
        || !(settings.learningRate() > 0)) {
      throw dev.tfjava.course.CourseException.badInput("--iterations and --batch-size must be >= 1,"
          + " --generate >= 0 and --learning-rate > 0");
    }
    Seeds seeds = new Seeds(seed);
    TimeSeries series = new TimeSeries(seeds.random("next_batch"));
    float[] instance = TimeSeries.testInstance();
    SequenceTrainer.Log log;
    float[] prediction;
    Path savedModel;
    Path checkpoint;
    try (Graph graph = new Graph()) {
      SequenceModel model = SequenceModel.training(graph, sessions.ops(graph), config, seeds);
      try (Session session = sessions.open(graph);
          TrainingSummaries summaries = TrainingSummaries.open(destinations.tensorBoard(), graph,
              settings.summaryEvery())) {
        log = SequenceTrainer.train(session, model, series, settings.iterations(),
            settings.batchSize(), console, settings.progress(), summaries);
        prediction = SequenceGenerator.predict(session, model, instance);
        // The exact prefix this run wrote: generation restores it, never another run's newer one.
        checkpoint = Checkpoints.save(session, destinations.checkpoint(),
            config.kind().checkpointPrefix());
        savedModel = SavedModels.export(session, SavedModels.predictSignature(
            Map.of("X", model.x()), Map.of("outputs", model.outputs())),
            destinations.modelsRoot(), config.kind().modelName());
      }
    }
    SequenceGenerator.Generated generated = generateFromCheckpoint(config, sessions, seeds,
        checkpoint, settings.generate());
    return new Outcome(config, log, prediction, mse(prediction, TimeSeries.testTarget()), generated,
        Divergence.of(generated.sequence(), Divergence.defaultLimit()), checkpoint,
        savedModel, destinations.tensorBoard());
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

  static double mse(float[] prediction, float[] target) {
    double sum = 0;
    for (int i = 0; i < target.length; i++) {
      double d = prediction[i] - target[i];
      sum += d * d;
    }
    return sum / target.length;
  }
}
