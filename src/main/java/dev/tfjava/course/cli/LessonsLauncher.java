package dev.tfjava.course.cli;

import dev.tfjava.course.CommandLines;
import dev.tfjava.course.lessons.CommonOptions;
import dev.tfjava.course.lessons.Lesson;
import dev.tfjava.course.lessons.LessonCatalog;
import dev.tfjava.course.tensorboard.TensorBoardOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;
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

  /**
   * JavaCPP's limit on the process's resident memory, checked by reading {@code /proc/self/statm}
   * each time TensorFlow Java allocates a native pointer (several per {@code Session.run}: about
   * 12 of the 90 microseconds of a single-image MNIST run, BENCHMARKS.md). Past it JavaCPP calls
   * {@code System.gc()} to collect unclosed pointers, but this code closes every native resource
   * itself, so the check only costs time. Set before TensorFlow's classes load; a value given on
   * the command line ({@code -Dorg.bytedeco.javacpp.maxPhysicalBytes=...}) wins.
   */
  static final String JAVACPP_MAX_PHYSICAL_BYTES = "org.bytedeco.javacpp.maxPhysicalBytes";

  public static void main(String[] args) {
    if (System.getProperty(JAVACPP_MAX_PHYSICAL_BYTES) == null
        && System.getProperty(JAVACPP_MAX_PHYSICAL_BYTES.toLowerCase(Locale.ROOT)) == null) {
      System.setProperty(JAVACPP_MAX_PHYSICAL_BYTES, "0");
    }
    System.exit(commandLine().execute(args));
  }

  /** The launcher with every lesson, {@code serve} and {@code predict} as subcommands. */
  public static CommandLine commandLine() {
    CommandLine launcher = CommandLines.create(new LessonsLauncher());
    for (Lesson<?> lesson : LessonCatalog.lessons()) {
      launcher.addSubcommand(lesson.name(), CommandLines.create(lesson));
    }
    // Not lessons: tools for the models the lessons export.
    launcher.addSubcommand("serve", CommandLines.create(new ServeCommand()));
    launcher.addSubcommand("predict", CommandLines.create(new PredictCommand()));
    AllLessons.addLessonOptions(
        launcher.getSubcommands().get("all").getCommandSpec());
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
  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the lessons.")
  static final class ListLessons implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
      var out = spec.commandLine().getOut();
      for (Lesson<?> lesson : LessonCatalog.lessons()) {
        out.printf("%-14s %s%n", lesson.name(), lesson.summary());
      }
      out.flush();
    }
  }

  /**
   * {@code lessons all}: every lesson in order. It accepts every option any of its lessons takes
   * (they are copied from the lessons when the command line is built) and passes each lesson the
   * ones it knows: a shared {@code --out DIR} or {@code --logdir DIR} becomes {@code DIR/<lesson>},
   * and the lessons' TensorBoard logs share one {@code <runs>/tf_logs/run-<time>/} folder.
   */
  @Command(name = "all", mixinStandardHelpOptions = true,
      description = {
          "Run every lesson in order, with any option of the lessons (each gets the ones it takes).",
          "The rnn, lstm and gru lessons run once, inside `sequences`."})
  static final class AllLessons implements Callable<Integer> {
    /** Options whose folder is shared by giving each lesson a subfolder. */
    private static final List<String> PER_LESSON_FOLDERS = List.of("--out", "--logdir");

    @Spec
    CommandSpec spec;

    /** Adds to {@code all} every option of the lessons it runs (the first declaration wins). */
    static void addLessonOptions(CommandSpec all) {
      for (Lesson<?> lesson : lessonsOfAll()) {
        for (OptionSpec option : CommandLines.create(lesson).getCommandSpec().options()) {
          if (option.usageHelp() || option.versionHelp()
              || all.findOption(option.longestName()) != null) {
            continue;
          }
          all.addOption(OptionSpec.builder(option.names())
              .type(option.type()).auxiliaryTypes(option.auxiliaryTypes())
              .converters(option.converters()).arity(option.arity().toString())
              .paramLabel(option.paramLabel()).description(option.description())
              .hidden(option.hidden()).build());
        }
      }
    }

    @Override
    public Integer call() {
      ParseResult given = spec.commandLine().getParseResult();
      Path runs = given.hasMatchedOption("--runs")
          ? Path.of(given.matchedOption("--runs").<Path>getValue().toString())
          : Path.of(CommonOptions.DEFAULT_RUNS);
      // One TensorBoard run folder for the whole invocation.
      Path logRoot = runs.resolve("tf_logs").resolve("run-" + TensorBoardOptions.runStamp());
      for (Lesson<?> lesson : lessonsOfAll()) {
        System.out.println();
        System.out.println("=== " + lesson.name() + ": " + lesson.summary() + " ===");
        CommandLine command = CommandLines.create(lesson);
        int exitCode = command.execute(argumentsFor(lesson, command.getCommandSpec(), given,
            logRoot).toArray(String[]::new));
        if (exitCode != 0) {
          return exitCode;
        }
      }
      return 0;
    }

    /** The options given to {@code all} that {@code lesson} takes, as its arguments. */
    private static List<String> argumentsFor(Lesson<?> lesson, CommandSpec lessonSpec,
        ParseResult given, Path logRoot) {
      List<String> args = new ArrayList<>();
      for (OptionSpec option : given.matchedOptions()) {
        String name = option.longestName();
        if (lessonSpec.findOption(name) == null) {
          continue;
        }
        args.add(name);
        if (option.arity().max() == 0) {
          continue; // a flag: picocli records "true" as its value
        }
        for (String value : option.originalStringValues()) {
          args.add(PER_LESSON_FOLDERS.contains(name)
              ? Path.of(value).resolve(lesson.name()).toString() : value);
        }
      }
      if (lessonSpec.findOption("--logdir") != null && !given.hasMatchedOption("--logdir")) {
        args.addAll(List.of("--logdir", logRoot.resolve(lesson.name()).toString()));
      }
      return args;
    }

    private static List<Lesson<?>> lessonsOfAll() {
      return LessonCatalog.lessons().stream().filter(Lesson::partOfAll).toList();
    }
  }
}
