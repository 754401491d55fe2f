package dev.tfjava.course.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tfjava.course.io.AtomicFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The numbers a run reports, in the order they were recorded, written as {@code metrics.json}.
 * Values are anything Jackson can write: numbers, strings, lists, arrays, maps and records.
 */
public final class Metrics {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private final Map<String, Object> values = new LinkedHashMap<>();

  /** Records (or replaces) a top-level value. */
  public Metrics put(String key, Object value) {
    values.put(key, value);
    return this;
  }

  /** Appends one row to a list-valued entry, e.g. one epoch's numbers. */
  @SuppressWarnings("unchecked")
  public Metrics append(String key, Object row) {
    ((List<Object>) values.computeIfAbsent(key, k -> new ArrayList<>())).add(row);
    return this;
  }

  /** The recorded value, or {@code null}. */
  public Object get(String key) {
    return values.get(key);
  }

  /** A read-only view of everything recorded. */
  public Map<String, Object> asMap() {
    return java.util.Collections.unmodifiableMap(values);
  }

  /** Writes the metrics as pretty JSON, atomically. */
  public void write(Path file) {
    AtomicFiles.write(file, out -> JSON.writeValue(out, values));
  }

  /** The shared JSON mapper (pretty printing on). */
  public static ObjectMapper json() {
    return JSON;
  }
}
