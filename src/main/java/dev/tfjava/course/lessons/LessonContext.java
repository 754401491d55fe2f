package dev.tfjava.course.lessons;

import dev.tfjava.course.cli.CommonOptions;
import dev.tfjava.course.train.Metrics;
import dev.tfjava.course.train.Seeds;
import dev.tfjava.course.train.SessionFactory;
import dev.tfjava.course.train.ThreadSettings;
import java.io.PrintStream;
import java.nio.file.Path;

/** What a running lesson works with: its options, output folder, seeds, sessions and metrics. */
public final class LessonContext {
  private final String lesson;
  private final CommonOptions options;
  private final Path out;
  private final Seeds seeds;
  private final SessionFactory sessions;
  private final Metrics metrics = new Metrics();

  LessonContext(String lesson, CommonOptions options, ThreadSettings defaultThreads) {
    this.lesson = lesson;
    this.options = options;
    this.out = options.out(lesson);
    this.seeds = new Seeds(options.seed());
    this.sessions = new SessionFactory(options.device(),
        defaultThreads.override(options.threads(), options.interOpThreads()),
        options.logDevicePlacement());
  }

  public String lesson() {
    return lesson;
  }

  /** Whether this is a {@code --quick} smoke run. */
  public boolean quick() {
    return options.quick();
  }

  /** The folder for figures and metrics.json. */
  public Path out() {
    return out;
  }

  /** The path of a figure (or other output file) in the output folder. */
  public Path output(String fileName) {
    return out.resolve(fileName);
  }

  /** The root folder for SavedModels ({@code --models}). */
  public Path models() {
    return options.models();
  }

  /** The checkpoint folder of one model: {@code <--checkpoints>/<model>}. */
  public Path checkpoint(String model) {
    return options.checkpoints().resolve(model);
  }

  public Seeds seeds() {
    return seeds;
  }

  public SessionFactory sessions() {
    return sessions;
  }

  public Metrics metrics() {
    return metrics;
  }

  /** Where the notebook's printed lines go. */
  public PrintStream console() {
    return System.out;
  }

  void writeMetrics() {
    Path file = output("metrics.json");
    metrics.write(file);
    console().println("Wrote " + file);
  }
}
