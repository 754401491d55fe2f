package dev.tfjava.course.serve.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.tfjava.course.serve.core.Predictor;
import dev.tfjava.course.serve.core.ServingException;
import dev.tfjava.course.serve.core.ServingSignature;
import dev.tfjava.course.serve.core.TensorSpec;
import dev.tfjava.course.serve.core.TensorValues;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.tensorflow.Signature;

/**
 * The body of a {@code :predict} call in TensorFlow Serving's JSON: an optional
 * {@code signature_name} and exactly one of {@code instances} (row format: a list with one entry
 * per example; with several named inputs each entry is an object of them) or {@code inputs}
 * (columnar format: one value, or an object of named values, each a whole batch).
 *
 * <p>The body is never held as a tree. {@link #scan} finds the top level's keys (the signature's
 * name may come after the values), from the raw bytes when it can ({@link TopLevelScan}), else
 * with the streaming parser; then {@link #decode} parses the whole body strictly, reading the
 * values straight into one primitive array per input.
 */
public final class JsonPredictRequest {

  /**
   * The body a client would send for {@code inputs} (the warm-up's requests through the REST
   * door): the row format when every input has the same first dimension, as clients mostly
   * send, else the columnar one.
   *
   * @param signatureName empty for {@code serving_default}
   */
  public static byte[] body(String signatureName, Map<String, TensorValues> inputs) {
    long rows = Predictor.instances(inputs);
    return ServingJson.write(json -> {
      json.writeStartObject();
      if (!signatureName.isEmpty()) {
        json.writeStringField("signature_name", signatureName);
      }
      if (rows >= 0) {
        json.writeFieldName("instances");
        JsonPredictResponse.writeRows(json, inputs, rows);
      } else {
        json.writeObjectFieldStart("inputs");
        for (Map.Entry<String, TensorValues> input : inputs.entrySet()) {
          json.writeFieldName(input.getKey());
          JsonPredictResponse.writeWhole(json, input.getValue());
        }
        json.writeEndObject();
      }
      json.writeEndObject();
    });
  }

  /** Which of the two request formats was used; the response answers in the same one. */
  public enum Format {
    /** {@code instances} in, {@code predictions} out. */
    ROW,
    /** {@code inputs} in, {@code outputs} out. */
    COLUMNAR
  }

  /** Where a body is read from; opened once per pass. */
  @FunctionalInterface
  public interface Body {
    JsonParser open() throws IOException;

    /**
     * The body's bytes between position and limit, when they are at hand (the same bytes at the
     * same positions on every call); else null.
     */
    default ByteBuffer bytes() {
      return null;
    }

    /** A body held in a byte array. */
    static Body of(byte[] bytes) {
      return new Body() {
        @Override public JsonParser open() throws IOException {
          return ServingJson.parser(bytes);
        }

        @Override public ByteBuffer bytes() {
          return ByteBuffer.wrap(bytes);
        }
      };
    }
  }

  private final Body body;
  private final TopLevelScan.Keys keys;
  private final Format format;
  /** Whether the keys came from the byte-level scan, which skips over values unchecked. */
  private final boolean scanned;

  private JsonPredictRequest(Body body, TopLevelScan.Keys keys, Format format, boolean scanned) {
    this.body = body;
    this.keys = keys;
    this.format = format;
    this.scanned = scanned;
  }

  /** Checks the body's top level; any problem is an INVALID_ARGUMENT naming it. */
  public static JsonPredictRequest scan(Body body) {
    ByteBuffer bytes = body.bytes();
    TopLevelScan.Keys keys = bytes == null ? null
        : TopLevelScan.scan(bytes.duplicate(), Signature.DEFAULT_KEY);
    boolean scanned = keys != null;
    if (keys == null || keys.instances() == keys.inputs()) {
      // Declined, or an error to report: the scan skips values unchecked, so the streaming
      // parser says what is wrong (a malformed body before a missing or doubled key).
      keys = parsedKeys(body);
    }
    if (keys.instances() && keys.inputs()) {
      throw ServingException.invalidArgument(
          "Not formatted correctly: expecting only one of 'inputs' or 'instances', not both");
    }
    if (!keys.instances() && !keys.inputs()) {
      throw ServingException.invalidArgument("Missing 'inputs' or 'instances' key");
    }
    return new JsonPredictRequest(body, keys, keys.instances() ? Format.ROW : Format.COLUMNAR,
        scanned);
  }

  /** The top level's keys by the streaming parser, which names any problem it meets. */
  private static TopLevelScan.Keys parsedKeys(Body body) {
    String signatureName = Signature.DEFAULT_KEY;
    boolean instances = false;
    boolean inputs = false;
    try (JsonParser json = body.open()) {
      if (json.nextToken() != JsonToken.START_OBJECT) {
        throw ServingException.invalidArgument("The request body must be a JSON object");
      }
      while (json.nextToken() == JsonToken.FIELD_NAME) {
        String key = json.currentName();
        JsonToken value = json.nextToken();
        switch (key) {
          case "signature_name" -> {
            if (value != JsonToken.VALUE_STRING) {
              throw ServingException.invalidArgument("'signature_name' must be a string");
            }
            signatureName = json.getText();
          }
          case "instances" -> instances = true;
          case "inputs" -> inputs = true;
          default -> { }
        }
        json.skipChildren();
      }
      requireEnd(json);
    } catch (IOException e) {
      throw parseError(e);
    }
    return new TopLevelScan.Keys(signatureName, instances, inputs);
  }

  private static void requireEnd(JsonParser json) throws IOException {
    if (json.nextToken() != null) {
      throw ServingException.invalidArgument("JSON Parse error: content after the request object");
    }
  }

  public String signatureName() {
    return keys.signatureName();
  }

  public Format format() {
    return format;
  }

  /**
   * Reads the values for {@code signature}'s inputs, keyed by alias in the signature's order; any
   * problem is an INVALID_ARGUMENT naming it. In the row format every value's first dimension is
   * the number of instances. The whole body is parsed, so a flaw the scan skipped past is found
   * here.
   */
  public Map<String, TensorValues> decode(ServingSignature signature) {
    try {
      return decodeValues(signature);
    } catch (ServingException e) {
      if (scanned) {
        // The streaming parser would have stopped at a malformed body before any value's
        // problem: report what it reports (found by PredictBodyFuzzTest).
        parsedKeys(body);
      }
      throw e;
    }
  }

  private Map<String, TensorValues> decodeValues(ServingSignature signature) {
    if (keys.valueStart() >= 0 && signature.inputs().size() == 1) {
      Map.Entry<String, TensorSpec> input = signature.inputs().entrySet().iterator().next();
      TensorValues plain = PlainNumberLists.read(body.bytes(), keys.valueStart(), keys.valueEnd(),
          input.getValue());
      if (plain != null) {
        return Map.of(input.getKey(), plain);
      }
    }
    String key = format == Format.ROW ? "instances" : "inputs";
    try (JsonParser json = body.open()) {
      json.nextToken();
      Map<String, TensorValues> values = null;
      while (json.nextToken() == JsonToken.FIELD_NAME) {
        boolean wanted = values == null && json.currentName().equals(key);
        json.nextToken();
        if (wanted) {
          values = format == Format.ROW ? rows(json, signature) : columns(json, signature);
        } else {
          json.skipChildren();
        }
      }
      requireEnd(json);
      if (values == null) {
        throw new IllegalStateException("'" + key + "' was there when the body was scanned");
      }
      return values;
    } catch (IOException e) {
      throw parseError(e);
    }
  }

  /** Row format: a list of values (one input), or a list of objects keyed by input name. */
  private static Map<String, TensorValues> rows(JsonParser json, ServingSignature signature) throws IOException {
    Set<String> names = signature.inputs().keySet();
    if (json.currentToken() != JsonToken.START_ARRAY
        || json.nextToken() == JsonToken.END_ARRAY) {
      throw ServingException.invalidArgument("'instances' must be a non-empty list");
    }
    Map<String, TensorDecoder> decoders = decoders(signature);
    if (json.currentToken() != JsonToken.START_OBJECT) {
      if (names.size() != 1) {
        throw ServingException.invalidArgument("The signature has " + names.size() + " inputs " + names
            + ": each instance must be an object naming them");
      }
      decoders.values().iterator().next().readListFromFirstElement(json);
      return values(decoders);
    }
    long row = 0;
    for (JsonToken token = json.currentToken(); token != JsonToken.END_ARRAY;
        token = json.nextToken(), row++) {
      if (token != JsonToken.START_OBJECT) {
        throw ServingException.invalidArgument("instances[" + row
            + "] is not an object like instances[0]");
      }
      readNamed(json, decoders, "instances[" + row + "]", row);
    }
    for (TensorDecoder decoder : decoders.values()) {
      decoder.endRows(row);
    }
    return values(decoders);
  }

  /** Columnar format: one value (one input), or an object keyed by input name. */
  private static Map<String, TensorValues> columns(JsonParser json, ServingSignature signature) throws IOException {
    Set<String> names = signature.inputs().keySet();
    Map<String, TensorDecoder> decoders = decoders(signature);
    if (json.currentToken() != JsonToken.START_OBJECT) {
      if (names.size() != 1) {
        throw ServingException.invalidArgument("The signature has " + names.size() + " inputs " + names
            + ": 'inputs' must be an object naming them");
      }
      decoders.values().iterator().next().readValue(json);
    } else {
      readNamed(json, decoders, "'inputs'", -1);
    }
    return values(decoders);
  }

  /**
   * Reads an object holding exactly the signature's inputs, each into its decoder (as row
   * {@code row}, or whole when {@code row} is -1).
   */
  private static void readNamed(JsonParser json, Map<String, TensorDecoder> decoders,
      String where, long row) throws IOException {
    Set<String> given = new TreeSet<>();
    while (json.nextToken() == JsonToken.FIELD_NAME) {
      String name = json.currentName();
      json.nextToken();
      TensorDecoder decoder = decoders.get(name);
      if (decoder == null || !given.add(name)) {
        throw ServingException.invalidArgument(where + " has the key '" + name + "' (twice, or not"
            + " an input) but the signature's inputs are " + new TreeSet<>(decoders.keySet()));
      }
      if (row < 0) {
        decoder.readValue(json);
      } else {
        decoder.readRow(json, row);
      }
    }
    if (!given.equals(decoders.keySet())) {
      throw ServingException.invalidArgument(where + " has the keys " + given
          + " but the signature's inputs are " + new TreeSet<>(decoders.keySet()));
    }
  }

  private static Map<String, TensorDecoder> decoders(ServingSignature signature) {
    Map<String, TensorDecoder> decoders = new LinkedHashMap<>();
    signature.inputs().forEach((alias, spec) -> decoders.put(alias, new TensorDecoder(spec)));
    return decoders;
  }

  /** An INVALID_ARGUMENT for a body Jackson could not read, naming where (when it knows). */
  private static ServingException parseError(IOException e) {
    if (e instanceof StreamConstraintsException limit) {
      return ServingException.invalidArgument("JSON Parse error: " + limit.getOriginalMessage()
          + " (the server reads at most " + ServingJson.MAX_DEPTH + " levels of nesting and "
          + ServingJson.MAX_NUMBER_LENGTH + "-character numbers)");
    }
    if (e instanceof JsonProcessingException json) {
      String what = json.getOriginalMessage() == null ? json.getClass().getSimpleName()
          : json.getOriginalMessage().replaceAll("\\[Source: [^;]*; ", "[");
      return ServingException.invalidArgument("JSON Parse error: " + what
          + (json.getLocation() == null ? "" : " at line " + json.getLocation().getLineNr()
              + ", column " + json.getLocation().getColumnNr()));
    }
    return ServingException.invalidArgument("JSON Parse error: " + e.getMessage());
  }

  private static Map<String, TensorValues> values(Map<String, TensorDecoder> decoders) {
    Map<String, TensorValues> values = new LinkedHashMap<>();
    decoders.forEach((alias, decoder) -> values.put(alias, decoder.values()));
    return values;
  }
}
