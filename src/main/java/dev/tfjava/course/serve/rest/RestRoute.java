package dev.tfjava.course.serve.rest;

import dev.tfjava.course.serve.core.ModelSpec;
import dev.tfjava.course.serve.core.ServingException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One request line of TF Serving's REST API, parsed:
 * {@code GET /v1/models/{name}[/versions/{n} | /labels/{label}]} (status),
 * {@code GET /v1/models/{name}[/versions/{n} | /labels/{label}]/metadata} and
 * {@code POST /v1/models/{name}[/versions/{n} | /labels/{label}]:predict} (or :classify,
 * :regress); and {@code GET} of the metrics page
 * (no model: {@code spec} is null).
 */
record RestRoute(Kind kind, ModelSpec spec) {

  /** What a path asks for, with the one HTTP method it accepts. */
  enum Kind {
    STATUS("GET"), METADATA("GET"), PREDICT("POST"), CLASSIFY("POST"), REGRESS("POST"),
    METRICS("GET");

    final String method;

    Kind(String method) {
      this.method = method;
    }
  }

  private static final Pattern PATH = Pattern.compile(
      "/v1/models/([^/:]+)(?:/versions/([^/:]+)|/labels/([^/:]+))?(/metadata|:[A-Za-z]+)?/?");

  /**
   * @throws HttpError 404 for a path outside the API, 405 for the wrong HTTP method, 400 for a
   *     version that is not a number
   */
  static RestRoute parse(String method, String path) {
    return parse(method, path, Optional.empty());
  }

  /** As {@link #parse(String, String)}, with the metrics page at {@code metricsPath} if present. */
  static RestRoute parse(String method, String path, Optional<String> metricsPath) {
    if (metricsPath.isPresent() && metricsPath.get().equals(path)) {
      if (!Kind.METRICS.method.equals(method)) {
        throw HttpError.methodNotAllowed(Kind.METRICS.method, "Method " + method
            + " is not allowed on " + path + "; use GET");
      }
      return new RestRoute(Kind.METRICS, null);
    }
    Matcher m = PATH.matcher(path);
    if (!m.matches()) {
      throw new HttpError(404, "Unknown path " + path + " (the API is /v1/models/{name}"
          + "[/versions/{n} or /labels/{label}] with /metadata or :predict)");
    }
    String suffix = m.group(4);
    Kind kind;
    if (suffix == null) {
      kind = Kind.STATUS;
    } else if (suffix.equals("/metadata")) {
      kind = Kind.METADATA;
    } else if (suffix.equals(":predict")) {
      kind = Kind.PREDICT;
    } else if (suffix.equals(":classify")) {
      kind = Kind.CLASSIFY;
    } else if (suffix.equals(":regress")) {
      kind = Kind.REGRESS;
    } else {
      throw new HttpError(404, "Unsupported API " + suffix + ": this server implements"
          + " :predict, :classify and :regress");
    }
    if (!kind.method.equals(method)) {
      throw HttpError.methodNotAllowed(kind.method, "Method " + method + " is not allowed on "
          + path + "; use " + kind.method);
    }
    OptionalLong version = OptionalLong.empty();
    if (m.group(2) != null) {
      try {
        version = OptionalLong.of(Long.parseLong(m.group(2)));
      } catch (NumberFormatException e) {
        throw new HttpError(400, "Failed to convert version: " + m.group(2) + " to numeric.");
      }
    }
    try {
      return new RestRoute(kind, new ModelSpec(m.group(1), version,
          Optional.ofNullable(m.group(3))));
    } catch (ServingException e) {
      throw HttpError.of(e);
    }
  }
}
