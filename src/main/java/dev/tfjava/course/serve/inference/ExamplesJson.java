package dev.tfjava.course.serve.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import dev.tfjava.course.serve.core.ServingException;
import dev.tfjava.course.serve.json.ServingJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.tensorflow.proto.BytesList;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;
import org.tensorflow.proto.Features;
import org.tensorflow.proto.FloatList;
import org.tensorflow.proto.Int64List;
import tensorflow.serving.Classification;
import tensorflow.serving.InputOuterClass.ExampleList;
import tensorflow.serving.InputOuterClass.ExampleListWithContext;
import tensorflow.serving.InputOuterClass.Input;
import tensorflow.serving.RegressionOuterClass;

/**
 * TF Serving's REST {@code :classify} and {@code :regress} bodies ({@code http_rest_api_handler.cc},
 * {@code json_tensor.cc}): {@code {"signature_name": ..., "context": {feature: value},
 * "examples": [{feature: value}, ...]}}, a feature value being a number, a string,
 * {@code {"b64": ...}} or a list of one kind (integers are int64, any decimal makes floats); and
 * the answers {@code {"results": [[[label, score], ...], ...]}} and {@code {"results": [v, ...]}}.
 */
public final class ExamplesJson {
  private ExamplesJson() {}

  /** A parsed request: the signature's key and the examples as TF Serving's {@code Input}. */
  public record Request(String signatureName, Input input) {}

  /**
   * Parses a request body.
   *
   * @throws ServingException INVALID_ARGUMENT naming what is wrong with the body
   */
  public static Request parse(byte[] body) {
    JsonNode root;
    try {
      root = ServingJson.parse(body);
    } catch (IOException e) {
      throw ServingException.invalidArgument("JSON Parse error: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (root == null || !root.isObject()) {
      throw ServingException.invalidArgument("JSON Value: not an object");
    }
    JsonNode examples = root.get("examples");
    if (examples == null || !examples.isArray()) {
      throw ServingException.invalidArgument("'examples' array is missing in the request body "
          + "(e.g. {\"examples\": [{\"x\": 2.0}]})");
    }
    JsonNode name = root.path("signature_name");
    List<Example> list = new ArrayList<>();
    for (JsonNode example : examples) {
      list.add(example(example, "examples"));
    }
    JsonNode context = root.get("context");
    Input input = context == null
        ? Input.newBuilder().setExampleList(ExampleList.newBuilder().addAllExamples(list)).build()
        : Input.newBuilder().setExampleListWithContext(ExampleListWithContext.newBuilder()
            .setContext(example(context, "context")).addAllExamples(list)).build();
    return new Request(name.isTextual() ? name.asText() : "", input);
  }

  /** {@code {"results": [[[label, score], ...], ...]}}. */
  public static byte[] write(Classification.ClassificationResult result) {
    return ServingJson.write(json -> {
      json.writeStartObject();
      json.writeArrayFieldStart("results");
      for (Classification.Classifications row : result.getClassificationsList()) {
        json.writeStartArray();
        for (Classification.Class c : row.getClassesList()) {
          json.writeStartArray();
          json.writeString(c.getLabel());
          json.writeNumber(c.getScore());
          json.writeEndArray();
        }
        json.writeEndArray();
      }
      json.writeEndArray();
      json.writeEndObject();
    });
  }

  /** {@code {"results": [v, ...]}}. */
  public static byte[] write(RegressionOuterClass.RegressionResult result) {
    return ServingJson.write(json -> {
      json.writeStartObject();
      json.writeArrayFieldStart("results");
      for (RegressionOuterClass.Regression r : result.getRegressionsList()) {
        json.writeNumber(r.getValue());
      }
      json.writeEndArray();
      json.writeEndObject();
    });
  }

  private static Example example(JsonNode node, String where) {
    if (!node.isObject()) {
      throw ServingException.invalidArgument("Each item of '" + where + "' must be an object of"
          + " features, got " + node.getNodeType());
    }
    Features.Builder features = Features.newBuilder();
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      features.putFeature(field.getKey(), feature(field.getKey(), field.getValue()));
    }
    return Example.newBuilder().setFeatures(features).build();
  }

  private static Feature feature(String name, JsonNode value) {
    List<JsonNode> items = new ArrayList<>();
    if (value.isArray()) {
      value.forEach(items::add);
    } else {
      items.add(value);
    }
    if (items.isEmpty()) {
      throw ServingException.invalidArgument("Feature " + name + " is an empty list: its type "
          + "cannot be told");
    }
    if (items.stream().allMatch(JsonNode::isNumber)) {
      if (items.stream().allMatch(JsonNode::isIntegralNumber)) {
        Int64List.Builder ints = Int64List.newBuilder();
        items.forEach(i -> ints.addValue(i.asLong()));
        return Feature.newBuilder().setInt64List(ints).build();
      }
      FloatList.Builder floats = FloatList.newBuilder();
      items.forEach(i -> floats.addValue((float) i.asDouble()));
      return Feature.newBuilder().setFloatList(floats).build();
    }
    BytesList.Builder bytes = BytesList.newBuilder();
    for (JsonNode item : items) {
      if (item.isTextual()) {
        bytes.addValue(ByteString.copyFrom(item.asText(), StandardCharsets.UTF_8));
      } else if (item.isObject() && item.size() == 1 && item.path("b64").isTextual()) {
        try {
          bytes.addValue(ByteString.copyFrom(Base64.getDecoder().decode(item.get("b64")
              .asText())));
        } catch (IllegalArgumentException e) {
          throw ServingException.invalidArgument("Feature " + name + ": 'b64' is not base64");
        }
      } else {
        throw ServingException.invalidArgument("Feature " + name + " mixes types or holds a "
            + item.getNodeType() + "; a feature is numbers, or strings / {\"b64\": ...}");
      }
    }
    return Feature.newBuilder().setBytesList(bytes).build();
  }
}
