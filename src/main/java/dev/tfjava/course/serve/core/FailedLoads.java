package dev.tfjava.course.serve.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.tensorflow.exceptions.TFFailedPreconditionException;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.exceptions.TFOutOfRangeException;
import org.tensorflow.exceptions.TFPermissionDeniedException;
import org.tensorflow.exceptions.TFResourceExhaustedException;
import org.tensorflow.exceptions.TFUnauthenticatedException;
import org.tensorflow.exceptions.TFUnimplementedException;

/**
 * The versions that could not be loaded, each with its error as TF Serving reports one (state END,
 * the error's code and message), and when each is worth another try: on the next scans while
 * fewer than {@link #ATTEMPTS} attempts have failed on the same files (a failure that may pass,
 * such as memory running short), and whenever its files change ({@link VersionFingerprint}: a copy
 * still under way, a fix). Thread-safe: scans write, requests read.
 */
final class FailedLoads {
  /**
   * Attempts on unchanged files, one per scan. (TF Serving makes 1 + 5 a minute apart, then none;
   * here a change of files starts the count again.)
   */
  static final int ATTEMPTS = 5;

  /** The last failed attempt on one version. */
  private record Failure(Path folder, VersionFingerprint files, int attempts,
      VersionStatus status) {}

  /** TF Java's exception for each code it keeps (disjoint subclasses of TensorFlowException). */
  private static final Map<Class<? extends RuntimeException>, ErrorCode> TF_CODES = Map.of(
      TFInvalidArgumentException.class, ErrorCode.INVALID_ARGUMENT,
      TFFailedPreconditionException.class, ErrorCode.FAILED_PRECONDITION,
      TFOutOfRangeException.class, ErrorCode.OUT_OF_RANGE,
      TFPermissionDeniedException.class, ErrorCode.PERMISSION_DENIED,
      TFResourceExhaustedException.class, ErrorCode.RESOURCE_EXHAUSTED,
      TFUnauthenticatedException.class, ErrorCode.UNAUTHENTICATED,
      TFUnimplementedException.class, ErrorCode.UNIMPLEMENTED);

  private final Map<String, NavigableMap<Long, Failure>> failures = new HashMap<>();

  /** Whether {@code version}, whose folder holds {@code files} now, should be loaded now. */
  synchronized boolean due(String model, long version, VersionFingerprint files) {
    Failure last = find(model, version);
    return last == null || last.attempts() < ATTEMPTS || !last.files().equals(files);
  }

  /**
   * Records a failed load of {@code folder}, which held {@code files} before the attempt.
   *
   * @return the attempt's number on these files, 1 to {@link #ATTEMPTS}
   */
  synchronized int failed(String model, long version, Path folder, VersionFingerprint files,
      RuntimeException error) {
    Failure last = find(model, version);
    int attempt = last != null && last.files().equals(files) ? last.attempts() + 1 : 1;
    VersionStatus status = VersionStatus.failed(version, codeOf(error, folder),
        messageOf(error, folder));
    failures.computeIfAbsent(model, m -> new TreeMap<>())
        .put(version, new Failure(folder, files, attempt, status));
    return attempt;
  }

  /** {@code version} loaded: nothing to report any more. */
  synchronized void loaded(String model, long version) {
    NavigableMap<Long, Failure> versions = failures.get(model);
    if (versions != null) {
      versions.remove(version);
    }
  }

  /** Forgets the failures of {@code model} whose version folder is gone (all, if it is). */
  synchronized void forgetRemoved(String model) {
    NavigableMap<Long, Failure> versions = failures.get(model);
    if (versions != null) {
      versions.values().removeIf(f -> !Files.isDirectory(f.folder()));
      if (versions.isEmpty()) {
        failures.remove(model);
      }
    }
  }

  /** The failed versions of {@code model}, highest first. */
  synchronized List<VersionStatus> statuses(String model) {
    NavigableMap<Long, Failure> versions = failures.get(model);
    return versions == null ? List.of()
        : versions.descendingMap().values().stream().map(Failure::status).toList();
  }

  /** The failure of {@code version}, or of the highest failed version when it is empty. */
  synchronized Optional<VersionStatus> of(String model, OptionalLong version) {
    NavigableMap<Long, Failure> versions = failures.get(model);
    if (versions == null || versions.isEmpty()) {
      return Optional.empty();
    }
    Failure failure = version.isPresent() ? versions.get(version.getAsLong())
        : versions.lastEntry().getValue();
    return Optional.ofNullable(failure).map(Failure::status);
  }

  private Failure find(String model, long version) {
    NavigableMap<Long, Failure> versions = failures.get(model);
    return versions == null ? null : versions.get(version);
  }

  /**
   * TensorFlow's message, with the folder it was loading when the message does not name it
   * (TensorFlow's "Read less bytes than requested" for a truncated {@code saved_model.pb} does not).
   */
  static String messageOf(RuntimeException error, Path folder) {
    String message = String.valueOf(error.getMessage());
    return message.contains(folder.toString()) ? message
        : "Could not load " + folder + ": " + message;
  }

  /**
   * TensorFlow's code for a failed load. TF Java keeps the code only in its exception's class
   * (NOT_FOUND and DATA_LOSS, among others, arrive as a plain {@code TensorFlowException}), so a
   * folder without a {@code saved_model.pb} is recognised here, as TensorFlow's loader reports it.
   */
  static ErrorCode codeOf(RuntimeException error, Path folder) {
    if (error instanceof ServingException serving) {
      return serving.code();
    }
    for (Map.Entry<Class<? extends RuntimeException>, ErrorCode> tf : TF_CODES.entrySet()) {
      if (tf.getKey().isInstance(error)) {
        return tf.getValue();
      }
    }
    if (!Files.exists(folder.resolve("saved_model.pb"))
        && !Files.exists(folder.resolve("saved_model.pbtxt"))) {
      return ErrorCode.NOT_FOUND;
    }
    return ErrorCode.UNKNOWN;
  }
}
