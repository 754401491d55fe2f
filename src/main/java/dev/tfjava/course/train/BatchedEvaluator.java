package dev.tfjava.course.train;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.types.TFloat32;

/**
 * Runs a graph over a whole data set in batches of a fixed size, so memory stays bounded however
 * many rows there are: a per-batch mean (accuracy, loss) averaged over every row, or an output
 * (probabilities) gathered for every row. Inputs are fed straight from row-major float arrays.
 */
public final class BatchedEvaluator {
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
    int rows = rows(feeds);
    double sum = 0;
    for (int from = 0; from < rows; from += batchSize) {
      int count = Math.min(batchSize, rows - from);
      try (Result result = run(metric, from, count, feeds)) {
        sum += (double) Tensors.scalar(result.get(0)) * count;
      }
    }
    return sum / rows;
  }

  /** {@code output} ([batch, width]) for every row, row-major. */
  public float[] outputs(Operand<TFloat32> output, int width, Feed... feeds) {
    int rows = rows(feeds);
    float[] all = new float[rows * width];
    for (int from = 0; from < rows; from += batchSize) {
      int count = Math.min(batchSize, rows - from);
      try (Result result = run(output, from, count, feeds)) {
        float[] batch = Tensors.toArray(result.get(0));
        System.arraycopy(batch, 0, all, from * width, batch.length);
      }
    }
    return all;
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
