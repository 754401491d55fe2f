package dev.tfjava.course.lessons;

import dev.tfjava.course.data.TimeSeries;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfjava.course.nn.cells.CellKind;
import dev.tfjava.course.sequence.TrainingCurve;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each cell's lesson on a short run, through {@link Lesson#run}: it prints the notebook's lines,
 * training lowers the MSE tenfold in 300 iterations;
 * the sequence generated from the restored checkpoint starts with the 20 zeros; and the exported
 * SavedModel, loaded in a separate JVM, reproduces the training session's predictions and the
 * restored model's first generated value.
 */
class SequenceCellRunTest {
  static final int ITERATIONS = 300;
  static final int GENERATE = 30;

  @TempDir
  Path temp;

  @ParameterizedTest
  @EnumSource(CellKind.class)
  void trainsGeneratesAndExportsAModelAFreshJvmReproduces(CellKind kind) throws Exception {
    SequenceLesson lesson = switch (kind) {
      case BASIC_RNN -> new BasicRnnLesson();
      case LSTM -> new LstmLesson();
      case GRU -> new GruLesson();
    };
    LessonRun<SequenceLesson.Result> run = Lesson.run(lesson, "--iterations",
        String.valueOf(ITERATIONS), "--generate", String.valueOf(GENERATE), "--runs",
        temp.resolve("runs").toString(), "--models", temp.resolve("models").toString(),
        "--no-tensorboard", "--threads", "1", "--inter-op-threads", "1");
    SequenceLesson.CellResult outcome = run.result().models().get(0);

    // The notebook's lines: "<iteration>\tMSE: <mse>" every 100 iterations, then y_pred.
    List<TrainingCurve.Report> reports = outcome.curve().reports();
    assertEquals(List.of(0, 100, 200, ITERATIONS - 1),
        reports.stream().map(TrainingCurve.Report::iteration).toList());
    List<String> printed = run.printed();
    for (TrainingCurve.Report report : reports.subList(0, 3)) {
      assertTrue(printed.contains(report.iteration() + "\tMSE: " + report.mse()),
          "printed " + report + " in " + printed);
    }
    assertEquals(3, printed.stream().filter(l -> l.matches("\\d+\tMSE: .*")).count());
    int yPredLine = printed.indexOf("y_pred");
    assertTrue(yPredLine > 0);
    assertTrue(printed.get(yPredLine + 1).startsWith("array([[["), printed.get(yPredLine + 1));
    float first = reports.get(0).mse();
    float last = outcome.finalBatchMse();
    assertTrue(first >= 10 * last, kind + ": MSE " + first + " -> " + last + " is not 10x lower");
    assertEquals(last, outcome.curve().finalMse());
    assertTrue(Files.isRegularFile(run.metricsFile()));

    float[] sequence = outcome.generated();
    assertEquals(20 + GENERATE, sequence.length);
    for (int i = 0; i < 20; i++) {
      assertEquals(0f, sequence[i], "seed value " + i);
    }
    for (int i = 20; i < sequence.length; i++) {
      assertTrue(Float.isFinite(sequence[i]), "generated value " + i);
    }

    Path version = temp.resolve("models").resolve(kind.modelName()).resolve("1");
    assertEquals(version.toString(), outcome.savedModel());
    assertTrue(Files.isRegularFile(version.resolve("saved_model.pb")));
    assertTrue(outcome.checkpoint().startsWith(temp.resolve("runs").resolve("checkpoints")
        .toString()), outcome.checkpoint());

    float[] fresh = predictInFreshJvm(version);
    assertEquals(40, fresh.length);
    for (int i = 0; i < 20; i++) {
      assertEquals(outcome.yPred()[i], fresh[i], 1e-5, kind + ": y_pred[" + i + "]");
    }
    // The restored checkpoint's first generated value is the model's output after 20 zeros.
    assertEquals(sequence[20], fresh[39], 1e-5, kind + ": first generated value");
  }

  /** The SavedModel's outputs for the test instance and 20 zeros, from `lessons predict`. */
  private static float[] predictInFreshJvm(Path version) throws IOException, InterruptedException {
    float[] windows = new float[2 * TimeSeries.STEPS];
    System.arraycopy(TimeSeries.testInstance(), 0, windows, 0, TimeSeries.STEPS);
    // Row format: two instances of shape [20, 1].
    var response = dev.tfjava.course.TestSupport.predictInFreshJvm(version.getParent(),
        "{\"instances\": " + windowsJson(windows) + "}");
    float[] values = new float[windows.length];
    int i = 0;
    for (var instance : response.get("predictions")) {
      for (var step : instance) {
        values[i++] = step.get(0).floatValue();
      }
    }
    assertEquals(windows.length, i);
    return values;
  }

  /** [[[x0],[x1],...],[[...]]]: windows of 20 steps with one feature each. */
  private static String windowsJson(float[] windows) {
    StringBuilder json = new StringBuilder("[");
    for (int w = 0; w < windows.length / TimeSeries.STEPS; w++) {
      json.append(w == 0 ? "[" : ",[");
      for (int t = 0; t < TimeSeries.STEPS; t++) {
        json.append(t == 0 ? "[" : ",[").append(windows[w * TimeSeries.STEPS + t]).append(']');
      }
      json.append(']');
    }
    return json.append(']').toString();
  }
}
