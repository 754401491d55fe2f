package dev.tfjava.course.serve;

import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One request line of TF Serving's REST API, parsed:
 * {@code GET /v1/models/{name}[/versions/{n}]} (status),
 * {@code GET /v1/models/{name}[/versions/{n}]/metadata} and
 * {@code POST /v1/models/{name}[/versions/{n}]:predict}.
 */
record RestRoute(Kind kind, String model, OptionalLong version) {

  /** What a path asks for, with the one HTTP method it accepts. */
  enum Kind {
    STATUS("GET"), METADATA("GET"), PREDICT("POST");

    final String method;

    Kind(String method) {
      this.method = method;
    }
  }

  private static final Pattern PATH = Pattern.compile(
      "/v1/models/([^/:]+)(?:/versions/([^/:]+))?(/metadata|:[A-Za-z]+)?/?");

  /**
   * @throws ServingException 404 for a path outside the API, 405 for the wrong HTTP method, 400 for
   *     a version that is not a number
   */
  static RestRoute parse(String method, String path) {
    Matcher m = PATH.matcher(path);
    if (!m.matches()) {
      throw ServingException.notFound("Unknown path " + path + " (the API is /v1/models/{name}"
          + "[/versions/{n}] with /metadata or :predict)");
    }
    String suffix = m.group(3);
    Kind kind;
    if (suffix == null) {
      kind = Kind.STATUS;
    } else if (suffix.equals("/metadata")) {
      kind = Kind.METADATA;
    } else if (suffix.equals(":predict")) {
      kind = Kind.PREDICT;
    } else {
      throw ServingException.notFound("Unsupported API " + suffix + ": this server implements"
          + " :predict (not :classify or :regress)");
    }
    if (!kind.method.equals(method)) {
      throw ServingException.methodNotAllowed(kind.method, "Method " + method + " is not allowed on " + path
          + "; use " + kind.method);
    }
    OptionalLong version = OptionalLong.empty();
    if (m.group(2) != null) {
      try {
        version = OptionalLong.of(Long.parseLong(m.group(2)));
      } catch (NumberFormatException e) {
        throw ServingException.badRequest("Failed to convert version: " + m.group(2)
            + " to numeric.");
      }
    }
    return new RestRoute(kind, m.group(1), version);
  }
}
