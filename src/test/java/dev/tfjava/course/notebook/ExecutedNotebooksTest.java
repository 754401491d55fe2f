package dev.tfjava.course.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The executed notebooks print the lessons' lines with numbers in the lessons' bands, and show
 * every figure. Two sets are checked: the committed notebooks (a real run with the defaults, by
 * {@code scripts/notebooks --refresh}), always; and, when {@code -Dnotebooks.executed=DIR} names
 * a folder, the notebooks {@code scripts/notebooks --execute} wrote there with the smaller
 * settings given as {@code -Dnotebooks.iterations=N -Dnotebooks.epochs=N} (what {@code .ci/run}
 * does; without the property that half is skipped, saying so).
 */
class ExecutedNotebooksTest {
  private static final String NAMES = "backprop,conv-filters,mnist-cnn,rnn,lstm,gru";
  private static final int MAX_LINE = 100;

  @ParameterizedTest
  @ValueSource(strings = {"backprop", "conv-filters", "mnist-cnn", "rnn", "lstm", "gru"})
  void committedNotebooksCarryARealDefaultRun(String name) throws IOException {
    check(ExecutedNotebook.read(NotebookCells.folder().resolve(name + ".ipynb")), true, 1500, 10);
  }

  /** Longer lines are cut at the cell's edge in a 1,400-pixel browser window. */
  @ParameterizedTest
  @ValueSource(strings = {"backprop", "conv-filters", "mnist-cnn", "rnn", "lstm", "gru"})
  void noCodeLineIsLongerThan100Characters(String name) throws IOException {
    for (NotebookCells.Cell cell : NotebookCells.read(name)) {
      for (String line : cell.source().split("\n")) {
        assertTrue(line.length() <= MAX_LINE, name + ": a code line of " + line.length()
            + " characters (at most " + MAX_LINE + "): " + line);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"backprop", "conv-filters", "mnist-cnn", "rnn", "lstm", "gru"})
  void notebooksExecutedByScriptsNotebooks(String name) throws IOException {
    String dir = System.getProperty("notebooks.executed");
    Assumptions.assumeTrue(dir != null && !dir.isBlank(), "no -Dnotebooks.executed=DIR: run"
        + " scripts/notebooks --execute first (.ci/run does, then runs this test with it)");
    Path file = Path.of(dir).resolve(name + ".ipynb");
    assertTrue(Files.isRegularFile(file), file + " is missing: were " + NAMES + " executed?");
    check(ExecutedNotebook.read(file), false, Integer.getInteger("notebooks.iterations", 1500),
        Integer.getInteger("notebooks.epochs", 10));
  }

  private static void check(ExecutedNotebook notebook, boolean committed, int iterations,
      int epochs) {
    notebook.assertClean(committed);
    String name = notebook.name().replace(".ipynb", "");
    switch (name) {
      case "backprop" -> backprop(notebook);
      case "conv-filters" -> convFilters(notebook);
      case "mnist-cnn" -> mnistCnn(notebook, epochs);
      default -> sequence(notebook, iterations);
    }
  }

  private static void backprop(ExecutedNotebook notebook) {
    String printed = notebook.printed();
    assertTrue(printed.contains("n4 = 2.0, n5 = 3.0, n6 = 4.0, n7 = f = 12.0"), printed);
    assertTrue(printed.contains("grad f = (16.0, 8.0) by tf.gradients, (16.0, 8.0) by hand"),
        printed);
    List<Matcher> differences = notebook.lines("largest \\|manual - (\\S+ ?\\S*)\\|\\s+= (\\S+) .*");
    assertEquals(2, differences.size(), printed);
    assertTrue(Double.parseDouble(differences.get(0).group(2)) < 1e-5, "vs TensorFlow");
    assertTrue(Double.parseDouble(differences.get(1).group(2)) < 1e-6, "vs finite differences");
    Matcher ratio = notebook.lines("first/last layer ratio: sigmoid (\\S+), relu (\\S+)").get(0);
    assertTrue(Double.parseDouble(ratio.group(1)) < 1e-3, "sigmoid gradients vanish: " + ratio.group());
    assertTrue(Double.parseDouble(ratio.group(2)) > 1e-3, "ReLU gradients do not: " + ratio.group());
  }

  private static void convFilters(ExecutedNotebook notebook) {
    String printed = notebook.printed();
    for (String line : List.of("height 70, width 120, channels 3; images shape [1, 70, 120, 1]",
        "output shape [1, 70, 120, 2]", "conv2d VALID, stride 1   -> [1, 64, 114, 2]",
        "conv2d SAME, stride 2    -> [1, 35, 60, 2]", "max_pool 2x2, stride 2   -> [1, 35, 60, 1]",
        "avg_pool 2x2, stride 2   -> [1, 35, 60, 1]")) {
      assertTrue(printed.contains(line), "missing `" + line + "` in\n" + printed);
    }
  }

  private static void mnistCnn(ExecutedNotebook notebook, int epochs) {
    String printed = notebook.printed();
    // The data cell speaks notebook: one plain line, none of the command line's banner.
    assertEquals(1, notebook.lines("MNIST data: .*").size(), printed);
    for (String banner : List.of("WARNING", "http", "--data", "--help", "downloading")) {
      assertFalse(printed.contains(banner), "mnist-cnn prints `" + banner + "`:\n" + printed);
    }
    List<Matcher> lines = notebook.lines("(\\d+) Train accuracy: (\\S+) , Test accuracy: (\\S+)");
    assertEquals(epochs, lines.size(), "one accuracy line per epoch:\n" + printed);
    for (int e = 0; e < epochs; e++) {
      assertEquals(e, Integer.parseInt(lines.get(e).group(1)));
    }
    double test = Double.parseDouble(lines.get(epochs - 1).group(3));
    // The full data set: the notebook's "above 98%"; the embedded 2,500 digits: the lesson's band.
    boolean sample = printed.contains("(embedded_sample)");
    double band = sample ? (epochs >= 5 ? 0.85 : 0.5) : 0.98;
    assertTrue(test >= band, "final test accuracy " + test + " below " + band);
    assertTrue(printed.contains("['conv1/kernel:0', 'conv1/bias:0', 'fc1/kernel:0', 'fc1/bias:0',"
        + " 'output/kernel:0', 'output/bias:0']"), printed);
    assertTrue(printed.contains("conv1/kernel:0 shape [3, 3, 1, 32], conv1/bias:0 shape [32]"));
  }

  private static void sequence(ExecutedNotebook notebook, int iterations) {
    String printed = notebook.printed();
    List<Matcher> reports = notebook.lines("(\\d+)\tMSE: (\\S+)");
    assertEquals((iterations + 99) / 100, reports.size(), "an MSE line every 100 iterations:\n"
        + printed);
    double first = Double.parseDouble(reports.get(0).group(2));
    double last = Double.parseDouble(reports.get(reports.size() - 1).group(2));
    if (iterations >= 1500) {
      assertEquals(1400, Integer.parseInt(reports.get(14).group(1)));
      assertTrue(last <= 0.06, notebook.name() + ": MSE at 1400 is " + last);
    } else {
      assertTrue(first >= 10 * last, notebook.name() + ": MSE " + first + " -> " + last);
    }
    // y_pred, printed as numpy prints it (the rnn notebook's In [9]); the generation's line.
    if (notebook.name().equals("rnn.ipynb")) {
      assertEquals(20, notebook.lines("\\s*(array\\(\\[\\[)?\\[\\s*(-?[0-9.E-]+)\\](,|\\]\\], dtype=float32\\))")
          .size(), printed);
    }
    assertTrue(printed.contains("and generated 300 values from 20 zeros"), printed);
  }
}
