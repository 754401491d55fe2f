package dev.tfjava.course.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The rnn notebook as a learner uses it, in a real browser: {@code scripts/notebooks --classic}
 * serves it, a headless Chromium (driven over the DevTools protocol) opens it, clicks Cell > Run
 * All with the short setting, types a new {@code n_neurons} into the construction cell, clicks
 * Cell > Run All Below, and the test reads what the page then shows: new MSE lines and a changed
 * figure. It also checks what the learner's terminal shows (the URL, no kernel key, no class-path
 * list) and that the notebook opened trusted. Screenshots and the page's notebook go to
 * {@code runs/notebook-browser/} on failure.
 *
 * <p>Slow (a build, a kernel, two training runs): only with {@code -Dnotebooks.browser=true}, as
 * {@code .ci/run} runs it after installing Chromium and the classic Notebook.
 */
class NotebookBrowserTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ITERATIONS = 300;
  private static final Duration KERNEL_ANSWER = Duration.ofSeconds(60);
  private static final Duration RUN = Duration.ofMinutes(10);
  private static final String CODE_CELLS =
      "Jupyter.notebook.get_cells().filter(c => c.cell_type === 'code')";

  @Test
  void aLearnerRunsTheRnnNotebookEditsNNeuronsAndRunsTheCellsBelow() throws Exception {
    Assumptions.assumeTrue(Boolean.getBoolean("notebooks.browser"), "the browser test runs with"
        + " -Dnotebooks.browser=true (as .ci/run does, with chromium and jupyter-notebook)");
    Optional<Path> chromium = onPath("chromium", "chromium-browser");
    Assumptions.assumeTrue(chromium.isPresent(), "no chromium on PATH: apt-get install chromium");
    Assumptions.assumeTrue(onPath("jupyter-notebook").isPresent(),
        "no jupyter-notebook on PATH: apt-get install jupyter-notebook");

    Path root = NotebookCells.folder().getParent();
    Path runs = root.resolve("runs/notebook-browser");
    Path served = runs.resolve("notebooks");
    Files.createDirectories(served);
    Files.copy(root.resolve("notebooks/rnn.ipynb"), served.resolve("rnn.ipynb"),
        StandardCopyOption.REPLACE_EXISTING);
    int port = freePort();
    String token = HexFormat.of().formatHex(randomBytes());

    try (JupyterProcess jupyter = JupyterProcess.start(root, List.of("--classic", "--",
        "--no-browser", "--port", String.valueOf(port), "--ip", "127.0.0.1",
        "--notebook-dir=" + served, "--NotebookApp.token=" + token),
        Map.of("NOTEBOOK_ITERATIONS", String.valueOf(ITERATIONS)))) {
      String url = jupyter.awaitUrl(Duration.ofMinutes(10));
      assertTrue(url.startsWith("http://127.0.0.1:" + port + "/"), url);
      try (Browser browser = Browser.start(chromium.get(), runs)) {
        DevTools page = browser.page();
        try {
          learnerSession(page, port, token);
        } catch (Throwable failure) {
          page.screenshot(runs.resolve("failure.png"));
          Files.writeString(runs.resolve("failure.ipynb"), notebookJson(page));
          Files.write(runs.resolve("jupyter.log"), jupyter.output());
          throw failure;
        }
      }
      Files.write(runs.resolve("jupyter.log"), jupyter.output());
      terminalIsQuiet(jupyter.output(), port);
    }
  }

  private static void learnerSession(DevTools page, int port, String token) throws Exception {
    page.navigate("http://127.0.0.1:" + port + "/notebooks/rnn.ipynb?token=" + token);
    waitFor(page, "the notebook to load", "typeof Jupyter !== 'undefined' && !!Jupyter.notebook"
        + " && Jupyter.notebook._fully_loaded === true", Duration.ofMinutes(2));
    assertTrue(page.evaluate("Jupyter.notebook.trusted").asBoolean(), "rnn.ipynb is not trusted");
    awaitKernel(page);

    // Cell > All Output > Clear, then Cell > Run All: every code cell gets a new number.
    page.evaluate("document.querySelector('#clear_all_output > a').click()");
    page.evaluate("document.querySelector('#run_all_cells > a').click()");
    waitForCells(page, 0, 0);
    ExecutedNotebook first = executed(page);
    first.assertClean(false);
    List<String> mseBefore = mseLines(first);
    assertEquals((ITERATIONS + 99) / 100, mseBefore.size(), "an MSE line every 100 iterations");
    List<String> figuresBefore = figures(page);

    // Type 50 over the construction cell's 100 neurons, then Cell > Run All Below.
    int construction = page.evaluate("Jupyter.notebook.get_cells().findIndex(c =>"
        + " (c.metadata.tags || []).includes('construction'))").asInt();
    int lastCount = page.evaluate("Math.max(..." + CODE_CELLS + ".map(c =>"
        + " c.input_prompt_number))").asInt();
    page.evaluate("(() => { const cell = Jupyter.notebook.get_cell(" + construction + ");"
        + " Jupyter.notebook.select(" + construction + "); cell.focus_editor();"
        + " const cm = cell.code_mirror;"
        + " const line = cm.getValue().split('\\n').findIndex(l => l.includes('int n_neurons = 100;'));"
        + " const ch = cm.getLine(line).indexOf('100');"
        + " cm.setSelection({line: line, ch: ch}, {line: line, ch: ch + 3}); })()");
    page.call("Input.insertText", JSON.createObjectNode().put("text", "50"));
    assertTrue(page.evaluate("Jupyter.notebook.get_cell(" + construction + ").get_text()")
        .asText().contains("int n_neurons = 50;"), "the typed edit is not in the cell");
    page.evaluate("document.querySelector('#run_all_cells_below > a').click()");
    waitForCells(page, construction, lastCount);
    ExecutedNotebook second = executed(page);
    second.assertClean(false);
    List<String> mseAfter = mseLines(second);
    assertEquals(mseBefore.size(), mseAfter.size());
    assertNotEquals(mseBefore, mseAfter, "the MSE lines did not change with n_neurons 50");
    List<String> figuresAfter = figures(page);
    assertEquals(figuresBefore.size(), figuresAfter.size());
    assertNotEquals(figuresBefore, figuresAfter, "no figure changed with n_neurons 50");
  }

  /**
   * Waits for the kernel's answer to the page's kernel_info. No restart: the kernel must answer its
   * first start (scripts/lib/kernel/KernelLauncher removes the kernel's start-up race).
   */
  private static void awaitKernel(DevTools page) throws Exception {
    waitFor(page, "the kernel to answer kernel_info after its first start",
        "!!Jupyter.notebook.kernel && Object.keys(Jupyter.notebook.kernel.info_reply || {}).length"
        + " > 0", KERNEL_ANSWER);
  }

  /** Waits until every code cell from index {@code from} on has an execution count above {@code after}. */
  private static void waitForCells(DevTools page, int from, int after) throws Exception {
    String error = "Jupyter.notebook.get_cells().flatMap(c => (c.output_area ? c.output_area.outputs"
        + " : [])).filter(o => o.output_type === 'error').map(o => o.ename + ': ' + o.evalue)"
        + ".join('; ')";
    String done = "Jupyter.notebook.get_cells().slice(" + from + ").filter(c => c.cell_type ==="
        + " 'code').every(c => typeof c.input_prompt_number === 'number' && c.input_prompt_number > "
        + after + ")";
    long deadline = System.nanoTime() + RUN.toNanos();
    while (!page.evaluate(done).asBoolean()) {
      String errors = page.evaluate(error).asText();
      assertTrue(errors.isEmpty(), "a cell failed: " + errors);
      assertTrue(System.nanoTime() < deadline, "the cells did not finish within " + RUN);
      Thread.sleep(1000);
    }
  }

  private static void waitFor(DevTools page, String what, String condition, Duration wait)
      throws Exception {
    assertTrue(poll(page, condition, wait), "waited " + wait + " for " + what);
  }

  private static boolean poll(DevTools page, String condition, Duration wait) throws Exception {
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < deadline) {
      if (page.evaluate(condition).asBoolean()) {
        return true;
      }
      Thread.sleep(500);
    }
    return false;
  }

  private static String notebookJson(DevTools page) throws IOException {
    return page.evaluate("typeof Jupyter === 'undefined' || !Jupyter.notebook ? '{}'"
        + " : JSON.stringify(Jupyter.notebook.toJSON())").asText();
  }

  /** The notebook as the page holds it now, read as an executed notebook. */
  private static ExecutedNotebook executed(DevTools page) throws IOException {
    Path file = Files.createTempFile("browser-rnn", ".ipynb");
    try {
      Files.writeString(file, notebookJson(page));
      return ExecutedNotebook.read(file);
    } finally {
      Files.delete(file);
    }
  }

  private static List<String> mseLines(ExecutedNotebook notebook) {
    List<String> lines = new ArrayList<>();
    for (Matcher line : notebook.lines("(\\d+)\tMSE: (\\S+)")) {
      lines.add(line.group());
    }
    return lines;
  }

  /** The PNGs the page shows, in cell order (base64, as the page holds them). */
  private static List<String> figures(DevTools page) throws IOException {
    List<String> pngs = new ArrayList<>();
    for (JsonNode png : page.evaluate("Jupyter.notebook.get_cells().flatMap(c => (c.output_area ?"
        + " c.output_area.outputs : [])).filter(o => o.data && o.data['image/png'])"
        + ".map(o => o.data['image/png'])")) {
      pngs.add(png.asText());
    }
    assertFalse(pngs.isEmpty(), "the page shows no figure");
    return pngs;
  }

  /** What the learner's terminal showed: the script's lines, and no kernel chatter or key. */
  private static void terminalIsQuiet(List<String> output, int port) {
    String all = String.join("\n", output);
    assertTrue(all.contains("notebooks: signed the notebooks as trusted"), all);
    if ("root".equals(System.getProperty("user.name"))) {
      assertTrue(all.contains("passing --allow-root to Jupyter"), all);
    }
    for (String chatter : List.of("to classpath", "Parsing classpath", "\"key\"", "[INFO   ]",
        "connection file")) {
      assertFalse(all.contains(chatter), "the terminal shows `" + chatter + "`:\n" + all);
    }
    assertFalse(all.contains("hmac"), all);
    // Jupyter's own URL line stays (Notebook 6.4 masks the token there as "?token=...").
    String url = "http://127.0.0.1:" + port + "/?token=";
    assertTrue(output.stream().anyMatch(line -> line.startsWith("[I ") && line.contains(url)),
        "Jupyter's own URL line is missing:\n" + all);
    assertTrue(output.stream().anyMatch(line -> line.startsWith("notebooks: open " + url)), all);
  }

  private static Optional<Path> onPath(String... names) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      for (String name : names) {
        Path candidate = Path.of(dir, name);
        if (Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static byte[] randomBytes() {
    byte[] bytes = new byte[16];
    ThreadLocalRandom.current().nextBytes(bytes);
    return bytes;
  }

  /** A headless Chromium with a fresh profile, its DevTools on a port of its choosing. */
  private record Browser(Process process, Path profile, DevTools page) implements AutoCloseable {
    static Browser start(Path chromium, Path runs) throws Exception {
      Path profile = Files.createTempDirectory("chromium-profile");
      Process process = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox",
          "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
          "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
          "--remote-debugging-port=0", "--remote-allow-origins=*", "--window-size=1400,1000",
          "about:blank").redirectErrorStream(true)
          .redirectOutput(runs.resolve("chromium.log").toFile()).start();
      return new Browser(process, profile, DevTools.connect(profile, Duration.ofSeconds(60)));
    }

    @Override
    public void close() throws IOException {
      page.close();
      List<ProcessHandle> tree = process.descendants().toList();
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      tree.forEach(ProcessHandle::destroyForcibly);
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
