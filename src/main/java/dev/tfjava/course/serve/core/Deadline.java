package dev.tfjava.course.serve.core;

import java.time.Duration;

/**
 * When a caller stops waiting for its answer (a gRPC call's deadline), on {@link System#nanoTime}'s
 * clock; {@link #NONE} never passes. Work still queued at its deadline is not run, and the call
 * is answered DEADLINE_EXCEEDED then.
 */
public record Deadline(long nanoTime, boolean none) {
  /** No deadline. */
  public static final Deadline NONE = new Deadline(0, true);

  /** {@code timeout} from now. */
  public static Deadline after(Duration timeout) {
    return new Deadline(System.nanoTime() + timeout.toNanos(), false);
  }

  /** Nanoseconds left (negative once passed; {@link Long#MAX_VALUE} for none). */
  public long remainingNanos() {
    return none ? Long.MAX_VALUE : nanoTime - System.nanoTime();
  }

  public boolean passed() {
    return !none && remainingNanos() <= 0;
  }

  /** TF Serving's error for a call whose deadline passed before its answer. */
  public static ServingException exceeded(String what) {
    return new ServingException(ErrorCode.DEADLINE_EXCEEDED, "Deadline exceeded: " + what);
  }
}
