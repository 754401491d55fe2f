package dev.tfjava.course.sequence;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;

/**
 * How a sequence model trained: the notebook's printed MSEs and every iteration's batch loss.
 *
 * @param reports the notebook's lines, every 100 iterations (and the last iteration, unprinted)
 * @param batchLoss every iteration's batch MSE before its update (the training curve)
 */
public record TrainingCurve(List<Report> reports, @JsonIgnore float[] batchLoss) {
  /** One printed line: the batch MSE after iteration {@code iteration}'s update. */
  public record Report(int iteration, float mse) {}

  /** The last reported MSE. */
  public float finalMse() {
    return reports.get(reports.size() - 1).mse();
  }
}
