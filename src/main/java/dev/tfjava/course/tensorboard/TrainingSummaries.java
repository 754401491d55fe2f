package dev.tfjava.course.tensorboard;

import dev.tfjava.course.train.Tensors;
import dev.tfjava.course.train.TrainingListener;
import dev.tfjava.course.train.TrainingLoop;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * What a training lesson shows in TensorBoard: the graph once (its name scopes become the Graphs
 * tab's boxes), the training loss every {@code lossEvery} steps, the numbers the lesson prints
 * (accuracies, MSEs) where it prints them, and histograms of every trainable variable now and then.
 * A disabled instance ({@code --no-tensorboard}) does nothing, so the training loops call it
 * unconditionally.
 */
public final class TrainingSummaries implements TrainingListener, AutoCloseable {
  private static final TrainingSummaries DISABLED = new TrainingSummaries(null, Integer.MAX_VALUE);

  private final EventLog log;
  private final int lossEvery;
  /** Time spent in this class, to report what TensorBoard costs the training loop. */
  private long nanos;
  /**
   * The values of the variable being histogrammed, reused: a fresh array per histogram (1.6 MB for
   * the CNN's fc1 kernel, every epoch) made the JVM touch ever new heap pages for tens of epochs.
   */
  private float[] histogramValues = new float[0];

  private TrainingSummaries(EventLog log, int lossEvery) {
    this.log = log;
    this.lossEvery = lossEvery;
  }

  /** Logs nothing. */
  public static TrainingSummaries disabled() {
    return DISABLED;
  }

  /**
   * Opens an event file in {@code logdir} (none when empty) and writes {@code graph} to it.
   *
   * @param lossEvery write the training loss at steps that are multiples of this
   */
  public static TrainingSummaries open(Optional<Path> logdir, Graph graph, int lossEvery) {
    if (logdir.isEmpty()) {
      return DISABLED;
    }
    if (lossEvery < 1) {
      throw new IllegalArgumentException("lossEvery must be >= 1");
    }
    EventLog log = EventLog.open(logdir.get());
    log.graph(graph.toGraphDef());
    log.flush();
    return new TrainingSummaries(log, lossEvery);
  }

  public boolean enabled() {
    return log != null;
  }

  /** The event file, when enabled. */
  public Optional<Path> file() {
    return log == null ? Optional.empty() : Optional.of(log.file());
  }

  /** Seconds spent writing summaries so far (histogram fetches included). */
  public double seconds() {
    return nanos / 1e9;
  }

  /** The training loss of {@code step}, written only every {@code lossEvery} steps. */
  public void loss(long step, double loss) {
    if (log != null && step % lossEvery == 0) {
      long start = System.nanoTime();
      log.scalar("loss", step, loss);
      nanos += System.nanoTime() - start;
    }
  }

  /** The training loop's view: each step's loss, every {@code lossEvery} steps. */
  @Override
  public void stepDone(TrainingLoop.Step step) {
    loss(step.step(), step.loss());
  }

  /**
   * A listener that writes histograms of {@code variables} every {@code every} steps of a pass and
   * after its last step.
   */
  public TrainingListener histogramsEvery(int every, Session session,
      List<Variable<TFloat32>> variables) {
    return new TrainingListener() {
      private int lastStep;

      @Override
      public void passStarted(TrainingLoop.Pass pass) {
        lastStep = pass.steps() - 1;
      }

      @Override
      public void stepDone(TrainingLoop.Step step) {
        if (step.stepInPass() % every == 0 || step.stepInPass() == lastStep) {
          histograms(session, step.step(), variables);
        }
      }
    };
  }

  /** A number the lesson reports, e.g. {@code accuracy/test} after an epoch. */
  public void scalar(String tag, long step, double value) {
    if (log != null) {
      long start = System.nanoTime();
      log.scalar(tag, step, value);
      log.flush();
      nanos += System.nanoTime() - start;
    }
  }

  /** Fetches every variable's current values and writes one histogram each, tagged by name. */
  public void histograms(Session session, long step, List<Variable<TFloat32>> variables) {
    if (log == null) {
      return;
    }
    long start = System.nanoTime();
    Session.Runner runner = session.runner();
    variables.forEach(runner::fetch);
    try (Result values = runner.run()) {
      for (int i = 0; i < variables.size(); i++) {
        long size = values.get(i).shape().size();
        if (histogramValues.length < size) {
          histogramValues = new float[Math.toIntExact(size)];
        }
        int count = Tensors.copyInto(values.get(i), histogramValues);
        log.histogram(variables.get(i).op().name(), step, histogramValues, count);
      }
    }
    log.flush();
    nanos += System.nanoTime() - start;
  }

  @Override
  public void close() {
    if (log != null) {
      log.close();
    }
  }
}
