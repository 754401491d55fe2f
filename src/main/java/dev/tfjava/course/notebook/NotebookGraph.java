package dev.tfjava.course.notebook;

import dev.tfjava.course.nn.ModelVariables;
import dev.tfjava.course.train.Device;
import dev.tfjava.course.train.Seeds;
import dev.tfjava.course.train.SessionFactory;
import dev.tfjava.course.train.Tensors;
import dev.tfjava.course.train.ThreadSettings;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * One notebook graph, what TF1 calls the default graph after {@code reset_graph(seed)}: the
 * graph, its op builder, the seeds, and the sessions opened on it. {@link Notebook#resetGraph}
 * closes the previous one, so a learner can edit a constant and run the cells again, all day,
 * without the process growing.
 */
public final class NotebookGraph implements AutoCloseable {
  private final Graph graph = new Graph();
  private final SessionFactory sessions;
  private final Ops tf;
  private final Seeds seeds;
  private final List<Session> opened = new ArrayList<>();
  private Session session;
  private boolean closed;

  NotebookGraph(long seed, ThreadSettings threads) {
    this.sessions = new SessionFactory(Device.CPU, threads, false);
    this.tf = sessions.ops(graph);
    this.seeds = new Seeds(seed);
  }

  /** The graph being built. */
  public Graph graph() {
    return graph;
  }

  /** The root op builder, as {@code tf} in the notebook; scopes come from {@code withSubScope}. */
  public Ops tf() {
    return tf;
  }

  /** The run's seeds: TensorFlow's random ops and every Java-side random stream. */
  public Seeds seeds() {
    return seeds;
  }

  /** Opens sessions on the CPU with the chapter's thread settings (lessons' helpers take it). */
  public SessionFactory sessions() {
    return sessions;
  }

  /** The factory of the model's trainable variables, initial values in {@code initScope}. */
  public ModelVariables variables(String initScope) {
    return new ModelVariables(tf, seeds, initScope);
  }

  /**
   * The notebook's {@code with tf.Session() as sess}: one session on the finished graph, opened on
   * first use and kept for the following cells, closed by the next {@link Notebook#resetGraph}.
   */
  public Session session() {
    requireOpen();
    if (session == null) {
      session = newSession();
    }
    return session;
  }

  /**
   * A second session on the same graph, as the notebook's {@code saver.restore} cells open; it is
   * closed with the graph, or earlier by the caller.
   */
  public Session newSession() {
    requireOpen();
    Session fresh = sessions.open(graph);
    opened.add(fresh);
    return fresh;
  }

  /**
   * {@code sess.run(fetch, feed_dict={input: values})} for one float input of {@code shape}: the
   * fetched values, row-major; the tensors are closed here.
   */
  public float[] eval(Session on, Operand<TFloat32> fetch, Operand<TFloat32> input,
      float[] values, long... shape) {
    try (TFloat32 fed = Tensors.of(values, shape);
        Result result = on.runner().feed(input, fed).fetch(fetch).run()) {
      return Tensors.toArray(result.get(0));
    }
  }

  /** {@link #eval(Session, Operand, Operand, float[], long...)} in {@link #session()}. */
  public float[] eval(Operand<TFloat32> fetch, Operand<TFloat32> input, float[] values,
      long... shape) {
    return eval(session(), fetch, input, values, shape);
  }

  /** Whether {@link #close()} has run. */
  public boolean isClosed() {
    return closed;
  }

  /** Closes every session opened on the graph, then the graph. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    opened.forEach(Session::close);
    opened.clear();
    session = null;
    graph.close();
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("this graph was closed by a later reset_graph(): run the"
          + " construction cell again");
    }
  }
}
