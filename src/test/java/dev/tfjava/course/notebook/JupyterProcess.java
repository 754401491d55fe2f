package dev.tfjava.course.notebook;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Jupyter as a learner starts it: {@code scripts/notebooks [UI] -- OPTIONS}, its output kept (the
 * test checks what the terminal shows) and the URL the script announces.
 */
final class JupyterProcess implements AutoCloseable {
  private static final Pattern ANNOUNCED = Pattern.compile("notebooks: open (\\S+) in a browser.*");

  private final Process process;
  private final List<String> output = new ArrayList<>();
  private String url;

  private JupyterProcess(Process process) {
    this.process = process;
  }

  /** Starts {@code scripts/notebooks} in {@code root} with these arguments and extra environment. */
  static JupyterProcess start(Path root, List<String> arguments, Map<String, String> env)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(root.resolve("scripts/notebooks").toString()));
    command.addAll(arguments);
    ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile())
        .redirectErrorStream(true);
    builder.environment().putAll(env);
    JupyterProcess jupyter = new JupyterProcess(builder.start());
    Thread reader = new Thread(jupyter::read, "jupyter-output");
    reader.setDaemon(true);
    reader.start();
    return jupyter;
  }

  private void read() {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        synchronized (this) {
          output.add(line);
          Matcher announced = ANNOUNCED.matcher(line);
          if (url == null && announced.matches()) {
            url = announced.group(1);
          }
          notifyAll();
        }
      }
    } catch (IOException e) {
      synchronized (this) {
        output.add("(reading Jupyter's output failed: " + e + ")");
      }
    }
  }

  /** The URL {@code scripts/notebooks} printed, waiting for it (a build may come first). */
  synchronized String awaitUrl(Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (url == null && process.isAlive() && System.nanoTime() < deadline) {
      wait(1000);
    }
    if (url == null) {
      throw new IllegalStateException("scripts/notebooks announced no URL within " + wait
          + (process.isAlive() ? "" : " (it exited with " + process.exitValue() + ")") + ":\n"
          + String.join("\n", output));
    }
    return url;
  }

  /** Everything the script and Jupyter printed so far. */
  synchronized List<String> output() {
    return List.copyOf(output);
  }

  /** Stops Jupyter (which shuts its kernels down), then whatever is left of its process tree. */
  @Override
  public void close() {
    List<ProcessHandle> tree = process.descendants().toList();
    tree.stream().filter(p -> p.info().command().orElse("").contains("python"))
        .forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (ProcessHandle left : tree) {
      left.destroy();
    }
    for (ProcessHandle left : tree) {
      left.onExit().completeOnTimeout(left, 10, TimeUnit.SECONDS).join();
      left.destroyForcibly();
    }
  }
}
