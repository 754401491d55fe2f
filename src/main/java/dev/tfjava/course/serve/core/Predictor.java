package dev.tfjava.course.serve.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.Result;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TFInvalidArgumentException;

/**
 * Runs predict calls: lease the model, find the signature, decode the inputs against it, run the
 * session, copy the outputs out. A batch of instances whose inputs all have a free batch
 * dimension runs in slices of {@link #ROWS_PER_RUN}, so that TensorFlow's working memory for a
 * request is bounded whatever its size (a 16 MB MNIST body is ~3,900 images: 1.2 GB of
 * activations in one run, 40 MB in slices). Every tensor made for a request is closed as soon as
 * its slice has run, whatever happens.
 */
public final class Predictor implements PredictService {
  /** Instances per session run; more than any benchmark request, and its activations stay small. */
  static final int ROWS_PER_RUN = 128;

  private final ModelSource models;
  private final MetricsRecorder metrics;

  public Predictor(ModelSource models) {
    this(models, MetricsRecorder.NONE);
  }

  /** A predictor reporting each session run's wall time to {@code metrics}. */
  public Predictor(ModelSource models, MetricsRecorder metrics) {
    this.models = models;
    this.metrics = metrics;
  }

  @Override
  public PredictResponse predict(PredictRequest request) {
    try (ModelLease lease = models.acquire(request.model())) {
      return predict(lease.model(), request);
    }
  }

  /**
   * Answers {@code request} on {@code loaded}, a version the caller holds a lease on (the
   * batcher, which has already chosen the version a batch runs on).
   */
  public PredictResponse predict(LoadedModel loaded, PredictRequest request) {
    ServingSignature signature = loaded.predictSignature(request.signatureName());
    Set<String> wanted = outputs(signature, request.outputFilter());
    Map<String, TensorValues> inputs = request.inputs().decode(signature);
    long rows = request.instances() ? instances(inputs) : -1;
    Map<String, TensorValues> outputs;
    if (rows < 0 || !freeBatch(signature) || !fitsDeclared(signature, inputs)) {
      outputs = run(loaded, signature, wanted, tensors(inputs, 0, -1));
    } else {
      outputs = runSliced(loaded, signature, wanted, inputs, rows);
    }
    return new PredictResponse(loaded.name(), loaded.version(), signature.key(), outputs);
  }

  private Map<String, TensorValues> runSliced(LoadedModel loaded,
      ServingSignature signature, Set<String> wanted, Map<String, TensorValues> inputs,
      long rows) {
    Map<String, List<TensorValues>> parts = new LinkedHashMap<>();
    for (long from = 0; from < rows; from += ROWS_PER_RUN) {
      long count = Math.min(ROWS_PER_RUN, rows - from);
      run(loaded, signature, wanted, tensors(inputs, from, count)).forEach((alias, part) -> {
        if (part.firstDim() != count) {
          throw PredictResponse.notOnePerInstance(alias, rows, part.firstDim());
        }
        parts.computeIfAbsent(alias, a -> new ArrayList<>()).add(part);
      });
    }
    Map<String, TensorValues> outputs = new LinkedHashMap<>();
    parts.forEach((alias, list) -> outputs.put(alias, TensorValues.concat(list)));
    return outputs;
  }

  /**
   * The aliases to return, in the signature's order; every filtered one must exist.
   *
   * @throws ServingException INVALID_ARGUMENT for an unknown or repeated alias
   */
  public static Set<String> outputs(ServingSignature signature, List<String> filter) {
    if (filter.isEmpty()) {
      return signature.outputs().keySet();
    }
    Set<String> wanted = new LinkedHashSet<>();
    for (String alias : filter) {
      if (!signature.outputs().containsKey(alias)) {
        throw ServingException.invalidArgument("output tensor alias not found in signature: "
            + alias + " Outputs expected to be in the set {"
            + String.join(",", signature.outputs().keySet()) + "}.");
      }
      if (!wanted.add(alias)) {
        throw ServingException.invalidArgument("duplicate output tensor alias: " + alias);
      }
    }
    Set<String> ordered = new LinkedHashSet<>(signature.outputs().keySet());
    ordered.retainAll(wanted);
    return ordered;
  }

  /** The common first dimension of every input, or -1 when they differ (no slicing then). */
  public static long instances(Map<String, TensorValues> inputs) {
    long rows = -1;
    for (TensorValues value : inputs.values()) {
      if (value.rank() == 0 || (rows >= 0 && value.firstDim() != rows)) {
        return -1;
      }
      rows = value.firstDim();
    }
    return rows;
  }

  /** Whether every input leaves its first (batch) dimension free, so slices fit the signature. */
  public static boolean freeBatch(ServingSignature signature) {
    return signature.inputs().values().stream()
        .allMatch(spec -> !spec.unknownRank() && spec.dims().length > 0 && spec.dims()[0] < 0);
  }

  /**
   * Whether every input has a shape its signature declares. Shapes are TensorFlow's to judge
   * (as in TF Serving), but only inputs of the declared shape are sliced or stacked into batches.
   */
  public static boolean fitsDeclared(ServingSignature signature,
      Map<String, TensorValues> inputs) {
    return inputs.entrySet().stream().allMatch(e -> {
      TensorSpec spec = signature.inputs().get(e.getKey());
      return spec != null && spec.accepts(e.getValue().shape());
    });
  }

  /** Native tensors of rows {@code [from, from + count)} of each input (whole when count < 0). */
  private static Map<String, Tensor> tensors(Map<String, TensorValues> inputs, long from,
      long count) {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    try {
      inputs.forEach((alias, value) -> tensors.put(alias,
          count < 0 ? value.tensor() : value.rows(from, count)));
      return tensors;
    } catch (RuntimeException e) {
      tensors.values().forEach(Tensor::close);
      throw e;
    }
  }

  /** Runs the signature on {@code inputs} (closing them) and copies the wanted outputs out. */
  private Map<String, TensorValues> run(LoadedModel model, ServingSignature signature,
      Set<String> wanted, Map<String, Tensor> inputs) {
    long started = System.nanoTime();
    try (Result result = model.run(signature.key(), inputs)) {
      metrics.sessionRun(model.name(), System.nanoTime() - started);
      Map<String, TensorValues> outputs = new LinkedHashMap<>();
      for (String alias : wanted) {
        Tensor tensor = result.get(alias).orElseThrow(
            () -> new IllegalStateException("the session returned no output '" + alias + "'"));
        outputs.put(alias, TensorValues.copyOf(alias, tensor));
      }
      return outputs;
    } catch (TFInvalidArgumentException e) {
      // Shapes the signature leaves open can still be wrong for the graph (e.g. a reshape).
      throw ServingException.invalidArgument(firstLine(e.getMessage()));
    } finally {
      inputs.values().forEach(Tensor::close);
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "invalid argument";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
