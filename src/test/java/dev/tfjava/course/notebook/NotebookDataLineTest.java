package dev.tfjava.course.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfjava.course.data.MnistFiles;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** What a notebook's data cell says about MNIST: one plain line, no URLs, no command-line flags. */
class NotebookDataLineTest {
  private static final Path CACHE = Path.of("/home/learner/.cache/tfjava-course/mnist");

  @Test
  void theSampleLineSaysHowToGiveTheNotebookTheFullDataSet() {
    String line = Notebook.dataLine(MnistFiles.Located.embedded("/mnist-sample"), CACHE);
    assertEquals(1, line.lines().count(), line);
    assertTrue(line.startsWith("MNIST data: the course's embedded sample (2,000 training + 500"
        + " test digits)"), line);
    assertTrue(line.contains(CACHE.toString()), line);
    assertTrue(line.contains("set NOTEBOOK_MNIST_DIR to their folder, then restart the kernel"),
        line);
    for (String commandLine : new String[] {"http", "--data", "--help", "WARNING"}) {
      assertFalse(line.contains(commandLine), line);
    }
  }

  @Test
  void theFullDataLineNamesTheFolder() {
    Path dir = Path.of("/data/mnist");
    assertEquals("MNIST data: the full data set from /data/mnist",
        Notebook.dataLine(MnistFiles.Located.inDir(MnistFiles.Origin.DATA_DIR, dir), CACHE));
  }
}
