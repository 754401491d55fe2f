package dev.tfjava.course.lessons;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfjava.course.CourseException;
import dev.tfjava.course.cli.LessonsLauncher;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --restore}: start from a checkpoint, or refuse it in one line before any work. */
class RestoreOptionTest {
  @TempDir
  Path dir;

  private LessonRun<SequenceLesson.Result> lstm(String runs, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("--runs", dir.resolve(runs).toString(),
        "--models", dir.resolve(runs).resolve("models").toString(), "--no-tensorboard",
        "--generate", "5", "--batch-size", "10"));
    all.addAll(List.of(args));
    return Lesson.run(new LstmLesson(), all.toArray(String[]::new));
  }

  @Test
  void zeroIterationsFromAFolderRestoreTheSavedWeightsAndExportThem() throws Exception {
    SequenceLesson.CellResult trained = lstm("first", "--iterations", "20").result().models()
        .get(0);
    Path folder = Path.of(trained.checkpoint()).getParent();

    LessonRun<SequenceLesson.Result> run = lstm("second", "--restore", folder.toString(),
        "--iterations", "0");
    SequenceLesson.CellResult restored = run.result().models().get(0);
    assertTrue(run.printed().contains("Restored " + trained.checkpoint()), run.printed().toString());
    assertArrayEquals(trained.yPred(), restored.yPred(), "same weights, same y_pred");
    assertArrayEquals(trained.generated(), restored.generated());
    assertTrue(Files.isRegularFile(Path.of(restored.savedModel(), "saved_model.pb")));
  }

  @Test
  void zeroIterationsWithoutRestoreAreStillRefused() {
    CourseException e = assertThrows(CourseException.class, () -> lstm("r", "--iterations", "0"));
    assertTrue(e.getMessage().startsWith("--iterations must be between 1 and"), e.getMessage());
  }

  @Test
  void aCheckpointOfAnotherLessonIsOneLineAndExitTwoWithNothingWritten() throws Exception {
    Path rnnCheckpoint = Path.of(Lesson.run(new BasicRnnLesson(), "--runs",
        dir.resolve("rnn").toString(), "--models", dir.resolve("rnn-models").toString(),
        "--no-tensorboard", "--iterations", "2", "--generate", "1").result().models().get(0)
        .checkpoint());

    StringWriter err = new StringWriter();
    CommandLine launcher = LessonsLauncher.commandLine();
    launcher.setErr(new PrintWriter(err, true));
    Path runs = dir.resolve("refused");
    int code = launcher.execute("sequences", "--restore", rnnCheckpoint.toString(),
        "--iterations", "0", "--runs", runs.toString(), "--models",
        dir.resolve("refused-models").toString(), "--no-tensorboard");

    assertEquals(2, code);
    // The BasicRNN fits; the LSTM (second of the three cells) does not, found before any training.
    assertEquals("sequences: Checkpoint " + rnnCheckpoint + " does not fit this graph: "
        + "rnn/basic_lstm_cell/kernel [101, 400] is not in it (a checkpoint of another lesson?)"
        + System.lineSeparator(), err.toString());
    assertFalse(Files.exists(dir.resolve("refused-models")));
    assertFalse(Files.exists(runs.resolve("checkpoints")));
  }
}
