package dev.tfjava.course.serve;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The server's JSON dialect, TensorFlow Serving's: {@code NaN}, {@code Infinity} and
 * {@code -Infinity} are read as number tokens (so a request holding them is reported as a bad
 * value rather than as unparseable) and written as bare tokens, as TF Serving writes them.
 */
public final class ServingJson {
  private static final JsonMapper MAPPER = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
      .build();
  private static final ObjectMapper PRETTY = MAPPER.copy()
      .enable(SerializationFeature.INDENT_OUTPUT);

  private ServingJson() {}

  /** Writes JSON to a byte array through a generator. */
  @FunctionalInterface
  public interface Body {
    void writeTo(JsonGenerator json) throws IOException;
  }

  /** Parses a request body; Jackson's exception says where it is malformed. */
  public static JsonNode parse(byte[] body) throws IOException {
    return MAPPER.readTree(body);
  }

  /** A compact JSON document written by {@code body}. */
  public static byte[] write(Body body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    JsonFactory factory = MAPPER.getFactory();
    try (JsonGenerator json = factory.createGenerator(out)) {
      body.writeTo(json);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write JSON to memory", e);
    }
    return out.toByteArray();
  }

  /** A value (maps, lists, strings, numbers) as indented JSON, like TF Serving's status pages. */
  public static byte[] pretty(Object value) {
    try {
      return PRETTY.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write JSON to memory", e);
    }
  }

  /** {@code {"error": message}}, TF Serving's error body. */
  public static byte[] error(String message) {
    return write(json -> {
      json.writeStartObject();
      json.writeStringField("error", message);
      json.writeEndObject();
    });
  }
}
