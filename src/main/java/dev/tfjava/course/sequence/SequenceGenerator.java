package dev.tfjava.course.sequence;

import dev.tfjava.course.train.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import dev.tfjava.course.nn.cells.RecurrentCell;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

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

  /** Values generated per session run once the pipeline is full (see {@link #generate}). */
  public static final int VALUES_PER_RUN = 30;

  /**
   * The same values as {@link #generateByWindows}, computed as a pipeline: the windows that end at
   * the next {@code steps} values overlap in time, and window i's step k reads value i + k, which
   * is always the newest value. So all {@code steps} windows in flight advance together, one cell
   * step at batch {@code steps} per generated value: row k holds the window at its k-th step, row
   * {@code steps − 1} finishes and yields the next value, and a fresh window enters row 0 with the
   * zero state. Each window still starts from zeros and sees exactly its 20 values, as in the
   * notebook, at a twentieth of the session work.
   *
   * <p>The first {@code steps − 1} pipeline steps (from the seed zeros) run one per session run;
   * after that each value is the next step's input, so {@link #VALUES_PER_RUN} steps are chained
   * inside one run (a subgraph added to the session's graph), which spreads the fixed cost of a
   * session run over that many values. The session's first run of the chain, where TensorFlow
   * prepares it, is made on zeros before the clock's steady part starts and counts as set-up.
   */
  public static Generated generate(Session session, SequenceModel model, int count) {
    int steps = model.config().steps();
    int units = model.config().units();
    SequenceModel.SingleStep single = model.singleStep();
    Chain chain = Chain.build(session, model, VALUES_PER_RUN);
    int parts = single.state().size();
    float[] sequence = new float[steps + count];
    float[] input = new float[steps];
    float[][] state = new float[parts][steps * units];
    float[] fresh = new float[steps * units];
    Clock clock = new Clock();
    List<TFloat32> stateTensors = new ArrayList<>();
    try (TFloat32 x = TFloat32.tensorOf(Shape.of(steps, SequenceModel.FEATURES));
        TFloat32 value = TFloat32.tensorOf(Shape.of(1, 1))) {
      for (int p = 0; p < parts; p++) {
        stateTensors.add(TFloat32.tensorOf(Shape.of(steps, units)));
      }
      // Set-up: TensorFlow prepares the chain for its feeds and fetches on its first run.
      chain.run(session, value, stateTensors).close();
      // Times −(steps − 1)..−1 fill the pipeline from the seed, one step per run.
      for (int time = 1 - steps; time < 0; time++) {
        Arrays.fill(input, sequence[time + steps - 1]);
        x.copyFrom(DataBuffers.of(input, true, false));
        Session.Runner runner = session.runner().feed(single.x(), x);
        for (int p = 0; p < parts; p++) {
          // Row 0 is never written below: it stays zero, the state a new window enters with.
          stateTensors.get(p).copyFrom(DataBuffers.of(state[p], true, false));
          runner.feed(single.state().get(p), stateTensors.get(p)).fetch(single.newState().get(p));
        }
        try (Result result = runner.run()) {
          for (int p = 0; p < parts; p++) {
            // Row k's new state is row k + 1's state next time; the last row's window is done.
            ((TFloat32) result.get(p)).copyTo(DataBuffers.of(fresh, false, false));
            System.arraycopy(fresh, 0, state[p], units, (steps - 1) * units);
          }
        }
        clock.ranOnce();
      }
      // From time 0 on: VALUES_PER_RUN values per run, each run starting where the last ended.
      for (int p = 0; p < parts; p++) {
        stateTensors.get(p).copyFrom(DataBuffers.of(state[p], true, false));
      }
      value.setFloat(sequence[steps - 1], 0, 0);
      Result previous = null;
      try {
        for (int done = 0; done < count; done += VALUES_PER_RUN) {
          List<TFloat32> feedState = stateTensors;
          TFloat32 feedValue = value;
          if (previous != null) {
            feedState = new ArrayList<>();
            for (int p = 0; p < parts; p++) {
              feedState.add((TFloat32) previous.get(1 + p));
            }
            TFloat32 last = (TFloat32) previous.get(0);
            value.setFloat(last.getFloat(VALUES_PER_RUN - 1, 0), 0, 0);
          }
          Result result = chain.run(session, feedValue, feedState);
          if (previous != null) {
            previous.close();
          }
          previous = result;
          TFloat32 values = (TFloat32) result.get(0);
          for (int i = 0; i < VALUES_PER_RUN && done + i < count; i++) {
            sequence[steps + done + i] = values.getFloat(i, 0);
          }
          clock.ranOnce();
        }
      } finally {
        if (previous != null) {
          previous.close();
        }
      }
    } finally {
      stateTensors.forEach(TFloat32::close);
    }
    return clock.generated(sequence, steps, count);
  }

  /**
   * {@code ticks} pipeline steps chained in the graph: from the newest value [1, 1] and the rows'
   * state parts [steps, units], each step feeds the value to every row, runs the cell, takes the
   * last row's output through the dense layer as the next value, and shifts the rows' states down
   * one row with a zero state entering row 0. Fetches: the values [ticks, 1], then the state parts.
   */
  private record Chain(Placeholder<TFloat32> value, List<Placeholder<TFloat32>> state,
      Operand<TFloat32> values, List<Operand<TFloat32>> newState) {

    static Chain build(Session session, SequenceModel model, int ticks) {
      int steps = model.config().steps();
      int units = model.config().units();
      RecurrentCell cell = model.cell();
      List<Variable<TFloat32>> variables = model.variables();
      // The dense layer's kernel and bias are the model's last two variables.
      Variable<TFloat32> kernel = variables.get(variables.size() - 2);
      Variable<TFloat32> bias = variables.get(variables.size() - 1);
      Ops tf = Ops.create(session.graph()).withSubScope("GeneratorChain");
      Placeholder<TFloat32> value = tf.withName("value").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(1, SequenceModel.FEATURES)));
      List<Placeholder<TFloat32>> state = new ArrayList<>();
      for (int p = 0; p < cell.stateParts(); p++) {
        state.add(tf.withName("state" + p).placeholder(TFloat32.class,
            Placeholder.shape(Shape.of(steps, units))));
      }
      Operand<TFloat32> zeroRow = tf.zeros(tf.constant(new long[] {1, units}), TFloat32.class);
      Operand<TInt64> rows = tf.constant(new long[] {steps, 1});
      Operand<TInt64> lastRow = tf.constant(new long[] {steps - 1, 0});
      Operand<TInt64> oneRow = tf.constant(new long[] {1, units});
      Operand<TInt64> origin = tf.constant(new long[] {0, 0});
      Operand<TInt64> keptRows = tf.constant(new long[] {steps - 1, units});
      Operand<TInt32> axis0 = tf.constant(0);
      Operand<TFloat32> v = value;
      List<Operand<TFloat32>> current = new ArrayList<>(state);
      List<Operand<TFloat32>> values = new ArrayList<>();
      for (int t = 0; t < ticks; t++) {
        Ops tick = tf.withSubScope("tick" + t);
        RecurrentCell.Step step = cell.step(tick, tick.tile(v, rows), current);
        v = tick.math.add(tick.linalg.matMul(tick.slice(step.output(), lastRow, oneRow), kernel),
            bias);
        values.add(v);
        current = new ArrayList<>();
        for (Operand<TFloat32> part : step.state()) {
          current.add(tick.concat(List.of(zeroRow, tick.slice(part, origin, keptRows)), axis0));
        }
      }
      return new Chain(value, state, tf.concat(values, axis0), current);
    }

    Result run(Session session, TFloat32 newest, List<TFloat32> rowsState) {
      Session.Runner runner = session.runner().feed(value, newest).fetch(values);
      for (int p = 0; p < state.size(); p++) {
        runner.feed(state.get(p), rowsState.get(p)).fetch(newState.get(p));
      }
      return runner.run();
    }
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
