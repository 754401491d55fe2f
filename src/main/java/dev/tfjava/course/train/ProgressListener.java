package dev.tfjava.course.train;

import dev.tfjava.course.console.Progress;

/** A {@link Progress} per training pass, counting examples or steps, with the mean loss so far. */
public final class ProgressListener implements TrainingListener {
  /** The unit that counts steps rather than examples. */
  public static final String ITERATIONS = "it";

  private final String unit;
  private Progress progress;
  private long perStep;
  private double lossSum;
  private int steps;

  /** @param unit what one example is called, e.g. "img", or {@link #ITERATIONS} to count steps */
  public ProgressListener(String unit) {
    this.unit = unit;
  }

  @Override
  public void passStarted(TrainingLoop.Pass pass) {
    perStep = ITERATIONS.equals(unit) ? 1 : pass.examplesPerStep();
    progress = Progress.start(pass.task(), pass.steps() * perStep, unit);
    lossSum = 0;
    steps = 0;
    progress.message(this::meanLoss);
  }

  @Override
  public void stepDone(TrainingLoop.Step step) {
    lossSum += step.loss();
    steps++;
    progress.step(perStep);
  }

  @Override
  public void passFinished(TrainingLoop.Pass pass, TrainingLoop.PassSummary summary) {
    progress.message(String.format("loss %.4f", summary.meanLoss()));
    progress.close();
  }

  /** The mean loss so far, formatted only when the progress line shows it. */
  private String meanLoss() {
    return steps == 0 ? "" : String.format("loss %.4f", lossSum / steps);
  }
}
