package dev.tfjava.course.serve.rest;

import dev.tfjava.course.serve.core.ErrorCode;
import dev.tfjava.course.serve.core.ServingException;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;

/**
 * An HTTP error answer with {@code {"error": message}}: either a core refusal mapped to its HTTP
 * status as TF Serving maps it, or one only HTTP has (a wrong method with its {@code Allow}, a
 * body over the limit, a deadline missed).
 */
final class HttpError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String allow;

  HttpError(int status, String message) {
    this(status, message, null);
  }

  private HttpError(int status, String message, String allow) {
    super(message);
    this.status = status;
    this.allow = allow;
  }

  /** 405: the path exists but takes another method (sent back in the Allow header). */
  static HttpError methodNotAllowed(String allow, String message) {
    return new HttpError(405, message, allow);
  }

  /** The answer to a request the HTTP decoder could not frame ({@code cause} says why). */
  static HttpError framing(Throwable cause) {
    if (cause instanceof TooLongHttpLineException) {
      return new HttpError(414, "The request line is longer than "
          + RestServer.MAX_REQUEST_LINE_BYTES + " bytes");
    }
    if (cause instanceof TooLongHttpHeaderException) {
      return new HttpError(431, "The request headers are larger than "
          + RestServer.MAX_HEADER_BYTES + " bytes");
    }
    if (cause instanceof PrematureChannelClosureException) {
      return new HttpError(400, "The connection was closed before the request was complete");
    }
    return new HttpError(400, "Bad HTTP request: " + cause.getMessage());
  }

  /** A core refusal, with the status TF Serving's REST server gives its code. */
  static HttpError of(ServingException e) {
    return new HttpError(status(e.code()), e.getMessage());
  }

  /** TF Serving's mapping of error codes to HTTP statuses ({@code http_server.cc}). */
  static int status(ErrorCode code) {
    return switch (code) {
      case OK -> 200;
      case CANCELLED -> 499;
      case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> 400;
      case DEADLINE_EXCEEDED -> 504;
      case NOT_FOUND -> 404;
      case ALREADY_EXISTS, ABORTED -> 409;
      case PERMISSION_DENIED -> 403;
      case RESOURCE_EXHAUSTED -> 429;
      case UNIMPLEMENTED -> 501;
      case UNAVAILABLE -> 503;
      case UNAUTHENTICATED -> 401;
      case UNKNOWN, INTERNAL, DATA_LOSS -> 500;
    };
  }

  /** The HTTP status to answer with. */
  int status() {
    return status;
  }

  /** The method a 405 allows instead, or {@code null}. */
  String allow() {
    return allow;
  }
}
