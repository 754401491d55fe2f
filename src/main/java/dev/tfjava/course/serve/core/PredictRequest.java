package dev.tfjava.course.serve.core;

import java.util.List;
import java.util.Map;
import org.tensorflow.Signature;

/**
 * One predict call as the core sees it, whatever wire it came over: which servable, which
 * signature, the inputs (decoded only once the signature is known, since a JSON value's dtype is
 * the signature's), which outputs to return, and whether the inputs' first dimension lists
 * independent instances (REST's row format), so that a large batch may run in slices.
 *
 * @param signatureName the signature's key; empty means {@code serving_default}, as in TF Serving
 * @param outputFilter the output aliases to return, in any order; empty means all of them
 */
public record PredictRequest(ModelSpec model, String signatureName, Inputs inputs,
    List<String> outputFilter, boolean instances) {

  /** Turns the wire's inputs into values once the signature they must fit is known. */
  @FunctionalInterface
  public interface Inputs {
    /**
     * One value per input of {@code signature}, keyed by alias.
     *
     * @throws ServingException INVALID_ARGUMENT for inputs that do not fit the signature
     */
    Map<String, TensorValues> decode(ServingSignature signature);
  }

  public PredictRequest {
    signatureName = signatureName.isEmpty() ? Signature.DEFAULT_KEY : signatureName;
    outputFilter = List.copyOf(outputFilter);
  }
}
