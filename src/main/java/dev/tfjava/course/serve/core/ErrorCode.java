package dev.tfjava.course.serve.core;

/**
 * TensorFlow's canonical error codes ({@code tensorflow.error.Code}, the same numbers as gRPC's
 * status codes), which TF Serving reports on both of its APIs: gRPC passes them through, REST maps
 * them to HTTP statuses. The core speaks only these; each front door translates.
 */
public enum ErrorCode {
  OK(0), CANCELLED(1), UNKNOWN(2), INVALID_ARGUMENT(3), DEADLINE_EXCEEDED(4), NOT_FOUND(5),
  ALREADY_EXISTS(6), PERMISSION_DENIED(7), RESOURCE_EXHAUSTED(8), FAILED_PRECONDITION(9),
  ABORTED(10), OUT_OF_RANGE(11), UNIMPLEMENTED(12), INTERNAL(13), UNAVAILABLE(14), DATA_LOSS(15),
  UNAUTHENTICATED(16);

  private final int number;

  ErrorCode(int number) {
    this.number = number;
  }

  /** The code's number in {@code tensorflow.error.Code} and gRPC. */
  public int number() {
    return number;
  }
}
