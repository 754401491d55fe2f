package dev.tfjava.course.serve.core;

/**
 * One version's state as TF Serving's {@code ModelVersionStatus} reports it: the version, where it
 * is in its life ({@link State}), and the error that ended it, if one did ({@link ErrorCode#OK}
 * and an empty message otherwise).
 */
public record VersionStatus(long version, State state, ErrorCode errorCode, String errorMessage) {

  /** TF Serving's {@code ModelVersionStatus.State}, with its numbers. */
  public enum State {
    UNKNOWN(0), START(10), LOADING(20), AVAILABLE(30), UNLOADING(40), END(50);

    private final int number;

    State(int number) {
      this.number = number;
    }

    /** The state's number in {@code get_model_status.proto}. */
    public int number() {
      return number;
    }
  }

  /** A version being served. */
  public static VersionStatus available(long version) {
    return new VersionStatus(version, State.AVAILABLE, ErrorCode.OK, "");
  }

  /** A version that was served and has been unloaded. */
  public static VersionStatus ended(long version) {
    return new VersionStatus(version, State.END, ErrorCode.OK, "");
  }

  /** A version that could not be loaded, with the error that ended it. */
  public static VersionStatus failed(long version, ErrorCode code, String message) {
    return new VersionStatus(version, State.END, code, message);
  }
}
