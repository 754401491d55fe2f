package dev.tfjava.course.lessons;

import dev.tfjava.course.data.ImageSet;
import dev.tfjava.course.data.TimeSeries;
import dev.tfjava.course.serve.core.TensorValues;
import dev.tfjava.course.serve.warmup.WarmupRequests;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import tensorflow.serving.Predict;

/**
 * The warm-up file every lesson writes into its SavedModel
 * ({@code assets.extra/tf_serving_warmup_requests}): a few real requests, one instance and a
 * small batch, so that TF Serving, and {@code lessons serve}, run them before the first caller.
 */
final class WarmupFiles {
  /** The small batch: a size real callers send, so its kernels are set up too. */
  static final int BATCH = 8;

  private WarmupFiles() {}

  /** The CNN's: the first test image, then the first {@value #BATCH}. */
  static Consumer<Path> cnn(String model, ImageSet test) {
    int pixels = test.pixelsPerImage();
    int batch = Math.min(BATCH, test.count());
    return versionDir -> WarmupRequests.write(versionDir, List.of(
        request(model, new long[] {1, pixels}, Arrays.copyOf(test.pixels(), pixels)),
        request(model, new long[] {batch, pixels},
            Arrays.copyOf(test.pixels(), batch * pixels))));
  }

  /** A sequence cell's: the notebook's test window, then {@value #BATCH} windows of the series. */
  static Consumer<Path> sequence(String model) {
    float[] windows = new float[BATCH * TimeSeries.STEPS];
    for (int w = 0; w < BATCH; w++) {
      for (int s = 0; s < TimeSeries.STEPS; s++) {
        windows[w * TimeSeries.STEPS + s] = (float) TimeSeries.value(
            TimeSeries.INSTANCE_START + TimeSeries.RESOLUTION * (w + s));
      }
    }
    return versionDir -> WarmupRequests.write(versionDir, List.of(
        request(model, new long[] {1, TimeSeries.STEPS, 1}, TimeSeries.testInstance()),
        request(model, new long[] {BATCH, TimeSeries.STEPS, 1}, windows)));
  }

  private static Predict.PredictRequest request(String model, long[] shape, float[] values) {
    return WarmupRequests.predict(model, Map.of("X", TensorValues.ofFloats(shape, values)));
  }
}
