package dev.tfjava.course.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfjava.course.TestSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, {@code lessons all --offline} (here {@code --quick}), in a fresh JVM
 * in an empty working directory with every default path: each lesson prints its notebook's lines,
 * and everything lands in {@code saved-models/} and {@code runs/}, nowhere else.
 */
class AllLessonsEndToEndTest {

  @Test
  void allLessonsRunOfflineIntoSavedModelsAndOneRunFolder(@TempDir Path work) throws Exception {
    TestSupport.ProcessResult run = TestSupport.runJavaIn(work, LessonsLauncher.class,
        "all", "--quick", "--offline");
    assertEquals(0, run.exitCode(), run.stderr());
    String out = run.stdout();
    for (String line : List.of("Part 1 - the chain rule", "Output shapes:",
        "0 Train accuracy: ", "['conv1/kernel:0', 'conv1/bias:0', 'fc1/kernel:0', 'fc1/bias:0',"
            + " 'output/kernel:0', 'output/bias:0']", "0\tMSE: ", "y_pred", "| GRU |")) {
      assertTrue(out.contains(line), "missing notebook line: " + line);
    }

    assertEquals(Set.of("runs", "saved-models"), names(work));
    assertEquals(Set.of("images", "checkpoints", "tf_logs"), names(work.resolve("runs")));
    assertEquals(Set.of("backprop", "conv-filters", "mnist-cnn", "sequences"),
        names(work.resolve("runs/images")));
    for (String lesson : names(work.resolve("runs/images"))) {
      assertTrue(Files.size(work.resolve("runs/images").resolve(lesson).resolve("metrics.json"))
          > 100, lesson);
    }
    for (String model : List.of("mnist_cnn", "basic_rnn", "lstm", "gru")) {
      assertTrue(Files.isRegularFile(work.resolve("saved-models").resolve(model)
          .resolve("1/saved_model.pb")), model);
      assertFalse(names(work.resolve("runs/checkpoints").resolve(model)).isEmpty(), model);
    }
    // One TensorBoard run folder for the whole invocation, a subfolder per training lesson.
    Set<String> logRuns = names(work.resolve("runs/tf_logs"));
    assertEquals(1, logRuns.size(), logRuns.toString());
    assertEquals(Set.of("mnist-cnn", "sequences"),
        names(work.resolve("runs/tf_logs").resolve(logRuns.iterator().next())));
  }

  @Test
  void allRefusesAnOptionNoLessonTakes(@TempDir Path work) throws Exception {
    TestSupport.ProcessResult run = TestSupport.runJavaIn(work, LessonsLauncher.class,
        "all", "--no-such-option");
    assertEquals(2, run.exitCode());
    assertTrue(run.stderr().contains("--no-such-option"), run.stderr());
    assertEquals(Set.of(), names(work), "nothing written");
  }

  private static Set<String> names(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
  }
}
