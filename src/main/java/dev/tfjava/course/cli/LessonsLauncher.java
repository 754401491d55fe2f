package dev.tfjava.course.cli;

import dev.tfjava.course.lessons.Lesson;
import dev.tfjava.course.lessons.LessonCatalog;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The one entry point ({@code scripts/lessons}): {@code list}, {@code all}, or a lesson by name.
 * Each lesson is also a main class of its own.
 */
@Command(name = "lessons", mixinStandardHelpOptions = true,
    description = "TensorFlow Java ports of the deep-learning course notebooks.",
    subcommands = {LessonsLauncher.ListLessons.class, LessonsLauncher.AllLessons.class},
    footer = {"", "Run `lessons <lesson> --help` for a lesson's options.",
        "`lessons serve` serves the exported models (TensorFlow Serving's REST API);",
        "`lessons predict` answers one request from a file;",
        "`lessons example-requests` writes request bodies to try them with."})
public final class LessonsLauncher implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The launcher with every lesson, {@code serve} and {@code predict} as subcommands. */
  public static CommandLine commandLine() {
    CommandLine launcher = CommandLines.create(new LessonsLauncher());
    for (Lesson lesson : LessonCatalog.lessons()) {
      launcher.addSubcommand(lesson.name(), CommandLines.create(lesson));
    }
    // Not lessons: tools for the models the lessons export.
    launcher.addSubcommand("serve", CommandLines.create(new ServeCommand()));
    launcher.addSubcommand("predict", CommandLines.create(new PredictCommand()));
    launcher.addSubcommand("example-requests", CommandLines.create(
        new dev.tfjava.course.serve.tools.ExampleRequests()));
    return launcher;
  }

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "name a lesson, `list` or `all`");
  }

  /** {@code lessons list}: one line per lesson. */
  @Command(name = "list", description = "List the lessons.")
  static final class ListLessons implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
      var out = spec.commandLine().getOut();
      for (Lesson lesson : LessonCatalog.lessons()) {
        out.printf("%-14s %s%n", lesson.name(), lesson.summary());
      }
      out.flush();
    }
  }

  /** {@code lessons all}: every lesson in order with the same common options. */
  @Command(name = "all", mixinStandardHelpOptions = true,
      description = {"Run every lesson in order (a shared --out DIR becomes DIR/<lesson>).",
          "The rnn, lstm and gru lessons run once, inside `sequences`."})
  static final class AllLessons implements Callable<Integer> {
    @Mixin
    CommonOptions options = new CommonOptions();

    @Override
    public Integer call() {
      for (Lesson lesson : LessonCatalog.lessons()) {
        if (!lesson.partOfAll()) {
          continue;
        }
        System.out.println();
        System.out.println("=== " + lesson.name() + ": " + lesson.summary() + " ===");
        int exitCode = CommandLines.create(lesson)
            .execute(options.toArguments(lesson.name()).toArray(String[]::new));
        if (exitCode != 0) {
          return exitCode;
        }
      }
      return 0;
    }
  }
}
