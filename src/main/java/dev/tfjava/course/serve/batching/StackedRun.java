package dev.tfjava.course.serve.batching;

import dev.tfjava.course.serve.config.BatchingParameters;
import dev.tfjava.course.serve.core.LoadedModel;
import dev.tfjava.course.serve.core.MetricsRecorder;
import dev.tfjava.course.serve.core.ModelSpec;
import dev.tfjava.course.serve.core.PredictRequest;
import dev.tfjava.course.serve.core.PredictResponse;
import dev.tfjava.course.serve.core.Predictor;
import dev.tfjava.course.serve.core.TensorValues;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * One batch's run: the tasks' inputs concatenated along the batch dimension (in task order),
 * padded with zero rows up to the next allowed batch size, one prediction, and each output split
 * back into the tasks' rows. If the stacked run fails, or an output is not one row per instance,
 * every task runs again on its own and gets its own answer or error.
 */
final class StackedRun {
  private final Predictor predictor;
  private final BatchingParameters parameters;
  private final MetricsRecorder metrics;

  StackedRun(Predictor predictor, BatchingParameters parameters, MetricsRecorder metrics) {
    this.predictor = predictor;
    this.parameters = parameters;
    this.metrics = metrics;
  }

  void run(LoadedModel model, BatchKey key, List<BatchTask> tasks) {
    int rows = tasks.stream().mapToInt(t -> t.rows).sum();
    int padded = parameters.paddedSize(rows);
    Map<String, TensorValues> outputs;
    try {
      Map<String, TensorValues> stacked = stack(tasks, padded - rows);
      PredictResponse joint = predictor.predict(model, new PredictRequest(
          ModelSpec.of(model.name(), OptionalLong.of(model.version())), key.signature(),
          signature -> stacked, List.copyOf(key.outputs()), true));
      outputs = joint.outputs();
      if (outputs.values().stream().anyMatch(v -> v.firstDim() != padded)) {
        runEachAlone(model, tasks);
        return;
      }
    } catch (RuntimeException | OutOfMemoryError e) {
      runEachAlone(model, tasks);
      return;
    }
    metrics.batchRan(model.name(), tasks.size(), rows, padded);
    int from = 0;
    for (BatchTask task : tasks) {
      Map<String, TensorValues> mine = new LinkedHashMap<>();
      int at = from;
      outputs.forEach((alias, value) -> mine.put(alias, value.rowSlice(at, task.rows)));
      from += task.rows;
      task.answer.complete(new PredictResponse(model.name(), model.version(), key.signature(),
          mine));
    }
  }

  /** Each input's values of every task, in order, then {@code padding} zero rows. */
  private static Map<String, TensorValues> stack(List<BatchTask> tasks, int padding) {
    Map<String, TensorValues> stacked = new LinkedHashMap<>();
    for (String alias : tasks.get(0).inputs.keySet()) {
      List<TensorValues> parts = new ArrayList<>();
      tasks.forEach(t -> parts.add(t.inputs.get(alias)));
      if (padding > 0) {
        TensorValues first = parts.get(0);
        long[] shape = first.shape();
        shape[0] = padding;
        parts.add(TensorValues.zeros(first.dtype(), shape));
      }
      stacked.put(alias, TensorValues.concat(parts));
    }
    return stacked;
  }

  /** The fallback: every task as if batching were off (its own run, answer and error). */
  private void runEachAlone(LoadedModel model, List<BatchTask> tasks) {
    for (BatchTask task : tasks) {
      try {
        task.answer.complete(predictor.predict(model, task.request));
      } catch (RuntimeException | OutOfMemoryError e) {
        task.answer.completeExceptionally(e);
      }
    }
  }
}
