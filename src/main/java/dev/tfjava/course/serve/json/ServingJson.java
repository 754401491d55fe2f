package dev.tfjava.course.serve.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The server's JSON dialect, TensorFlow Serving's: {@code NaN}, {@code Infinity} and
 * {@code -Infinity} are read as number tokens (so a request holding them is reported as a bad
 * value rather than as unparseable) and written as bare tokens, as TF Serving writes them. Reading
 * is bounded: nesting deeper than {@link #MAX_DEPTH}, numbers longer than
 * {@link #MAX_NUMBER_LENGTH} characters and strings longer than 64 KiB are parse errors (400), so
 * that a hostile body costs neither a deep recursion nor a huge BigDecimal.
 */
public final class ServingJson {
  /** Far more than any tensor's rank (TensorFlow allows 254, real models use a handful). */
  public static final int MAX_DEPTH = 64;
  /**
   * The deepest list a request's value may be: Jackson counts the request's own object as one of
   * the {@link #MAX_DEPTH} levels, and the byte-level reader must decline just where it fails.
   */
  public static final int MAX_LIST_DEPTH = MAX_DEPTH - 1;
  /** The longest float Java prints is 15 characters; 100 leaves room for any sane spelling. */
  public static final int MAX_NUMBER_LENGTH = 100;

  private static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(MAX_DEPTH)
          .maxNumberLength(MAX_NUMBER_LENGTH)
          .maxStringLength(64 * 1024)
          .build())
      .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
      .build();
  private static final JsonMapper MAPPER = JsonMapper.builder(FACTORY)
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

  /** Parses a whole document into a tree (small documents only; predict bodies stream). */
  public static JsonNode parse(byte[] body) throws IOException {
    return MAPPER.readTree(body);
  }

  /** A streaming parser over {@code in}, with the dialect's features and limits. */
  public static JsonParser parser(InputStream in) throws IOException {
    return MAPPER.createParser(in);
  }

  /** A streaming parser over {@code body}, with the dialect's features and limits. */
  public static JsonParser parser(byte[] body) throws IOException {
    return MAPPER.createParser(body);
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
