package dev.tfjava.course.sequence;

import dev.tfjava.course.data.TimeSeries;
import dev.tfjava.course.tensorboard.TrainingSummaries;
import dev.tfjava.course.train.Progress;
import dev.tfjava.course.train.Tensors;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.types.TFloat32;

/**
 * The notebook's training loop: {@code iterations} Adam steps on fresh batches from
 * {@code next_batch}, and every {@value #REPORT_EVERY} iterations the batch MSE after the step,
 * printed as {@code <iteration>\tMSE: <value>}.
 *
 * <p>The loop allocates nothing per step: the batch arrays are refilled in place and copied into
 * two input tensors made once.
 */
public final class SequenceTrainer {
  /** How often the notebook prints the MSE. */
  public static final int REPORT_EVERY = 100;
  /** How often the variables' histograms go to TensorBoard. */
  public static final int HISTOGRAM_EVERY = 300;

  /** One printed line: the batch MSE after iteration {@code iteration}'s update. */
  public record Report(int iteration, float mse) {}

  /**
   * What training did.
   *
   * @param reports the notebook's lines, every {@value #REPORT_EVERY} iterations
   * @param batchLoss every iteration's batch MSE before its update (the training curve)
   * @param seconds wall time of the whole loop, first-run set-up included
   * @param firstIterationMs the first iteration alone: TensorFlow initialises the variables and
   *     prepares the graph for these feeds and fetches
   * @param tensorBoardSeconds the part of {@code seconds} spent writing TensorBoard summaries
   */
  public record Log(List<Report> reports, float[] batchLoss, double seconds,
      double firstIterationMs, double tensorBoardSeconds) {
    /** The last reported MSE. */
    public float finalMse() {
      return reports.get(reports.size() - 1).mse();
    }

    public double msPerIteration() {
      return seconds * 1000 / batchLoss.length;
    }
  }

  private SequenceTrainer() {}

  /**
   * Trains {@code model} in {@code session}.
   *
   * @param console where the notebook's lines go, or {@code null} for none
   * @param showProgress whether to draw a progress bar on stderr
   * @param summaries TensorBoard: the batch loss every few steps, the printed MSEs, and the
   *     variables' histograms every {@value #HISTOGRAM_EVERY} iterations and at the end
   */
  public static Log train(Session session, SequenceModel model, TimeSeries series, int iterations,
      int batchSize, PrintStream console, boolean showProgress, TrainingSummaries summaries) {
    int steps = model.config().steps();
    TimeSeries.Batch batch = series.nextBatch(batchSize, steps);
    FloatDataBuffer xValues = DataBuffers.of(batch.x(), true, false);
    FloatDataBuffer yValues = DataBuffers.of(batch.y(), true, false);
    float[] batchLoss = new float[iterations];
    List<Report> reports = new ArrayList<>();
    Shape shape = Shape.of(batchSize, steps, SequenceModel.FEATURES);
    long start = System.nanoTime();
    long firstDone = start;
    try (TFloat32 x = TFloat32.tensorOf(shape);
        TFloat32 y = TFloat32.tensorOf(shape);
        Progress progress = showProgress
            ? Progress.start("Training " + model.config().kind().displayName(), iterations, "it")
            : null) {
      for (int iteration = 0; iteration < iterations; iteration++) {
        if (iteration > 0) {
          series.nextBatch(batch);
        }
        x.copyFrom(xValues);
        y.copyFrom(yValues);
        try (Result result = session.runner().feed(model.x(), x).feed(model.y(), y)
            .addTarget(model.train()).fetch(model.loss()).run()) {
          batchLoss[iteration] = Tensors.scalar(result.get(0));
        }
        summaries.loss(iteration, batchLoss[iteration]);
        if (iteration % REPORT_EVERY == 0 || iteration == iterations - 1) {
          float mse = loss(session, model, x, y);
          reports.add(new Report(iteration, mse));
          summaries.scalar("mse", iteration, mse);
          if (console != null && iteration % REPORT_EVERY == 0) {
            String line = iteration + "\tMSE: " + mse;
            if (progress != null) {
              progress.println(console, line);
            } else {
              console.println(line);
            }
          }
          if (progress != null) {
            progress.message("MSE " + mse);
          }
        }
        if (iteration % HISTOGRAM_EVERY == 0 || iteration == iterations - 1) {
          summaries.histograms(session, iteration, model.variables());
        }
        if (iteration == 0) {
          firstDone = System.nanoTime();
        }
        if (progress != null) {
          progress.step(1);
        }
      }
    }
    return new Log(reports, batchLoss, (System.nanoTime() - start) / 1e9,
        (firstDone - start) / 1e6, summaries.seconds());
  }

  /** The loss on a fed batch without training (the notebook's {@code loss.eval}). */
  static float loss(Session session, SequenceModel model, TFloat32 x, TFloat32 y) {
    try (Result result = session.runner().feed(model.x(), x).feed(model.y(), y)
        .fetch(model.loss()).run()) {
      return Tensors.scalar(result.get(0));
    }
  }
}
