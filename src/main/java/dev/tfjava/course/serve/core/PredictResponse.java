package dev.tfjava.course.serve.core;

import java.util.Map;

/**
 * The answer to a predict call: the servable that answered (its name and version, as TF Serving's
 * response echoes them), the signature that ran, and the outputs asked for, whole, in the
 * signature's (sorted) order.
 */
public record PredictResponse(String model, long version, String signatureName,
    Map<String, TensorValues> outputs) {

  /**
   * INVALID_ARGUMENT for an output whose first dimension is not the number of instances (such
   * an output cannot be answered one instance at a time).
   */
  public static ServingException notOnePerInstance(String alias, long instances, long firstDim) {
    return ServingException.invalidArgument("Output '" + alias + "' does not have one row per"
        + " instance (" + instances + " instances, first dimension " + firstDim + "); use the"
        + " columnar 'inputs' format for this signature");
  }
}
