package dev.tfjava.course;

import dev.tfjava.course.train.Device;
import dev.tfjava.course.train.SessionFactory;
import dev.tfjava.course.train.ThreadSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Shared helpers for tests: a CPU session factory and running a main class in a fresh JVM. */
public final class TestSupport {
  private TestSupport() {}

  /** Sessions on the CPU with TensorFlow's default threads. */
  public static SessionFactory cpuSessions() {
    return new SessionFactory(Device.CPU, ThreadSettings.TENSORFLOW_DEFAULT, false);
  }

  /** What a finished process printed and returned. */
  public record ProcessResult(int exitCode, String stdout, String stderr) {}

  /** Runs {@code mainClass} with the test class path in a new JVM and waits for it. */
  public static ProcessResult runJava(Class<?> mainClass, String... args)
      throws IOException, InterruptedException {
    return runJavaIn(null, mainClass, args);
  }

  /** Like {@link #runJava}, in the working directory {@code workDir} (null: this one). */
  public static ProcessResult runJavaIn(Path workDir, Class<?> mainClass, String... args)
      throws IOException, InterruptedException {
    return runJavaWith(workDir, java.util.Map.of(), mainClass, args);
  }

  /** Like {@link #runJavaIn}, with {@code env} added to the new JVM's environment. */
  public static ProcessResult runJavaWith(Path workDir, java.util.Map<String, String> env,
      Class<?> mainClass, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djava.awt.headless=true",
        "-cp", System.getProperty("java.class.path"),
        mainClass.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    if (workDir != null) {
      builder.directory(workDir.toFile());
    }
    builder.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    builder.environment().putAll(env);
    Process process = builder.start();
    // Read both streams fully before waiting, so a chatty process never blocks on a full pipe.
    var stderr = new java.util.concurrent.CompletableFuture<String>();
    Thread drain = new Thread(() -> {
      try {
        stderr.complete(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        stderr.completeExceptionally(e);
      }
    });
    drain.start();
    String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException(mainClass + " did not finish in 5 minutes");
    }
    drain.join();
    return new ProcessResult(process.exitValue(), stdout, stderr.join());
  }

  /**
   * Answers one TF-Serving predict request with the shipped {@code lessons predict} command in a
   * new JVM, as a user would, and returns the parsed response body.
   *
   * @param modelDir a model folder, e.g. {@code saved-models/lstm} (its highest version is used)
   */
  public static com.fasterxml.jackson.databind.JsonNode predictInFreshJvm(Path modelDir,
      String requestBody) throws IOException, InterruptedException {
    Path request = java.nio.file.Files.createTempFile("request", ".json");
    try {
      java.nio.file.Files.writeString(request, requestBody);
      ProcessResult result = runJava(dev.tfjava.course.cli.LessonsLauncher.class, "predict",
          "--model", modelDir.toString(), "--input", request.toString());
      if (result.exitCode() != 0) {
        throw new AssertionError("predict failed (" + result.exitCode() + "): " + result.stderr());
      }
      return dev.tfjava.course.train.Metrics.json().readTree(result.stdout());
    } finally {
      java.nio.file.Files.deleteIfExists(request);
    }
  }

  /** A JSON array of arrays of numbers, e.g. {@code [[0.1,0.2],[0.3,0.4]]}, from row-major data. */
  public static String jsonRows(float[] values, int columns) {
    StringBuilder json = new StringBuilder("[");
    for (int i = 0; i < values.length; i++) {
      json.append(i % columns == 0 ? (i == 0 ? "[" : "],[") : ",").append(values[i]);
    }
    return json.append("]]").toString();
  }
}
