package dev.tfjava.course.serve.inference;

import dev.tfjava.course.serve.core.LoadedModel;
import dev.tfjava.course.serve.core.ServingException;
import dev.tfjava.course.serve.core.ServingSignature;
import dev.tfjava.course.serve.core.TensorSpec;
import java.util.List;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;
import tensorflow.serving.Classification;
import tensorflow.serving.RegressionOuterClass;

/**
 * Classify and Regress as TF Serving's {@code classifier.cc} and {@code regressor.cc} run them:
 * the signature's one DT_STRING input fed the serialized tf.Examples, then {@code classes} and
 * {@code scores} (classify) or {@code outputs} (regress) read back, one row per example.
 */
public final class ExampleInference {
  /** TF Serving's method names. */
  public static final String CLASSIFY = "tensorflow/serving/classify";
  public static final String REGRESS = "tensorflow/serving/regress";

  private ExampleInference() {}

  /** The signature key a request names ({@code serving_default} when empty). */
  public static String key(String signatureName) {
    return signatureName.isEmpty() ? Signature.DEFAULT_KEY : signatureName;
  }

  /**
   * Runs a classify signature.
   *
   * @throws ServingException as TF Serving: INVALID_ARGUMENT for a signature without one
   *     DT_STRING input or without the outputs; FAILED_PRECONDITION for an unknown signature
   */
  public static Classification.ClassificationResult classify(LoadedModel model, String key,
      List<byte[]> examples) {
    ServingSignature signature = signature(model, key);
    boolean hasClasses = signature.outputs().containsKey("classes");
    boolean hasScores = signature.outputs().containsKey("scores");
    if (!hasClasses && !hasScores) {
      throw ServingException.invalidArgument("Expected classification signature outputs to "
          + "contain classes or scores.");
    }
    try (Result result = run(model, signature, examples)) {
      int n = examples.size();
      TString classes = hasClasses ? (TString) result.get("classes").orElseThrow() : null;
      TFloat32 scores = hasScores ? (TFloat32) result.get("scores").orElseThrow() : null;
      long k = hasScores ? columns(scores, n, "scores") : columns(classes, n, "classes");
      if (hasClasses && hasScores && columns(classes, n, "classes") != k) {
        throw ServingException.invalidArgument("Tensors class and score should match in shape.");
      }
      Classification.ClassificationResult.Builder out =
          Classification.ClassificationResult.newBuilder();
      for (int i = 0; i < n; i++) {
        Classification.Classifications.Builder row = out.addClassificationsBuilder();
        for (int j = 0; j < k; j++) {
          Classification.Class.Builder c = row.addClassesBuilder();
          if (classes != null) {
            c.setLabel(new String(classes.asBytes().getObject(i, j),
                java.nio.charset.StandardCharsets.UTF_8));
          }
          if (scores != null) {
            c.setScore(scores.getFloat(i, j));
          }
        }
      }
      return out.build();
    }
  }

  /**
   * Runs a regress signature.
   *
   * @throws ServingException as {@link #classify}
   */
  public static RegressionOuterClass.RegressionResult regress(LoadedModel model, String key,
      List<byte[]> examples) {
    ServingSignature signature = signature(model, key);
    if (!signature.outputs().containsKey("outputs")) {
      throw ServingException.invalidArgument("No output tensor named outputs in signature.");
    }
    try (Result result = run(model, signature, examples)) {
      Tensor outputs = result.get("outputs").orElseThrow();
      int n = examples.size();
      long[] shape = outputs.shape().asArray();
      boolean oneColumn = shape.length == 2 && shape[1] == 1;
      if (!(outputs instanceof TFloat32 values) || shape.length == 0 || shape[0] != n
          || !(shape.length == 1 || oneColumn)) {
        throw ServingException.invalidArgument("Expected output Tensor shape to be either [batch"
            + "_size] or [batch_size, 1] but got " + outputs.shape());
      }
      RegressionOuterClass.RegressionResult.Builder out =
          RegressionOuterClass.RegressionResult.newBuilder();
      for (int i = 0; i < n; i++) {
        out.addRegressionsBuilder().setValue(oneColumn ? values.getFloat(i, 0)
            : values.getFloat(i));
      }
      return out.build();
    }
  }

  private static ServingSignature signature(LoadedModel model, String key) {
    // The method name is not checked: TF Serving's default
    // (--enable_signature_method_name_check=false), so that TF2 exports, whose signatures all
    // say predict, classify and regress by their inputs and outputs.
    ServingSignature signature = model.predictSignature(key);
    if (signature.inputs().size() != 1) {
      throw ServingException.invalidArgument("Expected one input Tensor.");
    }
    TensorSpec input = signature.inputs().values().iterator().next();
    if (input.dtype() != DataType.DT_STRING) {
      throw ServingException.invalidArgument("Input tensor " + input.alias() + " of signature "
          + key + " is " + input.dtype() + ", not DT_STRING (serialized tf.Example)");
    }
    return signature;
  }

  private static Result run(LoadedModel model, ServingSignature signature,
      List<byte[]> examples) {
    String alias = signature.inputs().keySet().iterator().next();
    try (TString input = TString.tensorOfBytes(NdArrays.vectorOfObjects(
        examples.toArray(byte[][]::new)))) {
      return model.run(signature.key(), Map.of(alias, input));
    } catch (org.tensorflow.exceptions.TFInvalidArgumentException e) {
      throw ServingException.invalidArgument(e.getMessage().lines().findFirst().orElse(""));
    }
  }

  private static long columns(Tensor tensor, int n, String name) {
    long[] shape = tensor.shape().asArray();
    if (shape.length != 2 || shape[0] != n) {
      throw ServingException.invalidArgument("Expected Tensor shape: [" + n + ",?] but got "
          + tensor.shape() + " for " + name);
    }
    return shape[1];
  }
}
