package dev.tfjava.course.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.op.Op;
import org.tensorflow.types.TFloat32;

/**
 * The execution phase's inner loop, one for every lesson that trains: fill a batch, feed it,
 * run the training op, fetch the loss — {@code sess.run(training_op, feed_dict={X: X_batch,
 * y: y_batch})} — and tell the {@link TrainingListener}s.
 *
 * <p>The loop allocates no native memory per step: the batch arrays are refilled in place and
 * copied into two input tensors made once, and each step's {@link Result} is closed at once, so
 * thousands of steps keep the process's memory flat. Close the loop to free its tensors.
 */
public final class TrainingLoop implements AutoCloseable {
  /** Fills one batch of inputs and targets in place (the notebook's {@code next_batch}). */
  @FunctionalInterface
  public interface Batches {
    void fill(int stepInPass, float[] x, float[] y);
  }

  /** A pass over the data: an epoch of the CNN, or all iterations of a sequence model. */
  public record Pass(String task, int index, long firstStep, int steps, int examplesPerStep) {}

  /** What a pass did. */
  public record PassSummary(double meanLoss, double seconds, double examplesPerSecond) {}

  /** The step just done, as a listener sees it. */
  public final class Step {
    private long step;
    private int stepInPass;
    private float loss;

    /** The global step number (counted over every pass). */
    public long step() {
      return step;
    }

    /** The step's number within its pass, from 0. */
    public int stepInPass() {
      return stepInPass;
    }

    /** The batch loss fetched with the training op (before the update took effect). */
    public float loss() {
      return loss;
    }

    /**
     * Evaluates a scalar on this step's batch without training, as {@code
     * loss.eval(feed_dict={X: X_batch, y: y_batch})} after the update.
     */
    public float evaluate(Operand<TFloat32> scalar) {
      Session.Runner runner = feeds(session.runner());
      try (Result result = runner.fetch(scalar).run()) {
        return Tensors.scalar(result.get(0));
      }
    }
  }

  private final Session session;
  private final Op trainingOp;
  private final Operand<TFloat32> loss;
  private final Operand<TFloat32> xInput;
  private final Operand<TFloat32> yInput;
  private final float[] xBatch;
  private final float[] yBatch;
  private final FloatDataBuffer xValues;
  private final FloatDataBuffer yValues;
  private final TFloat32 x;
  private final TFloat32 y;
  private final Map<Operand<?>, Tensor> constantFeeds = new LinkedHashMap<>();
  private final List<TrainingListener> listeners = new ArrayList<>();
  private final Step current = new Step();
  private int passes;

  /**
   * @param xInput the inputs' placeholder, fed batches of {@code xShape}
   * @param yInput the targets' placeholder, fed batches of {@code yShape}
   */
  public TrainingLoop(Session session, Op trainingOp, Operand<TFloat32> loss,
      Operand<TFloat32> xInput, Shape xShape, Operand<TFloat32> yInput, Shape yShape) {
    this.session = session;
    this.trainingOp = trainingOp;
    this.loss = loss;
    this.xInput = xInput;
    this.yInput = yInput;
    this.xBatch = new float[Math.toIntExact(xShape.size())];
    this.yBatch = new float[Math.toIntExact(yShape.size())];
    this.xValues = DataBuffers.of(xBatch, true, false);
    this.yValues = DataBuffers.of(yBatch, true, false);
    this.x = TFloat32.tensorOf(xShape);
    this.y = TFloat32.tensorOf(yShape);
  }

  /**
   * Feeds {@code value} to {@code input} at every training step, e.g. keep_prob 0.5. The loop
   * closes the tensor.
   */
  public TrainingLoop feedEveryStep(Operand<?> input, Tensor value) {
    constantFeeds.put(input, value);
    return this;
  }

  /** Adds a listener; they are called in the order added. */
  public TrainingLoop listen(TrainingListener listener) {
    listeners.add(listener);
    return this;
  }

  /**
   * Runs {@code steps} training steps, numbered from {@code firstStep}.
   *
   * @param examplesPerStep examples in one batch, for the throughput
   */
  public PassSummary run(String task, long firstStep, int steps, int examplesPerStep,
      Batches batches) {
    Pass pass = new Pass(task, passes++, firstStep, steps, examplesPerStep);
    listeners.forEach(l -> l.passStarted(pass));
    long start = System.nanoTime();
    double lossSum = 0;
    for (int i = 0; i < steps; i++) {
      batches.fill(i, xBatch, yBatch);
      x.copyFrom(xValues);
      y.copyFrom(yValues);
      try (Result result = feeds(session.runner()).addTarget(trainingOp).fetch(loss).run()) {
        current.loss = Tensors.scalar(result.get(0));
      }
      current.step = firstStep + i;
      current.stepInPass = i;
      lossSum += current.loss;
      for (TrainingListener listener : listeners) { // no lambda per step on the hot path
        listener.stepDone(current);
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    PassSummary summary = new PassSummary(steps == 0 ? Double.NaN : lossSum / steps, seconds,
        seconds > 0 ? (double) steps * examplesPerStep / seconds : 0);
    listeners.forEach(l -> l.passFinished(pass, summary));
    return summary;
  }

  private Session.Runner feeds(Session.Runner runner) {
    runner.feed(xInput, x).feed(yInput, y);
    for (Map.Entry<Operand<?>, Tensor> feed : constantFeeds.entrySet()) { // no lambda per step
      runner.feed(feed.getKey(), feed.getValue());
    }
    return runner;
  }

  @Override
  public void close() {
    x.close();
    y.close();
    constantFeeds.values().forEach(Tensor::close);
  }
}
