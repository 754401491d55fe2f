package dev.tfjava.course.sequence;

import dev.tfjava.course.train.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.types.TFloat32;

/**
 * Predicting with a trained model, and generating a sequence autoregressively as the notebook does:
 * start from {@code steps} zeros, and each time run the last {@code steps} values through the
 * model from the zero state and append its last output ({@code y_pred[0, -1, 0]}).
 */
public final class SequenceGenerator {
  /**
   * A generated sequence: the {@code steps} seed zeros, then the generated values.
   *
   * @param setupMs the first session run, where TensorFlow prepares the graph for these
   *     feeds and fetches (once per session)
   * @param msPerStep the time of every later run, per generated value
   */
  public record Generated(float[] sequence, int seedLength, double setupMs, double msPerStep) {}

  private SequenceGenerator() {}

  /** The model's outputs for one window of {@code steps} values: the next-step predictions. */
  public static float[] predict(Session session, SequenceModel model, float[] window) {
    try (TFloat32 x = Tensors.of(window, 1, window.length, SequenceModel.FEATURES);
        Result result = session.runner().feed(model.x(), x).fetch(model.outputs()).run()) {
      return Tensors.toArray(result.get(0));
    }
  }

  /**
   * The notebook's loop as written: one session run of the whole unrolled window per generated
   * value (20 cell steps at batch 1). Kept as the reference that {@link #generate} must match.
   */
  public static Generated generateByWindows(Session session, SequenceModel model, int count) {
    int steps = model.config().steps();
    float[] sequence = new float[steps + count];
    FloatDataBuffer values = DataBuffers.of(sequence, false, false);
    Clock clock = new Clock();
    try (TFloat32 window = TFloat32.tensorOf(Shape.of(1, steps, SequenceModel.FEATURES))) {
      for (int i = 0; i < count; i++) {
        window.copyFrom(values.slice(i, steps));
        try (Result result = session.runner().feed(model.x(), window)
            .fetch(model.lastOutput()).run()) {
          sequence[steps + i] = ((TFloat32) result.get(0)).getFloat(0, 0); // last_output is [1, 1]
        }
        clock.ranOnce();
      }
    }
    return clock.generated(sequence, steps, count);
  }

  /**
   * The same values as {@link #generateByWindows}, computed as a pipeline: the windows that end at
   * the next {@code steps} values overlap in time, and window i's step k reads value i + k, which
   * is always the newest value. So all {@code steps} windows in flight advance together, one cell
   * step at batch {@code steps} per generated value: row k holds the window at its k-th step, row
   * {@code steps − 1} finishes and yields the next value, and a fresh window enters row 0 with the
   * zero state. Each window still starts from zeros and sees exactly its 20 values, as in the
   * notebook, at a twentieth of the session work.
   */
  public static Generated generate(Session session, SequenceModel model, int count) {
    int steps = model.config().steps();
    int units = model.config().units();
    SequenceModel.SingleStep single = model.singleStep();
    int parts = single.state().size();
    float[] sequence = new float[steps + count];
    float[] input = new float[steps];
    float[][] state = new float[parts][steps * units];
    float[] fresh = new float[steps * units];
    float[] output = new float[steps];
    Clock clock = new Clock();
    List<TFloat32> stateTensors = new ArrayList<>();
    try (TFloat32 x = TFloat32.tensorOf(Shape.of(steps, SequenceModel.FEATURES))) {
      for (int p = 0; p < parts; p++) {
        stateTensors.add(TFloat32.tensorOf(Shape.of(steps, units)));
      }
      // Times −(steps − 1)..−1 fill the pipeline from the seed; from time 0 on, one value each.
      for (int time = 1 - steps; time < count; time++) {
        Arrays.fill(input, sequence[time + steps - 1]);
        x.copyFrom(DataBuffers.of(input, true, false));
        Session.Runner runner = session.runner().feed(single.x(), x);
        for (int p = 0; p < parts; p++) {
          // Row 0 is never written below: it stays zero, the state a new window enters with.
          stateTensors.get(p).copyFrom(DataBuffers.of(state[p], true, false));
          runner.feed(single.state().get(p), stateTensors.get(p)).fetch(single.newState().get(p));
        }
        runner.fetch(single.output());
        try (Result result = runner.run()) {
          for (int p = 0; p < parts; p++) {
            // Row k's new state is row k + 1's state next time; the last row's window is done.
            ((TFloat32) result.get(p)).copyTo(DataBuffers.of(fresh, false, false));
            System.arraycopy(fresh, 0, state[p], units, (steps - 1) * units);
          }
          if (time >= 0) {
            ((TFloat32) result.get(parts)).copyTo(DataBuffers.of(output, false, false));
            sequence[steps + time] = output[steps - 1];
          }
        }
        clock.ranOnce();
      }
    } finally {
      stateTensors.forEach(TFloat32::close);
    }
    return clock.generated(sequence, steps, count);
  }

  /** Times the first session run apart from the rest. */
  private static final class Clock {
    private final long start = System.nanoTime();
    private long firstDone;

    void ranOnce() {
      if (firstDone == 0) {
        firstDone = System.nanoTime();
      }
    }

    Generated generated(float[] sequence, int steps, int count) {
      long end = System.nanoTime();
      long steady = firstDone == 0 ? 0 : end - firstDone;
      return new Generated(sequence, steps, firstDone == 0 ? 0 : (firstDone - start) / 1e6,
          count == 0 ? 0 : steady / 1e6 / count);
    }
  }
}
