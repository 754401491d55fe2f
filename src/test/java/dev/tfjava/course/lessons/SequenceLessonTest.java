package dev.tfjava.course.lessons;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tfjava.course.CommandLines;
import dev.tfjava.course.cli.LessonsLauncher;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The sequence lessons from the command line: outputs of a quick run, and option errors. */
class SequenceLessonTest {
  @TempDir
  Path temp;

  @Test
  void quickRunOfTheComparisonWritesEveryFigureMetricsAndModel() throws Exception {
    Path out = temp.resolve("out");
    int exit = LessonsLauncher.commandLine().execute("sequences", "--quick", "--out",
        out.toString(), "--models", temp.resolve("models").toString(), "--checkpoints",
        temp.resolve("checkpoints").toString(), "--device", "cpu",
        "--logdir", temp.resolve("tf_logs").toString());
    assertEquals(0, exit);
    // One event file per cell, in a subfolder named after its model.
    for (String model : new String[] {"basic_rnn", "lstm", "gru"}) {
      assertEquals(1, dev.tfjava.course.tensorboard.EventFiles
          .find(temp.resolve("tf_logs").resolve(model)).size(), model);
    }
    for (String model : new String[] {"basic_rnn", "lstm", "gru"}) {
      for (String figure : new String[] {"testing_the_model", "generated", "training_mse"}) {
        assertTrue(Files.size(out.resolve(model + "_" + figure + ".png")) > 10_000, model + figure);
      }
      assertTrue(Files.isRegularFile(temp.resolve("models").resolve(model).resolve("1")
          .resolve("saved_model.pb")));
    }
    assertTrue(Files.size(out.resolve("sequences_comparison.png")) > 10_000);
    assertTrue(Files.readString(out.resolve("sequences_comparison.md")).contains("| GRU |"));

    JsonNode metrics = dev.tfjava.course.train.Metrics.json()
        .readTree(out.resolve("metrics.json").toFile());
    // The options as run: --quick's values, not the defaults it replaced.
    assertEquals(SequenceLesson.QUICK_ITERATIONS, metrics.at("/options/iterations").asInt());
    assertEquals(SequenceLesson.QUICK_GENERATE, metrics.at("/options/generate").asInt());
    assertTrue(metrics.at("/options/quick").asBoolean());
    assertEquals(3, metrics.get("models").size());
    JsonNode gru = metrics.get("models").get(2);
    assertEquals("gru", gru.get("model").asText());
    assertTrue(gru.has("notebook_bug_fixed"));
    assertEquals(SequenceLesson.QUICK_ITERATIONS, gru.get("mse_reports").get(1).get("iteration")
        .asInt() + 1);
    assertEquals(20 + SequenceLesson.QUICK_GENERATE, gru.get("generated").size());
    for (String key : new String[] {"test_instance_mse", "train_seconds", "ms_per_iteration",
        "generation_ms_per_step", "y_pred"}) {
      assertTrue(gru.has(key), key);
    }
  }

  @Test
  void badOptionValuesAreOneLineErrors() {
    StringWriter err = new StringWriter();
    CommandLine rnn = CommandLines.create(new BasicRnnLesson());
    rnn.setErr(new PrintWriter(err));
    assertEquals(2, rnn.execute("--iterations", "0", "--out", temp.resolve("x").toString()));
    assertTrue(err.toString().contains("--iterations"), err.toString());
    assertEquals(1, err.toString().strip().lines().count(), err.toString());
    assertEquals(2, CommandLines.create(new LstmLesson()).execute("--learning-rate", "fast"));
    // --quick would lower it to 50, but a value out of range is refused first.
    assertEquals(2, CommandLines.create(new LstmLesson()).execute("--quick", "--iterations",
        "20000000", "--out", temp.resolve("y").toString()));
  }

  @Test
  void noVersionNumberLeftIsRefusedBeforeTrainingWritingNothing() throws Exception {
    Path models = temp.resolve("models");
    Files.createDirectories(models.resolve("lstm").resolve("999999999999999999"));
    StringWriter err = new StringWriter();
    CommandLine lstm = CommandLines.create(new LstmLesson());
    lstm.setErr(new PrintWriter(err));
    assertEquals(2, lstm.execute("--quick", "--out", temp.resolve("out").toString(), "--models",
        models.toString(), "--checkpoints", temp.resolve("checkpoints").toString(), "--logdir",
        temp.resolve("tf_logs").toString()));
    assertEquals("lstm: " + models.resolve("lstm") + " has no version number left below"
        + " 1000000000000000000: move its highest version folders away", err.toString().strip());
    for (String written : new String[] {"out", "checkpoints", "tf_logs"}) {
      assertTrue(!Files.exists(temp.resolve(written)), written);
    }
  }

  @Test
  void numpyStyleColumn() {
    assertEquals("array([[[       1.5],\n        [      -2.0]]], dtype=float32)",
        SequenceLesson.numpyColumn(new float[] {1.5f, -2f}));
  }
}
