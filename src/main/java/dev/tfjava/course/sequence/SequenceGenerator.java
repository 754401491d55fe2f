package dev.tfjava.course.sequence;

import dev.tfjava.course.train.Tensors;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.types.TFloat32;

/** Predicting with a trained model, and generating a sequence autoregressively as the notebook does. */
public final class SequenceGenerator {
  /** A generated sequence: the {@code steps} seed zeros, then the generated values. */
  public record Generated(float[] sequence, int seedLength, double msPerStep) {}

  private SequenceGenerator() {}

  /** The model's outputs for one window of {@code steps} values: the next-step predictions. */
  public static float[] predict(Session session, SequenceModel model, float[] window) {
    try (TFloat32 x = Tensors.of(window, 1, window.length, SequenceModel.FEATURES);
        Result result = session.runner().feed(model.x(), x).fetch(model.outputs()).run()) {
      return Tensors.toArray(result.get(0));
    }
  }

  /**
   * Starts from {@code steps} zeros and {@code count} times feeds the last {@code steps} values and
   * appends the model's prediction after the last of them ({@code y_pred[0, -1, 0]}). Each step
   * reruns the window from the zero state, exactly as the notebook does; only the last output is
   * fetched, and the window is copied into one input tensor made once.
   */
  public static Generated generate(Session session, SequenceModel model, int count) {
    int steps = model.config().steps();
    float[] sequence = new float[steps + count];
    FloatDataBuffer values = DataBuffers.of(sequence, false, false);
    long start = System.nanoTime();
    try (TFloat32 window = TFloat32.tensorOf(Shape.of(1, steps, SequenceModel.FEATURES))) {
      for (int i = 0; i < count; i++) {
        window.copyFrom(values.slice(i, steps));
        try (Result result = session.runner().feed(model.x(), window)
            .fetch(model.lastOutput()).run()) {
          // last_output is [1, 1]
          sequence[steps + i] = ((TFloat32) result.get(0)).getFloat(0, 0);
        }
      }
    }
    double ms = (System.nanoTime() - start) / 1e6;
    return new Generated(sequence, steps, count == 0 ? 0 : ms / count);
  }
}
