package dev.tfjava.course.serve.json;

import dev.tfjava.course.serve.core.VersionStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TensorFlow Serving's {@code GetModelStatusResponse} as JSON:
 * {@code {"model_version_status": [{"version": "1", "state": "AVAILABLE",
 * "status": {"error_code": "OK", "error_message": ""}}]}} (int64 versions are strings in proto3
 * JSON).
 */
public final class ModelStatusJson {
  private ModelStatusJson() {}

  /** The status of {@code versions}. */
  public static byte[] write(List<VersionStatus> versions) {
    List<Map<String, Object>> entries = versions.stream().map(v -> {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("version", Long.toString(v.version()));
      entry.put("state", v.state().name());
      Map<String, Object> status = new LinkedHashMap<>();
      status.put("error_code", v.errorCode().name());
      status.put("error_message", v.errorMessage());
      entry.put("status", status);
      return entry;
    }).toList();
    return ServingJson.pretty(Map.of("model_version_status", entries));
  }
}
