package dev.tfjava.course.serve.grpc;

import dev.tfjava.course.serve.core.PredictRequest;
import dev.tfjava.course.serve.core.ServingException;
import dev.tfjava.course.serve.core.ServingSignature;
import dev.tfjava.course.serve.core.TensorValues;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.tensorflow.proto.TensorProto;
import tensorflow.serving.Predict;

/**
 * TF Serving's protobuf {@code PredictRequest} as the core's {@link PredictRequest}: what the gRPC
 * door receives, and what a warm-up record holds, take the same path into the core.
 */
public final class ProtoRequests {

  private ProtoRequests() {}

  /**
   * The core's request for {@code request}; its tensors are decoded once the signature is known.
   *
   * @param maxElements the most elements one tensor may claim
   */
  public static PredictRequest toCore(Predict.PredictRequest request, long maxElements) {
    return new PredictRequest(
        ProtoSpecs.toCore(request.hasModelSpec(), request.getModelSpec()),
        request.getModelSpec().getSignatureName(),
        signature -> inputs(request.getInputsMap(), signature, maxElements),
        request.getOutputFilterList(), false);
  }

  /** The request's tensors, exactly the signature's inputs (TF Serving's check and wording). */
  private static Map<String, TensorValues> inputs(Map<String, TensorProto> given,
      ServingSignature signature, long maxElements) {
    Set<String> sent = new TreeSet<>(given.keySet());
    Set<String> wanted = new TreeSet<>(signature.inputs().keySet());
    if (!sent.equals(wanted)) {
      Set<String> extra = new TreeSet<>(sent);
      extra.removeAll(wanted);
      Set<String> missing = new TreeSet<>(wanted);
      missing.removeAll(sent);
      throw ServingException.invalidArgument("input size does not match signature: "
          + sent.size() + "!=" + wanted.size() + " len({" + String.join(",", sent)
          + "}) != len({" + String.join(",", wanted) + "}). Sent extra: {"
          + String.join(",", extra) + "}. Missing but required: {" + String.join(",", missing)
          + "}.");
    }
    Map<String, TensorValues> values = new LinkedHashMap<>();
    signature.inputs().forEach((alias, spec) -> values.put(alias,
        TensorProtoCodec.decode(given.get(alias), spec, maxElements)));
    return values;
  }
}
