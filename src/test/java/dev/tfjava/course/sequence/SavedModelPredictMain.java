package dev.tfjava.course.sequence;

import dev.tfjava.course.data.TimeSeries;
import dev.tfjava.course.export.SavedModels;
import dev.tfjava.course.train.Tensors;
import java.nio.file.Path;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.types.TFloat32;

/**
 * Run in a fresh JVM by the tests: loads a SavedModel version folder and prints, one per line, the
 * {@code outputs} of its {@code serving_default} signature for two windows, the notebook's test
 * instance and 20 zeros.
 */
public final class SavedModelPredictMain {
  private SavedModelPredictMain() {}

  public static void main(String[] args) {
    float[] windows = new float[2 * TimeSeries.STEPS];
    System.arraycopy(TimeSeries.testInstance(), 0, windows, 0, TimeSeries.STEPS);
    try (SavedModelBundle bundle = SavedModels.load(Path.of(args[0]));
        TFloat32 x = Tensors.of(windows, 2, TimeSeries.STEPS, 1);
        Result result = bundle.function("serving_default").call(Map.of("X", x))) {
      for (float v : Tensors.toArray(result.get("outputs").orElseThrow())) {
        System.out.println(v);
      }
    }
  }
}
