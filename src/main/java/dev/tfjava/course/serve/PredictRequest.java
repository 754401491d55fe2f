package dev.tfjava.course.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;

/**
 * The body of a {@code :predict} call in TensorFlow Serving's JSON: an optional
 * {@code signature_name} and exactly one of {@code instances} (row format: a list with one entry
 * per example; with several named inputs each entry is an object of them) or {@code inputs}
 * (columnar format: one value, or an object of named values, each a whole batch).
 */
public record PredictRequest(String signatureName, Format format, JsonNode payload) {

  /** Which of the two request formats was used; the response answers in the same one. */
  public enum Format {
    /** {@code instances} in, {@code predictions} out. */
    ROW,
    /** {@code inputs} in, {@code outputs} out. */
    COLUMNAR
  }

  /** Parses a request body; any problem is a 400 naming it. */
  public static PredictRequest parse(byte[] body) {
    JsonNode root;
    try {
      root = ServingJson.parse(body);
    } catch (JsonProcessingException e) {
      // Jackson names the (redacted) source inside its message; the position is what helps.
      String what = e.getOriginalMessage().replaceAll("\\[Source: [^;]*; ", "[");
      throw ServingException.badRequest("JSON Parse error: " + what
          + " at line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr());
    } catch (IOException e) {
      throw ServingException.badRequest("JSON Parse error: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw ServingException.badRequest("The request body must be a JSON object");
    }
    JsonNode signature = root.get("signature_name");
    if (signature != null && !signature.isTextual()) {
      throw ServingException.badRequest("'signature_name' must be a string");
    }
    String signatureName = signature == null ? Signature.DEFAULT_KEY : signature.asText();
    JsonNode instances = root.get("instances");
    JsonNode inputs = root.get("inputs");
    if (instances != null && inputs != null) {
      throw ServingException.badRequest(
          "Not formatted correctly: expecting only one of 'inputs' or 'instances', not both");
    }
    if (instances == null && inputs == null) {
      throw ServingException.badRequest("Missing 'inputs' or 'instances' key");
    }
    if (instances != null && (!instances.isArray() || instances.isEmpty())) {
      throw ServingException.badRequest("'instances' must be a non-empty list");
    }
    return instances != null
        ? new PredictRequest(signatureName, Format.ROW, instances)
        : new PredictRequest(signatureName, Format.COLUMNAR, inputs);
  }

  /** The number of examples in a row-format request ({@code -1} for columnar). */
  public int batchSize() {
    return format == Format.ROW ? payload.size() : -1;
  }

  /**
   * Decodes the payload into one tensor per signature input; the caller closes them. On a bad
   * input the tensors made so far are closed before the 400 is thrown.
   */
  public Map<String, Tensor> decodeInputs(ServingSignature signature) {
    Map<String, JsonNode> values = format == Format.ROW ? rowValues(signature) : columnValues(
        signature);
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    try {
      for (TensorSpec spec : signature.inputs().values()) {
        tensors.put(spec.alias(), TensorDecoder.decode(values.get(spec.alias()), spec));
      }
      return tensors;
    } catch (RuntimeException e) {
      tensors.values().forEach(Tensor::close);
      throw e;
    }
  }

  /** Row format: a list of values (one input), or a list of objects keyed by input name. */
  private Map<String, JsonNode> rowValues(ServingSignature signature) {
    Set<String> names = signature.inputs().keySet();
    boolean named = payload.get(0).isObject();
    if (!named) {
      if (names.size() != 1) {
        throw ServingException.badRequest("The signature has " + names.size() + " inputs " + names
            + ": each instance must be an object naming them");
      }
      return Map.of(names.iterator().next(), payload);
    }
    Map<String, ArrayNode> columns = new LinkedHashMap<>();
    names.forEach(name -> columns.put(name, JsonNodeFactory.instance.arrayNode(payload.size())));
    for (int i = 0; i < payload.size(); i++) {
      JsonNode instance = payload.get(i);
      if (!instance.isObject()) {
        throw ServingException.badRequest("instances[" + i + "] is not an object like instances[0]");
      }
      checkNames(instance, names, "instances[" + i + "]");
      columns.forEach((name, column) -> column.add(instance.get(name)));
    }
    return Map.copyOf(columns);
  }

  /** Columnar format: one value (one input), or an object keyed by input name. */
  private Map<String, JsonNode> columnValues(ServingSignature signature) {
    Set<String> names = signature.inputs().keySet();
    if (!payload.isObject()) {
      if (names.size() != 1) {
        throw ServingException.badRequest("The signature has " + names.size() + " inputs " + names
            + ": 'inputs' must be an object naming them");
      }
      return Map.of(names.iterator().next(), payload);
    }
    checkNames(payload, names, "'inputs'");
    Map<String, JsonNode> values = new LinkedHashMap<>();
    names.forEach(name -> values.put(name, payload.get(name)));
    return values;
  }

  private static void checkNames(JsonNode object, Set<String> names, String where) {
    Set<String> given = new TreeSet<>();
    for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
      given.add(it.next());
    }
    if (!given.equals(names)) {
      throw ServingException.badRequest(where + " has the keys " + given
          + " but the signature's inputs are " + new TreeSet<>(names));
    }
  }
}
