package dev.tfjava.course.serve;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TensorFlow Serving's {@code GetModelStatusResponse} as JSON:
 * {@code {"model_version_status": [{"version": "1", "state": "AVAILABLE",
 * "status": {"error_code": "OK", "error_message": ""}}]}} (int64 versions are strings in proto3
 * JSON).
 */
final class ModelStatusResponse {
  private ModelStatusResponse() {}

  static byte[] write(List<ModelRepository.VersionState> versions) {
    List<Map<String, Object>> entries = versions.stream().map(v -> {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("version", Long.toString(v.version()));
      entry.put("state", v.state());
      Map<String, Object> status = new LinkedHashMap<>();
      status.put("error_code", "OK");
      status.put("error_message", "");
      entry.put("status", status);
      return entry;
    }).toList();
    return ServingJson.pretty(Map.of("model_version_status", entries));
  }
}
