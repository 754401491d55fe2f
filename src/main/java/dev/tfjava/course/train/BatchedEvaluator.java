package dev.tfjava.course.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.IntConsumer;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.types.TFloat32;

/**
 * Runs a graph over a whole data set in batches of a fixed size, so memory stays bounded however
 * many rows there are: a per-batch mean (accuracy, loss) averaged over every row, or an output
 * (probabilities) gathered for every row. Inputs are fed straight from row-major float arrays.
 *
 * <p>Two batches are in flight at a time (TensorFlow sessions take concurrent runs), so that one
 * batch's serial parts — feeding, the small kernels between the convolution and the matmuls —
 * overlap the other's parallel kernels: 7–10 % faster on 2 cores (BENCHMARKS.md, "Levers"). Results
 * do not depend on it: each batch's value lands in its own slot and they are summed in order.
 */
public final class BatchedEvaluator {
  private static final int IN_FLIGHT = 2;

  private final Session session;
  private final int batchSize;

  public BatchedEvaluator(Session session, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    }
    this.session = session;
    this.batchSize = batchSize;
  }

  /** One input of the graph and the row-major values fed to it, {@code width} values per row. */
  public record Feed(Operand<TFloat32> placeholder, float[] values, int width) {
    int rows() {
      return values.length / width;
    }
  }

  /**
   * The mean of {@code metric} (a per-batch mean, e.g. accuracy) over all rows: each batch's value
   * weighted by its number of rows, so a short last batch counts for what it holds.
   */
  public double mean(Operand<TFloat32> metric, Feed... feeds) {
    Batches batches = new Batches(rows(feeds));
    double[] weighted = new double[batches.count()];
    forEachBatch(weighted.length, b -> {
      try (Result result = run(metric, batches.from(b), batches.size(b), feeds)) {
        weighted[b] = (double) Tensors.scalar(result.get(0)) * batches.size(b);
      }
    });
    double sum = 0;
    for (double value : weighted) {
      sum += value;
    }
    return sum / batches.rows();
  }

  /** {@code output} ([batch, width]) for every row, row-major. */
  public float[] outputs(Operand<TFloat32> output, int width, Feed... feeds) {
    Batches batches = new Batches(rows(feeds));
    float[] all = new float[batches.rows() * width];
    forEachBatch(batches.count(), b -> {
      try (Result result = run(output, batches.from(b), batches.size(b), feeds)) {
        float[] batch = Tensors.toArray(result.get(0));
        System.arraycopy(batch, 0, all, batches.from(b) * width, batch.length);
      }
    });
    return all;
  }

  /**
   * The rows cut into batches of at most the batch size, as equal as possible and an even number
   * of them (when there are two rows or more): the batches in flight side by side have the same
   * shape, or shapes one row apart. TensorFlow's oneDNN kernels build and cache their primitives
   * per shape and per thread, so with a short last batch, each thread would build that shape's
   * primitives whenever it first happened to run it, epochs later; now both build them in the
   * first evaluation, and memory stays flat (scripts/bench-soak).
   */
  private final class Batches {
    private final int rows;
    private final int count;

    Batches(int rows) {
      this.rows = rows;
      int needed = (rows + batchSize - 1) / batchSize; // no rows, no batches
      this.count = rows < IN_FLIGHT ? needed : (needed + IN_FLIGHT - 1) / IN_FLIGHT * IN_FLIGHT;
    }

    int rows() {
      return rows;
    }

    int count() {
      return count;
    }

    /** The first row of batch {@code b}: the first {@code rows % count} batches hold one more. */
    int from(int b) {
      return b * (rows / count) + Math.min(b, rows % count);
    }

    int size(int b) {
      return rows / count + (b < rows % count ? 1 : 0);
    }
  }

  /** Runs {@code body} for batches 0 .. n−1, {@link #IN_FLIGHT} at a time; rethrows a failure. */
  private static void forEachBatch(int n, IntConsumer body) {
    List<Thread> helpers = new ArrayList<>();
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    for (int lane = 1; lane < Math.min(IN_FLIGHT, n); lane++) {
      int first = lane;
      Thread helper = new Thread(() -> runLane(first, n, body, failures), "batched-evaluator");
      helper.setDaemon(true);
      helper.start();
      helpers.add(helper);
    }
    runLane(0, n, body, failures);
    for (Thread helper : helpers) {
      try {
        helper.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while evaluating", e);
      }
    }
    if (!failures.isEmpty()) {
      Throwable first = failures.get(0);
      if (first instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (first instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(first);
    }
  }

  private static void runLane(int first, int n, IntConsumer body, List<Throwable> failures) {
    try {
      for (int b = first; b < n && failures.isEmpty(); b += IN_FLIGHT) {
        body.accept(b);
      }
    } catch (RuntimeException | Error e) {
      failures.add(e);
    }
  }

  private Result run(Operand<TFloat32> fetch, int from, int count, Feed... feeds) {
    List<TFloat32> tensors = new ArrayList<>(feeds.length);
    try {
      Session.Runner runner = session.runner();
      for (Feed feed : feeds) {
        TFloat32 tensor = Tensors.slice(feed.values(), (long) from * feed.width(), count, feed.width());
        tensors.add(tensor);
        runner.feed(feed.placeholder(), tensor);
      }
      return runner.fetch(fetch).run();
    } finally {
      tensors.forEach(TFloat32::close);
    }
  }

  private static int rows(Feed... feeds) {
    int rows = feeds[0].rows();
    for (Feed feed : feeds) {
      if (feed.rows() != rows || feed.values().length % feed.width() != 0) {
        throw new IllegalArgumentException("feeds hold different numbers of rows");
      }
    }
    return rows;
  }
}
