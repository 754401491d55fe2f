package dev.tfjava.course.serve.core;

import dev.tfjava.course.export.SavedModels;
import dev.tfjava.course.train.ThreadSettings;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.types.TFloat32;

/**
 * One loaded version of a model: the SavedModel bundle shared by every request, its signatures,
 * and a reference count so that a replaced version is closed only after its last in-flight
 * request has finished (a closed bundle must never be run: that is a native crash, not an
 * exception).
 *
 * <p>The repository holds one reference while the version is served; each request takes one with
 * {@link #tryRetain()} and gives it back with {@link #release()}. The bundle closes when the count
 * reaches zero, and can never be retained again after that.
 */
public final class LoadedModel {
  private final String name;
  private final long version;
  private final SavedModelBundle bundle;
  private final Map<String, ServingSignature> signatures;
  private final Map<String, SessionFunction> functions;
  private final AtomicInteger references = new AtomicInteger(1);
  /** Signatures TF Java could not build, with the reason; not served, said in the metadata. */
  private final Map<String, String> unservable;

  private LoadedModel(String name, long version, SavedModelBundle bundle,
      Map<String, String> unservable) {
    this.name = name;
    this.version = version;
    this.bundle = bundle;
    this.unservable = Map.copyOf(unservable);
    Map<String, ServingSignature> sigs = new LinkedHashMap<>();
    bundle.metaGraphDef().getSignatureDefMap().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> sigs.put(e.getKey(), ServingSignature.of(e.getKey(), e.getValue())));
    this.signatures = Collections.unmodifiableMap(sigs);
    Map<String, SessionFunction> fns = new LinkedHashMap<>();
    for (Signature signature : bundle.signatures()) {
      fns.put(signature.key(), SessionFunction.create(signature, bundle.session()));
    }
    this.functions = Map.copyOf(fns);
  }

  /**
   * Loads a version folder with the serve tag and the given TensorFlow thread pools; the caller
   * owns one reference.
   */
  public static LoadedModel load(String name, long version, Path versionDir,
      ThreadSettings threads) {
    ConfigProto config = ConfigProto.newBuilder()
        .setIntraOpParallelismThreads(threads.intraOp())
        .setInterOpParallelismThreads(threads.interOp())
        .build();
    Function<Path, SavedModelBundle> loader = dir -> {
      SavedModelBundle bundle = SavedModelBundle.loader(dir.toString())
          .withTags(SavedModels.SERVE_TAG)
          .withConfigProto(config)
          .load();
      try {
        // What the constructor will build: a signature that does not fit fails here.
        bundle.signatures().forEach(signature -> SessionFunction.create(signature,
            bundle.session()));
        return bundle;
      } catch (RuntimeException e) {
        bundle.close();
        throw e;
      }
    };
    try {
      return new LoadedModel(name, version, loader.apply(versionDir), Map.of());
    } catch (RuntimeException e) {
      // One signature that does not match the graph: serve the others, as TF Serving does.
      SignatureSubsetLoad.Outcome outcome = SignatureSubsetLoad.load(versionDir, loader, e);
      return new LoadedModel(name, version, outcome.bundle(), outcome.unservable());
    }
  }

  /** The signatures that could not be served, with TensorFlow's reason (usually none). */
  public Map<String, String> unservableSignatures() {
    return unservable;
  }

  public String name() {
    return name;
  }

  public long version() {
    return version;
  }

  /** The SavedModel's own signature defs by key, sorted (what gRPC's metadata sends). */
  public Map<String, SignatureDef> signatureDefs() {
    return new TreeMap<>(bundle.metaGraphDef().getSignatureDefMap());
  }

  /** Every signature of the model by key, sorted (what the metadata endpoint lists). */
  public Map<String, ServingSignature> signatures() {
    return signatures;
  }

  /**
   * The signature a predict request asks for ({@code serving_default} when none is named).
   *
   * @throws ServingException FAILED_PRECONDITION if the model has no such signature (TF
   *     Serving's code and wording), INVALID_ARGUMENT if it is not a predict signature
   */
  public ServingSignature predictSignature(String key) {
    ServingSignature signature = signatures.get(key);
    if (unservable.containsKey(key)) {
      throw ServingException.failedPrecondition("Signature \"" + key + "\" of model " + name
          + " version " + version + " cannot be served: " + unservable.get(key));
    }
    if (signature == null || !functions.containsKey(key)) {
      throw ServingException.failedPrecondition("Serving signature key \"" + key
          + "\" not found. (model " + name + " version " + version + " has "
          + functions.keySet().stream().sorted().toList() + ")");
    }
    if (!signature.predictable()) {
      throw ServingException.invalidArgument("Signature \"" + key + "\" has method name \""
          + signature.methodName() + "\", not tensorflow/serving/predict");
    }
    return signature;
  }

  /**
   * Runs each predict signature once on zeros (batch of one) so that the first real request does
   * not pay for TensorFlow's lazy kernel set-up. Signatures with other than float inputs of known
   * rank are skipped (the course's models have none).
   */
  public void warmUp() {
    for (ServingSignature signature : signatures.values()) {
      boolean floatsOnly = signature.inputs().values().stream()
          .allMatch(spec -> !spec.unknownRank() && spec.dtype() == DataType.DT_FLOAT);
      if (!signature.predictable() || !functions.containsKey(signature.key()) || !floatsOnly) {
        continue;
      }
      Map<String, Tensor> zeros = new LinkedHashMap<>();
      try {
        signature.inputs().forEach((alias, spec) -> zeros.put(alias, TFloat32.tensorOf(
            Shape.of(Arrays.stream(spec.dims()).map(d -> d < 0 ? 1 : d).toArray()))));
        run(signature.key(), zeros).close();
      } finally {
        zeros.values().forEach(Tensor::close);
      }
    }
  }

  /** Runs a signature; the caller closes the result (and with it every output tensor). */
  public Result run(String signatureKey, Map<String, Tensor> inputs) {
    return functions.get(signatureKey).call(inputs);
  }

  /** Takes a reference for one request; false once the bundle is closed or closing. */
  public boolean tryRetain() {
    while (true) {
      int current = references.get();
      if (current <= 0) {
        return false;
      }
      if (references.compareAndSet(current, current + 1)) {
        return true;
      }
    }
  }

  /** Gives a reference back; the last one closes the bundle. */
  public void release() {
    int left = references.decrementAndGet();
    if (left == 0) {
      bundle.close();
    } else if (left < 0) {
      throw new IllegalStateException(name + " version " + version + " released too often");
    }
  }

  /**
   * Its holders now: the repository while the version is served, plus one per request in flight
   * (0 once closed; for tests and status).
   */
  public int holders() {
    return Math.max(0, references.get());
  }

  /** Whether the bundle has been closed (for tests and status). */
  public boolean closed() {
    return references.get() <= 0;
  }
}
