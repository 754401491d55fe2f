package dev.tfjava.course.train;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tfjava.course.io.AtomicFiles;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code metrics.json}: a run's numbers as pretty JSON, written atomically. Records become objects
 * whose keys are their components in snake_case ({@code finalTestAccuracy} →
 * {@code final_test_accuracy}), the notebooks' naming.
 */
public final class Metrics {
  private static final ObjectMapper JSON = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private Metrics() {}

  /** A result record's fields as an ordered map of JSON values. */
  public static Map<String, Object> fields(Object result) {
    return JSON.convertValue(result, new TypeReference<LinkedHashMap<String, Object>>() {});
  }

  /** Writes {@code values} as pretty JSON to {@code file}, atomically. */
  public static void write(Path file, Map<String, Object> values) {
    AtomicFiles.write(file, out -> JSON.writeValue(out, values));
  }

  /** The JSON mapper metrics.json is written with (pretty printing, snake_case records). */
  public static ObjectMapper json() {
    return JSON;
  }
}
