package dev.tfjava.course.console;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a long loop (an epoch, the iterations, a download) on stderr: count, rate, time and a
 * short live message such as the current loss. Stdout stays free for the lines the notebooks print.
 *
 * <p>On a terminal it is a bar redrawn in place. In a log (stderr redirected to a file or a pipe,
 * as in CI or {@code 2>&1 | tee}) carriage-return redraws would interleave with the notebook's
 * lines, so it prints a plain line now and then ({@value #LOG_EVERY_SECONDS} s) and one at the end.
 */
public final class Progress implements AutoCloseable {
  /** Seconds between two lines in a log. */
  static final int LOG_EVERY_SECONDS = 15;
  /** Nanoseconds between two refreshes of a bar's live message (the bar redraws every 250 ms). */
  private static final long BAR_MESSAGE_EVERY_NANOS = 250_000_000L;
  /** Characters that cover a bar line when it is wiped (the bar is at most 100 wide). */
  private static final String BLANK_LINE = "\r" + " ".repeat(100) + "\r";
  private static final boolean STDERR_IS_TERMINAL = stderrIsTerminal();
  /** The bar on screen, so that notebook lines can wipe it first. */
  private static volatile Progress onScreen;

  private final String task;
  private final long total;
  private final String unit;
  private final PrintStream stream;
  private final ProgressBar bar;
  private final long start = System.nanoTime();
  private long done;
  private long lastLogLine = start;
  private long lastBarMessage = start;
  private Supplier<String> message = () -> "";

  private Progress(String task, long total, String unit, PrintStream stream, boolean terminal) {
    this.task = task;
    this.total = total;
    this.unit = unit;
    this.stream = stream;
    this.bar = terminal ? new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(total)
        .setUnit(" " + unit, 1)
        .showSpeed()
        .setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(250)
        .setConsumer(new ConsoleProgressBarConsumer(stream, 100))
        .build() : null;
  }

  /**
   * Starts progress reporting on stderr.
   *
   * @param task what is being done, e.g. "Epoch 3/10"
   * @param total number of steps
   * @param unit name of one step, e.g. "img" or "it"
   */
  public static Progress start(String task, long total, String unit) {
    return start(task, total, unit, System.err, STDERR_IS_TERMINAL);
  }

  static Progress start(String task, long total, String unit, PrintStream stream,
      boolean terminal) {
    Progress progress = new Progress(task, total, unit, stream, terminal);
    if (terminal) {
      onScreen = progress;
    }
    return progress;
  }

  /** Advances by {@code steps}. */
  public void step(long steps) {
    done += steps;
    if (bar != null) {
      bar.stepBy(steps);
      long now = System.nanoTime();
      if (now - lastBarMessage >= BAR_MESSAGE_EVERY_NANOS) {
        lastBarMessage = now;
        showMessageOnBar();
      }
    } else if (System.nanoTime() - lastLogLine >= LOG_EVERY_SECONDS * 1_000_000_000L
        && done < total) {
      logLine();
    }
  }

  /** Shows a short live message next to the count, e.g. {@code "loss 0.123"}. */
  public void message(String text) {
    message(() -> text);
  }

  /**
   * Shows a live message that is computed only when shown: once per log line, at most 4 times a
   * second on a terminal. A caller that updates it every step then costs nothing per step; in
   * particular, formatting a number goes through {@link java.util.Formatter}'s regular
   * expression, and running that every few steps had the JIT compile the regex engine late in a
   * long run, a transient +9 MiB of compiler memory (BENCHMARKS.md, "Memory over long runs").
   */
  public void message(Supplier<String> text) {
    message = text;
    showMessageOnBar();
  }

  private void showMessageOnBar() {
    if (bar != null) {
      bar.setExtraMessage(" " + message.get());
    }
  }

  /**
   * Prints a line of the lesson's own output: on a terminal the bar's line is wiped first so the
   * line stands alone, and the bar redraws itself below it.
   */
  public static void printLine(PrintStream out, String line) {
    Progress bar = onScreen;
    if (bar == null) {
      out.println(line);
      out.flush();
      return;
    }
    synchronized (bar.stream) {
      bar.stream.print(BLANK_LINE);
      bar.stream.flush();
      out.println(line);
      out.flush();
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      showMessageOnBar();
      bar.close();
      onScreen = null;
    } else {
      logLine();
    }
  }

  private void logLine() {
    lastLogLine = System.nanoTime();
    double seconds = (lastLogLine - start) / 1e9;
    String rate = seconds > 0 ? String.format("%,.0f %s/s", done / seconds, unit) : "";
    String text = message.get();
    stream.printf("%s: %,d/%,d %s, %.1f s, %s%s%n", task, done, total, unit, seconds, rate,
        text.isEmpty() ? "" : ", " + text);
    stream.flush();
  }

  /** Whether fd 2 is a terminal (Linux: a /dev/pts or /dev/tty device). */
  private static boolean stderrIsTerminal() {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (Exception e) {
      // No /proc (macOS, Windows): a console means a terminal.
      return System.console() != null;
    }
  }
}
