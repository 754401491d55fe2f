package dev.tfjava.course.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfjava.course.TestSupport;
import dev.tfjava.course.lessons.Backpropagation;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class LauncherTest {

  private record Run(int exitCode, String out, String err) {}

  private static Run launch(String... args) {
    CommandLine launcher = LessonsLauncher.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    launcher.setOut(new PrintWriter(out));
    launcher.setErr(new PrintWriter(err));
    for (CommandLine sub : launcher.getSubcommands().values()) {
      sub.setOut(new PrintWriter(out));
      sub.setErr(new PrintWriter(err));
    }
    return new Run(launcher.execute(args), out.toString(), err.toString());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "nosuchlesson                     | nosuchlesson",
      "backprop --frobnicate            | --frobnicate",
      "backprop --seed banana           | banana",
      "conv-filters --device tpu        | tpu",
      "backprop --threads -x            | -x",
      "backprop --threads -3            | --threads",
      "backprop --inter-op-threads 5000 | --inter-op-threads",
      "backprop --inter-op-threads -2   | --inter-op-threads",
      "backprop --depth 1               | --depth",
      "rnn --iterations 0               | --iterations",
      "rnn --iterations 2147483647      | --iterations",
      "rnn --generate 2147483647        | --generate",
      "rnn --batch-size 1000000000      | --batch-size",
      "rnn --learning-rate NaN          | --learning-rate",
      "gru --summary-every 0            | --summary-every",
      "mnist-cnn --keep-prob 0          | --keep-prob",
      "mnist-cnn --batch-size 999999999 | --batch-size",
      "mnist-cnn --dataset cifar        | cifar",
      "mnist-cnn --towers 65            | --towers",
      "mnist-cnn --towers 3             | --towers",
      "backprop --out /proc/no/such     | --out",
      "lstm --models /proc/no/such      | --models",
      "lstm --checkpoints /dev/null/x   | --checkpoints",
  })
  void badArgumentsExitWithTwoAndOneLineNamingThem(String args, String named) {
    long start = System.nanoTime();
    Run run = launch(args.trim().split("\\s+"));
    // Refused before any work: no lesson trains for even a second on a bad value.
    assertTrue(System.nanoTime() - start < 20_000_000_000L, "took too long: " + args);
    assertEquals(2, run.exitCode(), run.err());
    String err = run.err().strip();
    assertFalse(err.contains("\n"), "one line: " + err);
    assertTrue(err.contains(named.trim()), err);
    assertFalse(err.contains("Exception"), err);
  }

  @Test
  void listNamesEveryLesson() {
    Run run = launch("list");
    assertEquals(0, run.exitCode());
    for (var lesson : dev.tfjava.course.lessons.LessonCatalog.lessons()) {
      assertTrue(run.out().contains(lesson.name() + " "), lesson.name() + " in " + run.out());
    }
    assertTrue(run.out().contains("backprop"));
    assertTrue(run.out().contains("conv-filters"));
  }

  @Test
  void helpDescribesTheCommonOptions() {
    Run run = launch("backprop", "--help");
    assertEquals(0, run.exitCode());
    for (String option : new String[] {"--seed", "--out", "--models", "--device", "--threads",
        "--quick"}) {
      assertTrue(run.out().contains(option), option + " in " + run.out());
    }
  }

  @Test
  void aLessonMainClassExitsWithTwoOnABadOptionInItsOwnProcess() throws Exception {
    var result = TestSupport.runJava(Backpropagation.class, "--depth", "none");
    assertEquals(2, result.exitCode());
    assertTrue(result.stderr().contains("--depth"), result.stderr());
    assertFalse(result.stderr().contains("at dev.tfjava"), "no stack trace: " + result.stderr());
  }

  @Test
  void theLauncherRunsALessonInItsOwnProcess(@org.junit.jupiter.api.io.TempDir Path out)
      throws Exception {
    var result = TestSupport.runJava(LessonsLauncher.class, "backprop", "--out", out.toString(),
        "--depth", "3", "--width", "4");
    assertEquals(0, result.exitCode(), result.stderr());
    assertTrue(result.stdout().contains("grad f = (16.0, 8.0) by hand, (16.0, 8.0) by tf.gradients"),
        result.stdout());
    assertTrue(out.resolve("metrics.json").toFile().isFile());
  }

  @Test
  void interOpMinusOneReachesTheSessionsAndTheLessonRuns(
      @org.junit.jupiter.api.io.TempDir Path out) throws java.io.IOException {
    Run run = launch("backprop", "--out", out.toString(), "--depth", "3", "--width", "4",
        "--inter-op-threads", "-1");
    assertEquals(0, run.exitCode(), run.err());
    // The sessions' thread settings as metrics.json records them: -1 taken, not refused or reset.
    var metrics = dev.tfjava.course.train.Metrics.json().readTree(
        out.resolve("metrics.json").toFile());
    assertEquals(-1, metrics.at("/threads/inter_op").asInt(-99), metrics.get("threads").toString());
  }
}
