package dev.tfjava.course.serve.warmup;

import dev.tfjava.course.serve.core.LoadedModel;
import dev.tfjava.course.serve.core.Predictor;
import dev.tfjava.course.serve.core.ServingException;
import dev.tfjava.course.serve.core.VersionWarmup;
import dev.tfjava.course.serve.grpc.ProtoRequests;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import tensorflow.serving.Predict;

/**
 * TF Serving's model warm-up ({@code --enable_model_warmup}): before a version is served, its
 * warm-up records run through the predictor the doors use ({@link Predictor#predict(LoadedModel,
 * dev.tfjava.course.serve.core.PredictRequest)}), {@code iterations} times each, so that
 * TensorFlow's first runs at the real shapes, and the JVM's decoding and copying code, are paid
 * before the first caller arrives; then, when given a {@link DoorWarmup}, once more through the
 * real doors. A version without the file is run once on zeros, as before.
 */
public final class WarmupReplay implements VersionWarmup {
  private final Predictor predictor;
  private final int iterations;
  private final long maxElements;
  private final Consumer<String> log;
  private final Optional<DoorWarmup> doors;

  /**
   * @param iterations how often each record runs (TF Serving's
   *     {@code --num_request_iterations_for_warmup})
   * @param maxElements the most elements one tensor may claim (the gRPC door's limit)
   * @param doors the records once more through the doors after the core; empty: not
   */
  public WarmupReplay(Predictor predictor, int iterations, long maxElements,
      Consumer<String> log, Optional<DoorWarmup> doors) {
    this.doors = doors;
    this.predictor = predictor;
    this.iterations = iterations;
    this.maxElements = maxElements;
    this.log = log;
  }

  @Override
  public void warm(LoadedModel model, Path versionDir) {
    List<Predict.PredictRequest> requests = WarmupRequests.read(versionDir);
    if (requests.isEmpty()) {
      VersionWarmup.ZEROS.warm(model, versionDir);
      return;
    }
    long started = System.nanoTime();
    for (int round = 0; round < iterations; round++) {
      for (int i = 0; i < requests.size(); i++) {
        try {
          predictor.predict(model, ProtoRequests.toCore(requests.get(i), maxElements));
        } catch (ServingException e) {
          throw new IllegalArgumentException("warm-up file " + WarmupRequests.file(versionDir)
              + ": record " + (i + 1) + " failed: " + e.getMessage(), e);
        }
      }
    }
    log.accept("warmed " + model.name() + " version " + model.version() + " with "
        + requests.size() + " warm-up requests x " + iterations + " in "
        + (System.nanoTime() - started) / 1_000_000 + " ms");
    doors.ifPresent(door -> door.replay(model, requests));
  }
}
