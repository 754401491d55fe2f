package dev.tfjava.course.serve.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;

/**
 * A signature of a loaded SavedModel, read from its {@code signature_def}: the method name and
 * the inputs and outputs in a stable (sorted) order, which is also the order responses list them.
 */
public record ServingSignature(String key, String methodName, Map<String, TensorSpec> inputs,
    Map<String, TensorSpec> outputs) {

  /** The method names TF Serving's predict API accepts. */
  private static final Set<String> PREDICT_COMPATIBLE = Set.of(
      "tensorflow/serving/predict", "tensorflow/serving/classify", "tensorflow/serving/regress");

  public static ServingSignature of(String key, SignatureDef def) {
    return new ServingSignature(key, def.getMethodName(), specs(def.getInputsMap()),
        specs(def.getOutputsMap()));
  }

  private static Map<String, TensorSpec> specs(Map<String, TensorInfo> infos) {
    Map<String, TensorSpec> specs = new LinkedHashMap<>();
    infos.keySet().stream().sorted()
        .forEach(alias -> specs.put(alias, TensorSpec.of(alias, infos.get(alias))));
    return Collections.unmodifiableMap(specs);
  }

  /** Whether the predict API may call this signature (TF Serving's rule). */
  public boolean predictable() {
    return PREDICT_COMPATIBLE.contains(methodName);
  }
}
