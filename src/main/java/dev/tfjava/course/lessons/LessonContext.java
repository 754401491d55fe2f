package dev.tfjava.course.lessons;

import dev.tfjava.course.tensorboard.TensorBoardOptions;
import dev.tfjava.course.console.Progress;
import dev.tfjava.course.train.Precision;
import dev.tfjava.course.train.Seeds;
import dev.tfjava.course.train.SessionFactory;
import dev.tfjava.course.train.ThreadSettings;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** What a running lesson works with: its options, output folders, seeds, sessions and console. */
public final class LessonContext {
  private final String lesson;
  private final CommonOptions options;
  private final Seeds seeds;
  private final SessionFactory sessions;
  private final List<String> printed = new ArrayList<>();
  private final PrintStream console = new PrintStream(new LineRecorder(), true,
      StandardCharsets.UTF_8);

  LessonContext(String lesson, CommonOptions options, ThreadSettings defaultThreads,
      Precision precision) {
    this.lesson = lesson;
    this.options = options;
    this.seeds = new Seeds(options.seed());
    this.sessions = new SessionFactory(options.device(),
        defaultThreads.override(options.threads(), options.interOpThreads()),
        options.logDevicePlacement(), precision);
  }

  /** Whether this is a {@code --quick} smoke run. */
  public boolean quick() {
    return options.quick();
  }

  /** The path of a figure (or other output file) in the lesson's output folder. */
  public Path output(String fileName) {
    return options.out(lesson).resolve(fileName);
  }

  /** The root folder for SavedModels ({@code --models}). */
  public Path models() {
    return options.models();
  }

  /** The checkpoint folder of one model: {@code <checkpoints>/<model>}. */
  public Path checkpoint(String model) {
    return options.checkpoints().resolve(model);
  }

  /**
   * Where this lesson's TensorBoard events go (empty when off): {@code --logdir}, else
   * {@code <runs>/tf_logs/run-<UTC time>/<lesson>}.
   */
  public Optional<Path> tensorBoardDir(TensorBoardOptions tensorBoard) {
    return tensorBoard.logdir(options.runs().resolve("tf_logs"), lesson);
  }

  public Seeds seeds() {
    return seeds;
  }

  public SessionFactory sessions() {
    return sessions;
  }

  /**
   * Where the notebook's lines go: stdout, each line standing clear of a progress bar, and
   * recorded for the lesson's {@link LessonRun}.
   */
  public PrintStream console() {
    return console;
  }

  /** Every line printed to {@link #console()} so far. */
  List<String> printed() {
    console.flush();
    return Collections.unmodifiableList(new ArrayList<>(printed));
  }

  /** Splits what the console receives into lines, printing and recording each one. */
  private final class LineRecorder extends OutputStream {
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    @Override
    public synchronized void write(int b) {
      if (b == '\n') {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        printed.add(text);
        Progress.printLine(System.out, text);
      } else {
        line.write(b);
      }
    }
  }
}
