package dev.tfjava.course.train;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on stderr for long loops (epochs, iterations): count, rate, elapsed time and time
 * left, plus a short live message such as the current loss. Stdout stays free for the lines the
 * notebooks print, so piping a lesson's output keeps exactly those.
 */
public final class Progress implements AutoCloseable {
  private final ProgressBar bar;

  private Progress(ProgressBar bar) {
    this.bar = bar;
  }

  /**
   * Starts a bar.
   *
   * @param task what is being done, e.g. "Epoch 3/10"
   * @param total number of steps
   * @param unit name of one step, e.g. "img" or "it"
   */
  public static Progress start(String task, long total, String unit) {
    return start(task, total, unit, System.err);
  }

  static Progress start(String task, long total, String unit, PrintStream stream) {
    ProgressBar bar = new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(total)
        .setUnit(" " + unit, 1)
        .showSpeed()
        .setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(250)
        .setConsumer(new ConsoleProgressBarConsumer(stream, 100))
        .build();
    return new Progress(bar);
  }

  /** Advances by {@code steps}. */
  public void step(long steps) {
    bar.stepBy(steps);
  }

  /** Shows a short live message next to the bar, e.g. {@code "loss 0.123"}. */
  public void message(String message) {
    bar.setExtraMessage(" " + message);
  }

  @Override
  public void close() {
    bar.close();
  }
}
