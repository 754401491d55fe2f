package dev.tfjava.course;

/**
 * A failure the user can act on (bad input, missing device): the command line prints its message
 * on one line, without a stack trace, and exits with {@link #exitCode()}.
 */
public class CourseException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Exit code for a failure of the environment: a full disk, a failed write, a runtime error. */
  public static final int ENVIRONMENT = 1;
  /** Exit code for bad options, bad or missing data, outputs that would be overwritten. */
  public static final int BAD_INPUT = 2;
  /** Exit code for a device that was asked for but is not available. */
  public static final int DEVICE_UNAVAILABLE = 3;

  private final int exitCode;

  public CourseException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public CourseException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** Bad input: a missing or corrupt file, a value out of range. */
  public static CourseException badInput(String message) {
    return new CourseException(BAD_INPUT, message);
  }

  /** Bad input caused by a lower-level failure (kept as the cause for debugging). */
  public static CourseException badInput(String message, Throwable cause) {
    return new CourseException(BAD_INPUT, message, cause);
  }

  /** The environment failed (disk full, I/O error), not the user's input. */
  public static CourseException environment(String message, Throwable cause) {
    return new CourseException(ENVIRONMENT, message, cause);
  }

  public int exitCode() {
    return exitCode;
  }
}
