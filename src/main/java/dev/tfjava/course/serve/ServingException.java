package dev.tfjava.course.serve;

/**
 * A request the server answers with an error status and {@code {"error": message}}, the way
 * TensorFlow Serving reports failures. Anything else thrown while serving is a real fault (500).
 */
public final class ServingException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String allowedMethod;

  public ServingException(int status, String message) {
    this(status, message, null);
  }

  private ServingException(int status, String message, String allowedMethod) {
    super(message);
    this.status = status;
    this.allowedMethod = allowedMethod;
  }

  /** 400: the request is malformed or does not fit the model's signature. */
  public static ServingException badRequest(String message) {
    return new ServingException(400, message);
  }

  /** 404: no such path, model, version or signature. */
  public static ServingException notFound(String message) {
    return new ServingException(404, message);
  }

  /** 405: the path exists but takes another HTTP method (sent back in the Allow header). */
  public static ServingException methodNotAllowed(String allowedMethod, String message) {
    return new ServingException(405, message, allowedMethod);
  }

  /** The method a 405 allows instead, or {@code null}. */
  public String allowedMethod() {
    return allowedMethod;
  }

  /** The HTTP status code to answer with. */
  public int status() {
    return status;
  }
}
