package dev.tfjava.course.serve.core;

/**
 * A request the server refuses, with TensorFlow's error code and a message for the client, the way
 * TensorFlow Serving reports failures (REST: an HTTP status and {@code {"error": message}}; gRPC:
 * the status code and its description). Anything else thrown while serving is a real fault.
 */
public final class ServingException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  public ServingException(ErrorCode code, String message) {
    super(message);
    this.code = code;
  }

  /** The request is malformed or does not fit the model's signature. */
  public static ServingException invalidArgument(String message) {
    return new ServingException(ErrorCode.INVALID_ARGUMENT, message);
  }

  /** No such model, version or signature. */
  public static ServingException notFound(String message) {
    return new ServingException(ErrorCode.NOT_FOUND, message);
  }

  /** The request is well formed but the model cannot answer it as asked. */
  public static ServingException failedPrecondition(String message) {
    return new ServingException(ErrorCode.FAILED_PRECONDITION, message);
  }

  /** The server cannot take the request now (overloaded or stopping); retrying may work. */
  public static ServingException unavailable(String message) {
    return new ServingException(ErrorCode.UNAVAILABLE, message);
  }

  /** A fault of the server or the model, nothing the client could change. */
  public static ServingException internal(String message) {
    return new ServingException(ErrorCode.INTERNAL, message);
  }

  public ErrorCode code() {
    return code;
  }
}
