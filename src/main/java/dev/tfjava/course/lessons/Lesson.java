package dev.tfjava.course.lessons;

import dev.tfjava.course.CommandLines;
import dev.tfjava.course.export.SavedModels;
import dev.tfjava.course.io.WritableFolders;
import dev.tfjava.course.train.Metrics;
import dev.tfjava.course.train.Precision;
import dev.tfjava.course.train.SessionFactory;
import dev.tfjava.course.train.ThreadSettings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tensorflow.TensorFlow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Spec;

/**
 * One notebook, ported: a picocli command with the {@link CommonOptions} plus its own options.
 * {@link #run(LessonContext)} is the notebook, cell by cell, and returns what it found; from that
 * result, the options and the environment, {@code metrics.json} is written.
 *
 * @param <R> the lesson's result: a record of the numbers the notebook prints and plots
 */
public abstract class Lesson<R> implements Callable<Integer> {

  @Mixin
  protected CommonOptions options = new CommonOptions();

  @Spec
  CommandSpec spec;

  /** The lesson's work: build graphs, train, print like the notebook, write figures. */
  protected abstract R run(LessonContext context) throws Exception;

  /** Thread settings that suit this lesson's graph (overridden by {@code --threads}). */
  protected ThreadSettings defaultThreads() {
    return ThreadSettings.TENSORFLOW_DEFAULT;
  }

  /** The precision the lesson's sessions compute in (float32 unless the lesson offers more). */
  protected Precision precision() {
    return Precision.FP32;
  }

  /** Whether the lesson trains a model, and so writes checkpoints and SavedModels. */
  protected boolean trainsModels() {
    return true;
  }

  /**
   * The SavedModels the lesson exports, as folder names under {@code --models}; each must have a
   * version number left before training starts.
   */
  protected List<String> exportedModels() {
    return List.of();
  }

  /**
   * Checks the lesson's own option values, each failure one line of bad input: before any work
   * starts, and before {@link #applyQuick} lowers them (an out-of-range value is refused even then).
   */
  protected void validateOptions() {}

  /**
   * Under {@code --quick}, lowers the lesson's options to the smoke run's values, so that the run
   * and metrics.json's {@code options} both use what actually ran.
   */
  protected void applyQuick() {}

  /**
   * Whether {@code lessons all} runs this lesson. A lesson whose work another lesson of the
   * catalog already does (each sequence cell is part of {@code sequences}) says no.
   */
  public boolean partOfAll() {
    return true;
  }

  /** The lesson's name on the command line, e.g. {@code conv-filters}. */
  public final String name() {
    return getClass().getAnnotation(Command.class).name();
  }

  /** One line saying what the lesson does. */
  public final String summary() {
    return getClass().getAnnotation(Command.class).description()[0];
  }

  /** Runs a lesson with command-line arguments and returns what it found (tests, programs). */
  public static <R> LessonRun<R> run(Lesson<R> lesson, String... args) throws Exception {
    CommandLines.create(lesson).parseArgs(args);
    return lesson.execute();
  }

  @Override
  public final Integer call() throws Exception {
    execute();
    return 0;
  }

  private LessonRun<R> execute() throws Exception {
    long start = System.nanoTime();
    // Options were parsed already; their values and the folders are checked before any work.
    validateOptions();
    WritableFolders.require(options.out(name()), "--out");
    if (trainsModels()) {
      WritableFolders.require(options.checkpoints(), "--checkpoints");
      WritableFolders.require(options.models(), "--models");
      exportedModels().forEach(model -> SavedModels.requireVersionLeft(options.models(), model));
    }
    if (options.quick()) {
      applyQuick();
    }
    LessonContext context = new LessonContext(name(), options, defaultThreads(), precision());
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("lesson", name());
    metrics.put("options", optionValues());
    metrics.put("seed", options.seed());
    metrics.put("device", context.sessions().device().name().toLowerCase(Locale.ROOT));
    metrics.put("threads", context.sessions().threads());
    metrics.put("precision", context.sessions().precision());
    metrics.put("onednn", SessionFactory.oneDnnEnabled());
    metrics.put("tensorflow_version", TensorFlow.version());
    R result = run(context);
    metrics.putAll(Metrics.fields(result));
    List<String> printed = context.printed();
    metrics.put("printed", printed);
    metrics.put("wall_seconds", (System.nanoTime() - start) / 1e9);
    Path file = context.output("metrics.json");
    Metrics.write(file, metrics);
    System.out.println("Wrote " + file);
    return new LessonRun<>(result, printed, file);
  }

  /** Every option's value as run (after {@link #applyQuick}), keyed by its long name. */
  private Map<String, Object> optionValues() {
    Map<String, Object> values = new LinkedHashMap<>();
    if (spec != null) {
      for (OptionSpec option : spec.options()) {
        if (option.usageHelp() || option.versionHelp()) {
          continue;
        }
        Object value = option.getValue();
        values.put(option.longestName().replaceFirst("^-+", ""),
            value instanceof Path p ? p.toString() : value);
      }
    }
    return values;
  }
}
