package dev.tfjava.course.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfjava.course.cli.LessonsLauncher;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code lessons serve} refuses every bad option value with one line and exit 2, before starting;
 * a port it cannot have is one line naming why and exit 1 (the environment's).
 */
class ServeCommandTest {
  @TempDir
  Path models;

  @Test
  void badValuesExitTwoWithOneLineBeforeStarting() {
    String[][] cases = {
        {"--poll-seconds", "0.0001"}, {"--poll-seconds", "NaN"}, {"--poll-seconds", "-1"},
        {"--poll-seconds", "Infinity"}, {"--threads", "-1"}, {"--threads", "0"},
        {"--queue", "-5"}, {"--max-body-mb", "0"}, {"--max-body-mb", "99999999"},
        {"--max-inflight-mb", "1"}, {"--intra-op-threads", "-1"}, {"--inter-op-threads", "-2"},
        {"--port", "70000"}, {"--port", "-1"}, {"--threads", "lots"},
        {"--host", "999.1.1.1"}, {"--host", "192.0.2.1"}, {"--host", ""},
        {"--grpc-port", "70000"}, {"--grpc-port", "-3"},
        {"--ssl-config-file", "/no/such/ssl.config"},
    };
    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
      for (String[] option : cases) {
        List<String> args = new ArrayList<>(List.of("serve", "--models", models.toString(),
            "--port", "0"));
        args.addAll(List.of(option));
        CommandLine launcher = LessonsLauncher.commandLine();
        StringWriter err = new StringWriter();
        launcher.getSubcommands().get("serve").setErr(new PrintWriter(err));
        int code = launcher.execute(args.toArray(String[]::new));
        String what = String.join(" ", option) + " → " + err;
        assertEquals(2, code, what);
        assertEquals(1, err.toString().strip().lines().count(), what);
        assertTrue(err.toString().contains(option[0]), what);
      }
    });
  }

  @Test
  void aPortInUseExitsOneWithOneLineNamingIt() {
    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
      try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        String port = Integer.toString(taken.getLocalPort());
        CommandLine launcher = LessonsLauncher.commandLine();
        StringWriter err = new StringWriter();
        launcher.getSubcommands().get("serve").setErr(new PrintWriter(err));
        int code = launcher.execute("serve", "--models", models.toString(), "--host",
            "127.0.0.1", "--port", port);
        assertEquals(1, code, err.toString());
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        assertTrue(err.toString().contains("Could not listen on 127.0.0.1:" + port + ": port "
            + port + " is in use"), err.toString());
      }
    });
  }

  @Test
  void writesTfServingsModelConfigForTheModelsFolder() throws Exception {
    dev.tfjava.course.serve.tools.StandInModels.exportLstm(models, "lstm", 1);
    java.nio.file.Files.createDirectories(models.resolve("empty"));
    Path file = models.resolve("out/models.config");
    int code = LessonsLauncher.commandLine().execute("serve", "--models", models.toString(),
        "--write-model-config", file.toString());
    assertEquals(0, code);
    var parsed = com.google.protobuf.TextFormat.parse(java.nio.file.Files.readString(file),
        tensorflow.serving.ModelServerConfigOuterClass.ModelServerConfig.class);
    assertEquals(1, parsed.getModelConfigList().getConfigCount());
    var lstm = parsed.getModelConfigList().getConfig(0);
    assertEquals("lstm", lstm.getName());
    assertEquals(models.resolve("lstm").toAbsolutePath().toString(), lstm.getBasePath());
    assertEquals("tensorflow", lstm.getModelPlatform());
    StringWriter err = new StringWriter();
    CommandLine launcher = LessonsLauncher.commandLine();
    launcher.getSubcommands().get("serve").setErr(new PrintWriter(err));
    assertEquals(2, launcher.execute("serve", "--model-config-file",
        models.resolve("nope.config").toString(), "--port", "0", "--grpc-port", "0"));
    assertTrue(err.toString().contains("cannot read it"), err.toString());
  }

  @Test
  void badBatchingAndMonitoringFilesExitTwoWithOneLineBeforeStarting() throws Exception {
    Path junk = java.nio.file.Files.writeString(models.resolve("junk.txt"), "max_batch_size: x");
    String[][] cases = {
        {"--batching-parameters-file", "--batching-parameters-file", junk.toString()},
        {"--batching-parameters-file", "--enable-batching", "--batching-parameters-file",
            junk.toString()},
        {"--batching-parameters-file", "--enable-batching", "--batching-parameters-file",
            models.resolve("missing.txt").toString()},
        {"--monitoring-config-file", "--monitoring-config-file", junk.toString()},
    };
    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
      for (String[] c : cases) {
        List<String> args = new ArrayList<>(List.of("serve", "--models", models.toString(),
            "--port", "0", "--grpc-port", "0"));
        args.addAll(List.of(c).subList(1, c.length));
        CommandLine launcher = LessonsLauncher.commandLine();
        StringWriter err = new StringWriter();
        launcher.getSubcommands().get("serve").setErr(new PrintWriter(err));
        String what = args + " → " + err;
        assertEquals(2, launcher.execute(args.toArray(String[]::new)), what);
        assertEquals(1, err.toString().strip().lines().count(), what);
        assertTrue(err.toString().contains(c[0]), what);
      }
    });
  }
}
