package dev.tfjava.course.train;

import java.util.Random;

/**
 * One seed for a whole run, like the notebooks' {@code reset_graph(seed=42)}: it seeds the
 * Java-side random streams (data shuffling, batches, initial weights) and every TensorFlow random
 * op (as the op's {@code seed}, with a per-op counter as {@code seed2}), so that a run is
 * reproducible from {@code --seed} alone.
 */
public final class Seeds {
  private final long seed;
  private long nextOpSeed = 1;

  public Seeds(long seed) {
    this.seed = seed;
  }

  /**
   * A Java random stream for one purpose. Different purposes get independent streams, so adding
   * a random draw in one place does not shift every other stream.
   */
  public Random random(String purpose) {
    return new Random(seed * 0x9E3779B97F4A7C15L + purpose.hashCode());
  }

  /** The graph-level seed given to every TensorFlow random op. */
  public long graphSeed() {
    return seed;
  }

  /** A distinct op-level seed for the next TensorFlow random op built. */
  public synchronized long nextOpSeed() {
    return nextOpSeed++;
  }
}
