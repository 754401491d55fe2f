package dev.tfjava.course.lessons;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tfjava.course.CommandLines;
import dev.tfjava.course.cli.LessonsLauncher;
import dev.tfjava.course.data.IdxFile;
import dev.tfjava.course.data.IdxFiles;
import dev.tfjava.course.data.MnistVariant;
import dev.tfjava.course.train.CpuFlags;
import dev.tfjava.course.train.Metrics;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `lessons mnist-cnn` as a user runs it: bad data and options → exit 2, one line; outputs. */
class MnistCnnCliTest {
  @TempDir
  Path dir;

  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return run(LessonsLauncher.commandLine(), List.of("mnist-cnn"), args);
  }

  /** The lesson alone (not the launcher), e.g. with another CPU injected. */
  private int run(MnistCnn lesson, String... args) {
    return run(CommandLines.create(lesson), List.of(), args);
  }

  private int run(CommandLine launcher, List<String> command, String... args) {
    launcher.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(command);
    all.addAll(List.of("--offline",
        "--cache", dir.resolve("cache").toString(), "--out", dir.resolve("out").toString(),
        "--models", dir.resolve("models").toString(),
        "--checkpoints", dir.resolve("checkpoints").toString(),
        "--logdir", dir.resolve("tf_logs").toString()));
    all.addAll(List.of(args));
    return launcher.execute(all.toArray(String[]::new));
  }

  @Test
  void missingDataFolderIsExitTwoWithOneLineAndNoOutput() {
    Path nope = dir.resolve("nope");
    assertEquals(2, run("--data", nope.toString()));
    assertEquals("mnist-cnn: --data " + nope + ": no such folder" + System.lineSeparator(), err.toString());
    assertFalse(Files.exists(dir.resolve("out")));
    assertFalse(Files.exists(dir.resolve("models")));
  }

  @Test
  void corruptFileInDataFolderNamesTheFile() {
    Path data = dir.resolve("data");
    for (int i = 0; i < 4; i += 2) {
      IdxFiles.writeImages(data.resolve(MnistVariant.FILES.get(i)),
          new IdxFile.Images(12, 28, 28, new byte[12 * 28 * 28]));
      IdxFiles.writeLabels(data.resolve(MnistVariant.FILES.get(i + 1)),
          new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0});
    }
    assertEquals(2, run("--data", data.toString()));
    assertEquals("mnist-cnn: " + data.resolve("train-labels-idx1-ubyte.gz")
        + ": has label 10 at index 10, outside 0-9" + System.lineSeparator(), err.toString());
  }

  @Test
  void badOptionValuesAreExitTwo() {
    assertEquals(2, run("--keep-prob", "0"));
    assertEquals("mnist-cnn: --keep-prob must be in (0, 1], got 0.0" + System.lineSeparator(),
        err.toString());
    assertEquals(2, run("--dataset", "cifar"));
    assertTrue(err.toString().contains("choose mnist or fashion-mnist"), err.toString());
  }

  @Test
  void quickRecordsTheEpochsItRanNotTheDefault() throws IOException {
    assertEquals(0, run("--quick", "--no-tensorboard"), err.toString());
    JsonNode metrics = Metrics.json().readTree(dir.resolve("out/metrics.json").toFile());
    assertEquals(1, metrics.at("/options/epochs").asInt());
    assertEquals(1, metrics.get("epochs").size());
    assertEquals("fp32", metrics.get("precision").asText());
    // The default towers and the threads that go with them (2 towers and 1/2 on 2 cores).
    int cores = Runtime.getRuntime().availableProcessors();
    int towers = MnistCnn.defaultTowers(true, cores);
    assertEquals(towers, metrics.get("towers").asInt());
    assertEquals(MnistCnn.threadsFor(towers, cores).interOp(),
        metrics.at("/threads/inter_op").asInt(), metrics.get("threads").toString());
  }

  @Test
  void bf16OnACpuWithoutBfloat16IsExitTwoNamingTheMissingFlags() throws IOException {
    // A Zen 3 EPYC's flags (AVX2, no AVX-512, no bfloat16), trimmed.
    Path cpuinfo = dir.resolve("cpuinfo");
    Files.writeString(cpuinfo, "processor\t: 0\nvendor_id\t: AuthenticAMD\n"
        + "model name\t: AMD EPYC 7763 64-Core Processor\n"
        + "flags\t\t: fpu sse2 avx avx2 fma bmi2 sha_ni vaes\n\nprocessor\t: 1\n");
    MnistCnn lesson = new MnistCnn();
    lesson.cpu = () -> CpuFlags.read(cpuinfo);
    assertEquals(2, run(lesson, "--precision", "bf16"));
    assertEquals("mnist-cnn: --precision bf16: this CPU (AMD EPYC 7763 64-Core Processor) has no"
        + " avx512_bf16 or amx_bf16 flag in " + cpuinfo + ", so it has no bfloat16 instructions;"
        + " use --precision fp32" + System.lineSeparator(), err.toString());
    assertFalse(Files.exists(dir.resolve("out")));
    assertFalse(Files.exists(dir.resolve("models")));
  }

  @Test
  void anUnknownPrecisionIsExitTwo() {
    assertEquals(2, run("--precision", "fp16"));
    assertTrue(err.toString().startsWith("mnist-cnn: Invalid value for option '--precision'"),
        err.toString());
  }

  @Test
  void oneEpochOnTheEmbeddedSampleWritesEveryOutput() throws IOException {
    assertEquals(0, run("--epochs", "1"), err.toString());
    JsonNode metrics = Metrics.json().readTree(dir.resolve("out/metrics.json").toFile());
    assertEquals("embedded_sample", metrics.at("/data/origin").asText());
    assertEquals(1834, metrics.at("/data/train_images").asInt());
    assertEquals(1, metrics.get("epochs").size());
    JsonNode epoch = metrics.get("epochs").get(0);
    // One epoch of 36 steps: ~0.83 with seed 42; chance is 0.10.
    assertTrue(epoch.get("test_accuracy").asDouble() > 0.6, epoch.toString());
    // 36 steps of 50 images in train_seconds: the rate is that count over that time.
    assertEquals(36 * 50 / epoch.get("train_seconds").asDouble(),
        epoch.get("images_per_second").asDouble(), 1e-6 * epoch.get("images_per_second").asDouble());
    // The notebook's line, printed as Python prints float32 values.
    assertTrue(metrics.get("printed").toString().contains("0 Train accuracy: "
        + (float) epoch.get("train_accuracy").asDouble() + " , Test accuracy: "
        + (float) epoch.get("test_accuracy").asDouble()), metrics.get("printed").toString());
    assertTrue(metrics.get("dropout_applied").asBoolean());
    assertEquals("conv1/kernel:0", metrics.at("/trainable_variables/0").asText());
    assertEquals(6, metrics.get("trainable_variables").size());
    for (String figure : List.of("accuracy.png", "conv1_filters.png", "test_predictions.png")) {
      assertNotNull(ImageIO.read(dir.resolve("out").resolve(figure).toFile()), figure);
    }
    assertTrue(Files.isRegularFile(dir.resolve("models/mnist_cnn/1/saved_model.pb")));
    // The notebook's prefix, numbered as tf.train.Saver numbers it, and its state file.
    assertTrue(Files.isRegularFile(dir.resolve("checkpoints/mnist_cnn/mnist.ckpt-1.index")));
    assertTrue(Files.isRegularFile(dir.resolve("checkpoints/mnist_cnn/checkpoint")));
  }
}
