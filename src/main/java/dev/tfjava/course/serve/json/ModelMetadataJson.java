package dev.tfjava.course.serve.json;

import dev.tfjava.course.serve.core.LoadedModel;
import dev.tfjava.course.serve.core.ServingSignature;
import dev.tfjava.course.serve.core.TensorSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TensorFlow Serving's {@code GetModelMetadataResponse} as JSON: the model spec and every
 * signature def with its inputs and outputs ({@code dtype} like {@code DT_FLOAT},
 * {@code tensor_shape} with string sizes, the graph tensor {@code name}) and method name, in the
 * field names and nesting of the protobuf JSON mapping TF Serving prints.
 */
public final class ModelMetadataJson {
  private ModelMetadataJson() {}

  /** The metadata of {@code model}: its spec and every signature. */
  public static byte[] write(LoadedModel model) {
    Map<String, Object> signatures = new LinkedHashMap<>();
    model.signatures().forEach((key, signature) -> signatures.put(key, signatureDef(signature)));
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("name", model.name());
    spec.put("signature_name", "");
    spec.put("version", Long.toString(model.version()));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("model_spec", spec);
    body.put("metadata", Map.of("signature_def", Map.of("signature_def", signatures)));
    return ServingJson.pretty(body);
  }

  private static Map<String, Object> signatureDef(ServingSignature signature) {
    Map<String, Object> def = new LinkedHashMap<>();
    def.put("inputs", tensorInfos(signature.inputs()));
    def.put("outputs", tensorInfos(signature.outputs()));
    def.put("method_name", signature.methodName());
    def.put("defaults", Map.of());
    return def;
  }

  private static Map<String, Object> tensorInfos(Map<String, TensorSpec> specs) {
    Map<String, Object> infos = new LinkedHashMap<>();
    specs.forEach((alias, spec) -> {
      List<Map<String, String>> dims = spec.unknownRank() ? List.of()
          : java.util.Arrays.stream(spec.dims())
              .mapToObj(d -> Map.of("size", Long.toString(d), "name", ""))
              .toList();
      Map<String, Object> shape = new LinkedHashMap<>();
      shape.put("dim", dims);
      shape.put("unknown_rank", spec.unknownRank());
      Map<String, Object> info = new LinkedHashMap<>();
      info.put("dtype", spec.dtype().name());
      info.put("tensor_shape", shape);
      info.put("name", spec.tensorName());
      infos.put(alias, info);
    });
    return infos;
  }
}
