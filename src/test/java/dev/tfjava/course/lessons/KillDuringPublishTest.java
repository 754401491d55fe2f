package dev.tfjava.course.lessons;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfjava.course.cli.LessonsLauncher;
import dev.tfjava.course.export.Checkpoints;
import dev.tfjava.course.export.SavedModels;
import dev.tfjava.course.nn.cells.CellKind;
import dev.tfjava.course.sequence.SequenceModel;
import dev.tfjava.course.train.Seeds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;

/**
 * Crash safety as a user meets it: {@code lessons rnn} killed with SIGKILL at random moments
 * (while starting, training, saving, exporting) never leaves a checkpoint state file that points at
 * missing or unreadable data, nor a version folder without a whole SavedModel; and the next
 * complete run cleans the dead runs' temporary folders.
 */
class KillDuringPublishTest {
  private static final int KILLS = 6;

  @TempDir
  Path work;

  @Test
  void killedRunsNeverLeaveAHalfPublishedCheckpointOrModel() throws Exception {
    Random delays = new Random(7);
    for (int i = 0; i < KILLS; i++) {
      Process run = start();
      // From JVM start to the end of the export takes a few seconds here: spread the kills over it.
      Thread.sleep(800 + delays.nextInt(4200));
      run.destroyForcibly();
      assertTrue(run.waitFor(30, TimeUnit.SECONDS));
      assertPublishedFilesAreWhole("after kill " + i);
    }
    Process complete = start();
    assertTrue(complete.waitFor(3, TimeUnit.MINUTES));
    assertEquals(0, complete.exitValue());
    assertPublishedFilesAreWhole("after a complete run");
    assertEquals(List.of(), hidden(checkpoints()), "staging of dead runs cleaned");
    assertEquals(List.of(), hidden(models()), "export temps of dead runs cleaned");
  }

  private Process start() throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"),
        LessonsLauncher.class.getName(), "rnn", "--iterations", "50", "--generate", "5",
        "--no-tensorboard", "--runs", work.resolve("runs").toString(),
        "--models", work.resolve("models").toString()));
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    builder.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    return builder.start();
  }

  private Path checkpoints() {
    return work.resolve("runs/checkpoints").resolve(CellKind.BASIC_RNN.modelName());
  }

  private Path models() {
    return work.resolve("models").resolve(CellKind.BASIC_RNN.modelName());
  }

  private void assertPublishedFilesAreWhole(String when) throws IOException {
    if (Files.isRegularFile(checkpoints().resolve(Checkpoints.STATE_FILE))) {
      // The state file is written last: what it names restores into the lesson's graph.
      try (Graph graph = new Graph()) {
        SequenceModel.inference(graph, Ops.create(graph),
            SequenceModel.Config.notebook(CellKind.BASIC_RNN, 0.001f), new Seeds(1));
        try (Session session = new Session(graph)) {
          Checkpoints.restore(session, graph, checkpoints());
        }
      }
    }
    if (Files.isDirectory(models())) {
      try (Stream<Path> versions = Files.list(models())) {
        for (Path version : versions.filter(p -> p.getFileName().toString().matches("\\d+"))
            .toList()) {
          assertTrue(Files.isRegularFile(version.resolve("saved_model.pb")), when + ": " + version);
          try (SavedModelBundle bundle = SavedModels.load(version)) {
            assertTrue(bundle.signatures().size() >= 1, when + ": " + version);
          }
        }
      }
    }
  }

  private static List<String> hidden(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
    }
  }
}
