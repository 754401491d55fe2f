package dev.tfjava.course.lessons;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tfjava.course.cli.LessonsLauncher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.TensorFlow;

/**
 * A disk that cannot take the checkpoint, as a user meets it, without root: a child run under a
 * file size limit ({@code ulimit -f}, which fails TensorFlow's own write inside the hidden staging
 * folder as a full disk does, with EFBIG instead of ENOSPC). The one line names the user's
 * {@code --checkpoints} folder and the cause, exit 1, and nothing is published.
 */
class FileSizeLimitTest {
  @TempDir
  Path work;

  @Test
  void aWriteThatFailsInsideTheStagingFolderNamesTheUsersFolder() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs bash for ulimit");
    TensorFlow.version(); // natives unpacked to JavaCPP's cache here, not under the child's limit
    Path checkpoints = work.resolve("checkpoints");
    Path models = work.resolve("models");
    Path out = work.resolve("out");
    // 300 KiB: the LSTM's checkpoint data (~480 KB) does not fit; everything before it does.
    ProcessBuilder builder = new ProcessBuilder(List.of("/bin/bash", "-c",
        "ulimit -f 300 && exec \"$@\"", "bash",
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"),
        LessonsLauncher.class.getName(), "lstm", "--quick", "--no-tensorboard",
        "--checkpoints", checkpoints.toString(), "--models", models.toString(),
        "--out", out.toString()))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    builder.environment().put("TF_CPP_MIN_LOG_LEVEL", "3");
    Process run = builder.start();
    String stderr = new String(run.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(true, run.waitFor(3, TimeUnit.MINUTES));
    assertEquals(1, run.exitValue(), stderr);
    List<String> lines = stderr.lines().filter(l -> l.startsWith("lstm: ")).toList();
    assertEquals(List.of("lstm: Could not save the checkpoint to " + checkpoints.resolve("lstm")
        + ": File too large (free some space, or give --checkpoints another folder)"), lines,
        stderr);
    try (Stream<Path> left = Files.list(checkpoints.resolve("lstm"))) {
      assertEquals(List.of(), left.toList(), "no checkpoint, no staging folder left");
    }
    assertFalse(Files.exists(models.resolve("lstm")), "nothing exported");
    assertFalse(Files.exists(out.resolve("metrics.json")));
  }
}
