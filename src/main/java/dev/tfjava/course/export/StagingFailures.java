package dev.tfjava.course.export;

import dev.tfjava.course.CourseException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;

/**
 * A checkpoint or SavedModel failed to write inside its hidden staging folder (a full disk, a file
 * size limit): the one line the user sees names their own folder ({@code --models},
 * {@code --checkpoints}) and the cause, never the staging path, which is gone by the time they read
 * it. TensorFlow words such failures as {@code "<staging file>; No space left on device"}, Java as a
 * {@link FileSystemException} whose message starts with the file.
 */
final class StagingFailures {
  private StagingFailures() {}

  /**
   * A failure of the environment (exit 1): {@code what} ("export the SavedModel") to {@code
   * folder}, given by {@code option}, failed with {@code error}, raised under {@code staging}.
   */
  static CourseException of(String what, Path folder, String option, Path staging,
      Exception error) {
    String cause = cause(error, staging);
    boolean space = cause.contains("No space left") || cause.contains("File too large")
        || cause.contains("quota");
    return CourseException.environment("Could not " + what + " to " + folder + ": " + cause
        + (space ? " (free some space, or give " + option + " another folder)" : ""), error);
  }

  /** The cause of {@code error} without the staging path. */
  static String cause(Exception error, Path staging) {
    if (error instanceof FileSystemException fileError && fileError.getReason() != null) {
      return fileError.getReason();
    }
    String message = firstLine(error.getMessage());
    String hidden = staging == null ? null : staging.toString();
    if (hidden == null || !message.contains(hidden)) {
      return message;
    }
    // "<path under staging>; <cause>": keep the cause. Otherwise name the user's folder instead.
    int separator = message.lastIndexOf("; ");
    if (separator >= 0 && message.lastIndexOf(hidden) < separator) {
      return message.substring(separator + 2);
    }
    return message.replace(hidden, staging.getParent().toString());
  }

  private static String firstLine(String message) {
    if (message == null || message.isBlank()) {
      return "unknown error";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message.strip() : message.substring(0, newline).strip();
  }
}
