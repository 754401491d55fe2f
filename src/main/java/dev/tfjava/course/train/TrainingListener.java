package dev.tfjava.course.train;

import java.util.function.Consumer;

/**
 * Something that watches a {@link TrainingLoop}: a progress bar, a TensorBoard writer, a meter of
 * CPU time and memory, or the lesson's own "print the MSE every 100 iterations". The loop calls it;
 * the lesson's code stays the notebook's.
 */
public interface TrainingListener {
  /** A pass of {@code steps} steps starts (an epoch, or the whole run of iterations). */
  default void passStarted(TrainingLoop.Pass pass) {}

  /** One training step is done; {@code step} can evaluate more on the same batch. */
  default void stepDone(TrainingLoop.Step step) {}

  /** The pass ended; {@code summary} holds its loss, time and throughput. */
  default void passFinished(TrainingLoop.Pass pass, TrainingLoop.PassSummary summary) {}

  /** A listener that only acts after each step, e.g. the notebook's "print every 100 iterations". */
  static TrainingListener afterEachStep(Consumer<TrainingLoop.Step> action) {
    return new TrainingListener() {
      @Override
      public void stepDone(TrainingLoop.Step step) {
        action.accept(step);
      }
    };
  }
}
