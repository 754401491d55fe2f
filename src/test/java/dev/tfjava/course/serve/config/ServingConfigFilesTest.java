package dev.tfjava.course.serve.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfjava.course.CourseException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TF Serving's BatchingParameters and MonitoringConfig text files, read as TF Serving reads them. */
class ServingConfigFilesTest {
  @TempDir
  Path dir;

  private Path file(String text) throws IOException {
    return Files.writeString(Files.createTempFile(dir, "config", ".txt"), text);
  }

  @Test
  void batchingParametersTakeTfServingsFormatAndDefaults() throws IOException {
    BatchingParameters read = BatchingParameters.read(file("""
        # the batching parameters TF Serving's guide shows, wrapper types and all
        max_batch_size { value: 32 }
        batch_timeout_micros { value: 1500 }
        max_enqueued_batches: { value: 100 }
        num_batch_threads < value: 2 >
        allowed_batch_sizes: 8
        allowed_batch_sizes: [16, 32]
        pad_variable_length_inputs: true
        """));
    assertEquals(new BatchingParameters(32, Duration.ofNanos(1_500_000), 100, 2, "batch_threads",
        List.of(8, 16, 32), true), read);
    assertEquals(8, read.paddedSize(3));
    assertEquals(16, read.paddedSize(9));
    assertEquals(32, read.paddedSize(32));

    BatchingParameters empty = BatchingParameters.read(file(""));
    assertEquals(BatchingParameters.defaults(), empty);
    assertEquals(1000, empty.maxBatchSize());
    assertEquals(Duration.ZERO, empty.batchTimeout());
    assertEquals(10, empty.maxEnqueuedBatches());
    assertEquals(Runtime.getRuntime().availableProcessors(), empty.numBatchThreads());
    assertEquals(5, empty.paddedSize(5), "no allowed sizes: no padding");
  }

  @Test
  void badBatchingParametersAreOneLineNamingTheProblem() throws IOException {
    String[][] cases = {
        {"max_batch_size { value: 32 } colour: 3", "colour"},
        {"max_batch_size { value: 32 } max_batch_size { value: 8 }", "max_batch_size"},
        {"max_batch_size: 32", "1:17: Expected \"{\""},
        {"max_batch_size { value: 0 }", "max_batch_size must be 1-"},
        {"num_batch_threads { value: -1 }", "num_batch_threads must be 1-"},
        {"max_batch_size { value: 32 } allowed_batch_sizes: [8, 16]", "must equal max_batch_size"},
        {"max_batch_size { value: 32 } allowed_batch_sizes: [16, 8, 32]", "increasing"},
        {"enable_large_batch_splitting { value: true }", "not supported"},
        {"max_batch_size { value: 32", "BatchingParameters"},
    };
    for (String[] c : cases) {
      Path path = file(c[0]);
      CourseException e = assertThrows(CourseException.class, () -> BatchingParameters.read(path),
          c[0]);
      assertEquals(CourseException.BAD_INPUT, e.exitCode(), c[0]);
      assertTrue(e.getMessage().startsWith("--batching-parameters-file " + path), e.getMessage());
      assertTrue(e.getMessage().contains(c[1]), c[0] + " → " + e.getMessage());
      assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
    CourseException missing = assertThrows(CourseException.class,
        () -> BatchingParameters.read(dir.resolve("nope.txt")));
    assertTrue(missing.getMessage().contains("cannot read"), missing.getMessage());
  }

  @Test
  void monitoringConfigMovesOrDisablesTheMetrics() throws IOException {
    assertEquals(new MonitoringConfig(true, "/metrics"), MonitoringConfig.read(
        file("prometheus_config { enable: true, path: \"/metrics\" }")));
    assertEquals(MonitoringConfig.defaults(), MonitoringConfig.read(
        file("prometheus_config { enable: true }")));
    assertTrue(MonitoringConfig.read(file("prometheus_config { enable: false }")).metricsPath()
        .isEmpty());
    assertTrue(MonitoringConfig.read(file("")).metricsPath().isEmpty(),
        "an empty MonitoringConfig, as in TF Serving, exports nothing");
    for (String bad : new String[] {"prometheus_config { enable: yes }",
        "prometheus_config { path: \"metrics\" enable: true }",
        "prometheus_config { enable: true, path: \"/v1/models/x\" }", "prometheus { }"}) {
      Path path = file(bad);
      CourseException e = assertThrows(CourseException.class, () -> MonitoringConfig.read(path));
      assertTrue(e.getMessage().startsWith("--monitoring-config-file " + path), e.getMessage());
    }
  }
}
