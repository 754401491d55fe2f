package dev.tfjava.course.sequence;

import dev.tfjava.course.data.TimeSeries;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfjava.course.export.Checkpoints;
import dev.tfjava.course.nn.cells.CellKind;
import dev.tfjava.course.train.Device;
import dev.tfjava.course.train.SessionFactory;
import dev.tfjava.course.train.ThreadSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The whole path for each cell on a short run: training lowers the MSE tenfold in 300 iterations;
 * the sequence generated from the restored checkpoint starts with the 20 zeros; and the exported
 * SavedModel, loaded in a separate JVM, reproduces the training session's predictions and the
 * restored model's first generated value.
 */
class SequenceExperimentTest {
  static final int ITERATIONS = 300;
  static final int GENERATE = 30;

  @TempDir
  Path temp;

  @ParameterizedTest
  @EnumSource(CellKind.class)
  void trainsGeneratesAndExportsAModelAFreshJvmReproduces(CellKind kind) throws Exception {
    SessionFactory sessions = new SessionFactory(Device.CPU, new ThreadSettings(1, 1), false);
    SequenceExperiment.Outcome outcome = SequenceExperiment.run(
        SequenceModel.Config.notebook(kind, 0.001f),
        new SequenceExperiment.Settings(ITERATIONS, 50, 0.001f, GENERATE, false), sessions, 42,
        new SequenceExperiment.Destinations(temp.resolve("checkpoints").resolve(kind.modelName()),
            temp.resolve("models")), null);

    List<SequenceTrainer.Report> reports = outcome.log().reports();
    assertEquals(List.of(0, 100, 200, ITERATIONS - 1),
        reports.stream().map(SequenceTrainer.Report::iteration).toList());
    float first = reports.get(0).mse();
    float last = outcome.log().finalMse();
    assertTrue(first >= 10 * last, kind + ": MSE " + first + " -> " + last + " is not 10x lower");

    float[] sequence = outcome.generated().sequence();
    assertEquals(20 + GENERATE, sequence.length);
    for (int i = 0; i < 20; i++) {
      assertEquals(0f, sequence[i], "seed value " + i);
    }
    for (int i = 20; i < sequence.length; i++) {
      assertTrue(Float.isFinite(sequence[i]), "generated value " + i);
    }
    assertTrue(outcome.generated().msPerStep() > 0);

    Path version = temp.resolve("models").resolve(kind.modelName()).resolve("1");
    assertEquals(version, outcome.savedModel());
    assertTrue(Files.isRegularFile(version.resolve("saved_model.pb")));
    // tf.train.Saver's layout: <prefix>-<n>.index beside the 'checkpoint' state file naming it.
    assertEquals(temp.resolve("checkpoints").resolve(kind.modelName())
        .resolve(kind.checkpointPrefix() + "-1"), outcome.checkpoint());
    assertTrue(Files.isRegularFile(Path.of(outcome.checkpoint() + ".index")));
    assertEquals(outcome.checkpoint(), Checkpoints.resolve(outcome.checkpoint().getParent()));

    float[] fresh = predictInFreshJvm(version);
    assertEquals(40, fresh.length);
    for (int i = 0; i < 20; i++) {
      assertEquals(outcome.prediction()[i], fresh[i], 1e-5, kind + ": y_pred[" + i + "]");
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
