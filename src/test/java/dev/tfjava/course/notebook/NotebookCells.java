package dev.tfjava.course.notebook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;

/**
 * A committed notebook's code cells, run as the Java kernel runs them: each cell through JShell,
 * snippet by snippet, in this JVM (JShell's local execution), so that what a cell builds, e.g.
 * {@link Notebook#current()}, is visible to the test that ran it. The tests therefore check the
 * notebook's own code, not a copy of it.
 */
final class NotebookCells {
  /** One code cell: its source and its tags (setup, construction, execution, figure). */
  record Cell(String source, List<String> tags) {
    boolean tagged(String tag) {
      return tags.contains(tag);
    }
  }

  private NotebookCells() {}

  /** The repository's {@code notebooks/} folder (tests run in target/test-work). */
  static Path folder() {
    Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    while (!Files.isDirectory(dir.resolve("notebooks")) || !Files.isRegularFile(dir.resolve("pom.xml"))) {
      dir = dir.getParent();
      if (dir == null) {
        throw new IllegalStateException("no notebooks/ folder above " + System.getProperty("user.dir"));
      }
    }
    return dir.resolve("notebooks");
  }

  /** The code cells of {@code notebooks/<name>.ipynb}, in order. */
  static List<Cell> read(String name) throws IOException {
    JsonNode notebook = new ObjectMapper().readTree(folder().resolve(name + ".ipynb").toFile());
    List<Cell> cells = new ArrayList<>();
    for (JsonNode cell : notebook.get("cells")) {
      if (!cell.get("cell_type").asText().equals("code")) {
        continue;
      }
      JsonNode source = cell.get("source");
      StringBuilder text = new StringBuilder();
      if (source.isArray()) {
        source.forEach(line -> text.append(line.asText()));
      } else {
        text.append(source.asText());
      }
      List<String> tags = new ArrayList<>();
      JsonNode tagNodes = cell.path("metadata").path("tags");
      tagNodes.forEach(tag -> tags.add(tag.asText()));
      cells.add(new Cell(text.toString(), tags));
    }
    return cells;
  }

  /**
   * Runs the setup and construction cells of a notebook in a fresh JShell, {@code edit} applied
   * to the construction cell's source first (the identity to run it as committed).
   */
  static void runConstruction(String name, UnaryOperator<String> edit) throws IOException {
    List<Cell> cells = read(name);
    try (JShell shell = JShell.builder().executionEngine("local").build()) {
      for (String entry : testClassPath()) {
        shell.addToClasspath(entry);
      }
      int constructions = 0;
      for (Cell cell : cells) {
        if (cell.tagged("setup")) {
          run(shell, name, cell.source());
        } else if (cell.tagged("construction")) {
          run(shell, name, edit.apply(cell.source()));
          constructions++;
        }
      }
      if (constructions == 0) {
        throw new AssertionError(name + ".ipynb has no cell tagged construction");
      }
    }
  }

  /** Evaluates one cell; any rejected snippet or exception is an AssertionError naming it. */
  static void run(JShell shell, String notebook, String source) {
    SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
    String rest = source;
    while (!rest.isBlank()) {
      SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
      String snippet = info.source() != null ? info.source() : rest;
      for (SnippetEvent event : shell.eval(snippet)) {
        if (event.status() == Snippet.Status.REJECTED) {
          StringBuilder why = new StringBuilder();
          shell.diagnostics(event.snippet()).forEach(d ->
              why.append(d.getMessage(null)).append("; "));
          throw new AssertionError(notebook + ".ipynb: rejected `" + snippet.strip() + "`: " + why);
        }
        if (event.exception() != null) {
          throw new AssertionError(notebook + ".ipynb: `" + snippet.strip() + "` threw "
              + event.exception(), event.exception());
        }
      }
      rest = info.remaining();
    }
  }

  /** What this JVM's tests see: Surefire's class path, else java.class.path. */
  private static List<String> testClassPath() {
    String path = System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path"));
    return List.of(path.split(File.pathSeparator));
  }
}
