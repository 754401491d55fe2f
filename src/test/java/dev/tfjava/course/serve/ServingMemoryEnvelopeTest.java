package dev.tfjava.course.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfjava.course.serve.tools.LoadGenerator;
import dev.tfjava.course.serve.tools.StandInModels;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The documented memory envelope (docs/serving.md), measured on the real {@code lessons serve} in
 * its own JVM with the README's {@code -Xmx512m}: eight maximum-size (just under 16 MiB) MNIST
 * requests at once keep its resident memory under {@link #PEAK_RSS_MB}, every one of them gets a
 * JSON answer (200, or 503 past the bytes-in-flight budget), and afterwards the server still
 * answers, still reports its model AVAILABLE, and has given most of the memory back.
 */
class ServingMemoryEnvelopeTest {
  /** The envelope docs/serving.md states for the default settings and {@code -Xmx512m}. */
  static final long PEAK_RSS_MB = 1280;
  /** What the server may keep once the large requests are over. */
  static final long SETTLED_RSS_MB = 1024;
  private static final int CONCURRENT = 8;
  private static final long BODY_LIMIT = 16L << 20;

  @TempDir
  Path models;
  @TempDir
  Path logs;

  @Test
  void eightMaximumSizeRequestsStayInTheEnvelopeAndTheServerKeepsAnswering() {
    assertTimeoutPreemptively(Duration.ofMinutes(5), () -> run(List.of(), maximumSizeBody()));
  }

  /**
   * With batching on (TF Serving's defaults: batches of up to 1000 instances), eight requests of
   * 500 instances stack two to a batch; a batch runs in 128-instance slices like any request, so
   * the envelope is the same.
   */
  @Test
  void batchesOfLargeRequestsStayInTheEnvelope() {
    assertTimeoutPreemptively(Duration.ofMinutes(5),
        () -> run(List.of("--enable-batching"), LoadGenerator.images(500, 3)));
  }

  private void run(List<String> options, String large) throws Exception {
    StandInModels.exportCnn(models, "mnist_cnn", 1);
    Path log = logs.resolve("serve.log");
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-cp",
        System.getProperty("java.class.path"), "dev.tfjava.course.cli.LessonsLauncher", "serve",
        "--models", models.toString(), "--port", "0"));
    command.addAll(options);
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    Process server = builder.start();
    try {
      int port = awaitPort(server, log);
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5)).build();
      URI predict = URI.create("http://127.0.0.1:" + port + "/v1/models/mnist_cnn:predict");
      String small = LoadGenerator.images(1, 7);
      assertEquals(200, post(client, predict, small).statusCode());
      long before = rssMb(server.pid());

      AtomicLong peak = new AtomicLong(before);
      AtomicBoolean sampling = new AtomicBoolean(true);
      Thread sampler = new Thread(() -> {
        while (sampling.get()) {
          peak.accumulateAndGet(rssMb(server.pid()), Math::max);
          try {
            Thread.sleep(50);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      sampler.start();
      ExecutorService pool = Executors.newFixedThreadPool(CONCURRENT);
      List<Future<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < CONCURRENT; i++) {
        answers.add(pool.submit(() -> post(client, predict, large)));
      }
      int ok = 0;
      for (Future<HttpResponse<String>> answer : answers) {
        HttpResponse<String> response = answer.get();
        if (response.statusCode() == 200) {
          ok++;
          assertTrue(response.body().startsWith("{\"predictions\":["), response.body());
        } else {
          assertEquals(503, response.statusCode(), response.body());
          assertTrue(ServingFixture.JSON.readTree(response.body()).has("error"));
        }
      }
      pool.shutdown();
      sampling.set(false);
      sampler.join();
      assertTrue(ok >= 1, "no maximum-size request was answered");

      // Still answering, still AVAILABLE, and the memory mostly given back.
      assertEquals(200, post(client, predict, small).statusCode());
      HttpResponse<String> status = client.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/v1/models/mnist_cnn")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertTrue(status.body().contains("AVAILABLE"), status.body());
      Thread.sleep(2000);
      long after = rssMb(server.pid());
      String figures = options + ": RSS before " + before + " MB, peak " + peak.get() + " MB, after "
          + after + " MB; " + ok + " of " + CONCURRENT + " answered 200";
      System.out.println("memory envelope: " + figures);
      assertTrue(peak.get() < PEAK_RSS_MB, figures);
      assertTrue(after < SETTLED_RSS_MB, figures);
    } finally {
      server.destroy();
      if (!server.waitFor(15, TimeUnit.SECONDS)) {
        server.destroyForcibly().waitFor();
      }
    }
  }

  /** MNIST instances filling the body limit to within 64 KiB. */
  private static String maximumSizeBody() {
    String sample = LoadGenerator.images(100, 3);
    int images = (int) ((BODY_LIMIT - 65536) * 100L / sample.length());
    String body = LoadGenerator.images(images, 3);
    while (body.length() > BODY_LIMIT) {
      images -= 50;
      body = LoadGenerator.images(images, 3);
    }
    return body;
  }

  private static HttpResponse<String> post(HttpClient client, URI uri, String body)
      throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(3))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static int awaitPort(Process server, Path log) throws Exception {
    Pattern listening = Pattern.compile("listening on http://[^:]+:(\\d+)/");
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(log)) {
        Matcher m = listening.matcher(Files.readString(log, StandardCharsets.UTF_8));
        if (m.find()) {
          return Integer.parseInt(m.group(1));
        }
      }
      if (!server.isAlive()) {
        throw new AssertionError("serve exited: " + Files.readString(log));
      }
      Thread.sleep(200);
    }
    throw new AssertionError("serve did not start: " + Files.readString(log));
  }

  /** The resident set of {@code pid} in MB, from /proc (Linux). */
  static long rssMb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
        }
      }
    } catch (IOException e) {
      // the process is gone
    }
    return 0;
  }
}
