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
  /** Characters that cover a bar line when it is wiped (the bar is at most 100 wide). */
  private static final String BLANK_LINE = "\r" + " ".repeat(100) + "\r";

  private final ProgressBar bar;
  private final PrintStream stream;

  private Progress(ProgressBar bar, PrintStream stream) {
    this.bar = bar;
    this.stream = stream;
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
    return new Progress(bar, stream);
  }

  /** Advances by {@code steps}. */
  public void step(long steps) {
    bar.stepBy(steps);
  }

  /**
   * Prints a line of the lesson's own output while the bar runs: the bar's line is wiped first, so
   * that on a terminal the line stands alone, and the bar redraws itself below it.
   */
  public void println(PrintStream out, String line) {
    synchronized (stream) {
      stream.print(BLANK_LINE);
      stream.flush();
      out.println(line);
      out.flush();
    }
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
