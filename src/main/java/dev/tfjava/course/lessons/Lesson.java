package dev.tfjava.course.lessons;

import dev.tfjava.course.cli.CommonOptions;
import dev.tfjava.course.train.ThreadSettings;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Spec;

/**
 * One notebook, ported: a picocli command with the {@link CommonOptions} plus its own options.
 * {@link #call()} sets up a {@link LessonContext} (output folder, seeds, sessions, metrics), runs
 * {@link #run(LessonContext)} and writes {@code metrics.json} with the options, the device, the wall
 * time and whatever the lesson recorded.
 */
public abstract class Lesson implements Callable<Integer> {

  @Mixin
  protected CommonOptions options = new CommonOptions();

  @Spec
  CommandSpec spec;

  /** The lesson's work: build graphs, train, print like the notebook, write figures and metrics. */
  protected abstract void run(LessonContext context) throws Exception;

  /** Thread settings that suit this lesson's graph (overridden by {@code --threads}). */
  protected ThreadSettings defaultThreads() {
    return ThreadSettings.TENSORFLOW_DEFAULT;
  }

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

  @Override
  public final Integer call() throws Exception {
    long start = System.nanoTime();
    LessonContext context = new LessonContext(name(), options, defaultThreads());
    context.metrics()
        .put("lesson", name())
        .put("options", optionValues())
        .put("seed", options.seed())
        .put("device", context.sessions().device().name().toLowerCase(java.util.Locale.ROOT))
        .put("threads", context.sessions().threads())
        .put("onednn", dev.tfjava.course.train.SessionFactory.oneDnnEnabled())
        .put("tensorflow_version", org.tensorflow.TensorFlow.version());
    run(context);
    context.metrics().put("wall_seconds", (System.nanoTime() - start) / 1e9);
    context.writeMetrics();
    return 0;
  }

  /** Every option's value as parsed, keyed by its long name (without dashes). */
  private Map<String, Object> optionValues() {
    Map<String, Object> values = new LinkedHashMap<>();
    if (spec != null) {
      for (OptionSpec option : spec.options()) {
        if (option.usageHelp() || option.versionHelp()) {
          continue;
        }
        Object value = option.getValue();
        values.put(option.longestName().replaceFirst("^-+", ""),
            value instanceof java.nio.file.Path p ? p.toString() : value);
      }
    }
    return values;
  }
}
