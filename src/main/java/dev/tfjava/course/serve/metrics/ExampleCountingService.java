package dev.tfjava.course.serve.metrics;

import dev.tfjava.course.serve.core.Deadline;
import dev.tfjava.course.serve.core.MetricsRecorder;
import dev.tfjava.course.serve.core.PredictRequest;
import dev.tfjava.course.serve.core.PredictResponse;
import dev.tfjava.course.serve.core.PredictService;
import dev.tfjava.course.serve.core.TensorValues;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Reports how many instances each predict call carries (TF Serving's
 * {@code request_example_counts}), from every door: the count is taken where the inputs are
 * decoded, as the first dimension of the first input (a scalar input counts as one).
 */
public final class ExampleCountingService implements PredictService {
  private final PredictService next;
  private final MetricsRecorder metrics;

  public ExampleCountingService(PredictService next, MetricsRecorder metrics) {
    this.next = next;
    this.metrics = metrics;
  }

  @Override
  public PredictResponse predict(PredictRequest request) {
    return next.predict(counted(request));
  }

  @Override
  public PredictResponse predict(PredictRequest request, Deadline deadline) {
    return next.predict(counted(request), deadline);
  }

  @Override
  public CompletableFuture<PredictResponse> submit(PredictRequest request) {
    return next.submit(counted(request));
  }

  @Override
  public boolean submitQueues() {
    return next.submitQueues();
  }

  /** The same request, its instances reported when its inputs are decoded. */
  private PredictRequest counted(PredictRequest request) {
    PredictRequest.Inputs inputs = request.inputs();
    return new PredictRequest(request.model(), request.signatureName(), signature -> {
      Map<String, TensorValues> values = inputs.decode(signature);
      values.values().stream().findFirst().ifPresent(
          v -> metrics.examples(request.model().name(), Math.max(1, v.firstDim())));
      return values;
    }, request.outputFilter(), request.instances());
  }
}
