package dev.tfjava.course.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfjava.course.cli.LessonsLauncher;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code lessons predict} prints exactly the server's response body; bad input exits 2. */
class PredictCommandTest {
  @TempDir
  static Path models;
  @TempDir
  static Path files;
  static ServingFixture serving;

  @BeforeAll
  static void start() {
    serving = ServingFixture.start(models, ServingFixture.settings().withGrpcPort(0));
  }

  @AfterAll
  static void stop() {
    serving.close();
  }

  /** The exit code, stdout and stderr of one launcher run. */
  private record Run(int exitCode, String out, String err) {}

  private static Run predict(String... args) {
    CommandLine launcher = LessonsLauncher.commandLine();
    StringWriter err = new StringWriter();
    launcher.getSubcommands().get("predict").setErr(new PrintWriter(err));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      String[] full = new String[args.length + 1];
      full[0] = "predict";
      System.arraycopy(args, 0, full, 1, args.length);
      int code = launcher.execute(full);
      return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString());
    } finally {
      System.setOut(original);
    }
  }

  @Test
  void printsTheServersResponseBody() throws Exception {
    String[][] requests = {
        {"mnist_cnn", ServingFixture.imageInstances(ServingFixture.images(2, 3))},
        {"lstm", ServingFixture.windowInstances(ServingFixture.windows(3, 12.2))},
        {"lstm", "{\"inputs\": {\"X\": [[[1],[2],[3],[4],[5],[6],[7],[8],[9],[10],[11],[12],[13],"
            + "[14],[15],[16],[17],[18],[19],[20]]]}}"},
    };
    for (String[] request : requests) {
      Path file = files.resolve(request[0] + ".json");
      Files.writeString(file, request[1]);
      String server = serving.post("/v1/models/" + request[0] + ":predict", request[1]).body();
      Run run = predict("--model", models.resolve(request[0]).toString(), "--input",
          file.toString());
      assertEquals(0, run.exitCode(), run.err());
      assertEquals(server, run.out().strip());
      Run versioned = predict("--model", models.resolve(request[0]).toString(), "--model-version", "1",
          "--input", file.toString());
      assertEquals(server, versioned.out().strip());
    }
  }

  @Test
  void overGrpcItPrintsWhatRestPrints() throws Exception {
    String target = "127.0.0.1:" + serving.server.grpcPort();
    String[][] requests = {
        {"mnist_cnn", ServingFixture.imageInstances(ServingFixture.images(2, 4))},
        {"lstm", ServingFixture.windowInstances(ServingFixture.windows(2, 3.0))
            .replace("\"instances\"", "\"inputs\"")},
    };
    for (String[] request : requests) {
      Path file = files.resolve("grpc-" + request[0] + ".json");
      Files.writeString(file, request[1]);
      String rest = serving.post("/v1/models/" + request[0] + ":predict", request[1]).body();
      for (String[] version : new String[][] {{}, {"--model-version", "1"}}) {
        List<String> args = new ArrayList<>(List.of("--target", target, "--model", request[0],
            "--input", file.toString()));
        args.addAll(List.of(version));
        Run run = predict(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(rest, run.out().strip());
      }
    }
    Path lstm = files.resolve("grpc-lstm.json");
    Run unknown = predict("--target", target, "--model", "nope", "--input", lstm.toString());
    assertEquals(2, unknown.exitCode());
    assertTrue(unknown.err().contains("NOT_FOUND"), unknown.err());
    Run label = predict("--target", target, "--model", "lstm", "--label", "stable", "--input",
        lstm.toString());
    assertEquals(2, label.exitCode());
    assertTrue(label.err().contains("Unrecognized servable version label: stable"), label.err());
    Run nobody = predict("--target", "127.0.0.1:1", "--model", "lstm", "--input",
        lstm.toString());
    assertEquals(1, nobody.exitCode(), nobody.err());
    assertTrue(nobody.err().contains("UNAVAILABLE"), nobody.err());
  }

  @Test
  void badFileOrRequestExitsTwoWithOneLine() throws Exception {
    String lstm = models.resolve("lstm").toString();
    Path malformed = Files.writeString(files.resolve("bad.json"), "{\"instances\": [1,");
    Path wrongShape = Files.writeString(files.resolve("shape.json"), "{\"instances\": [[1, 2]]}");
    String[][] cases = {
        {"--model", lstm, "--input", files.resolve("missing.json").toString()},
        {"--model", lstm, "--input", malformed.toString()},
        {"--model", lstm, "--input", wrongShape.toString()},
        {"--model", lstm, "--model-version", "9", "--input", wrongShape.toString()},
        {"--model", files.resolve("no-model").toString(), "--input", wrongShape.toString()},
        {"--model", lstm},
    };
    for (String[] args : cases) {
      Run run = predict(args);
      assertEquals(2, run.exitCode(), String.join(" ", args) + " → " + run.err());
      assertEquals(1, run.err().strip().lines().count(), run.err());
      assertTrue(run.out().isEmpty(), run.out());
    }
  }

  @Test
  void helpAndVersionWorkWithoutTheRequiredOptions() {
    Run help = predict("--help");
    assertEquals(0, help.exitCode(), help.err());
    assertTrue(LessonsLauncher.commandLine().getSubcommands().get("predict").getUsageMessage()
        .contains("--model-version"));
    assertEquals(0, predict("-V").exitCode());
    assertEquals(0, predict("--version").exitCode());
  }
}
