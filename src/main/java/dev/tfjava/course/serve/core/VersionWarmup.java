package dev.tfjava.course.serve.core;

import java.nio.file.Path;

/**
 * What runs on a freshly loaded version before it is served (AVAILABLE), on the loading thread.
 * A failure fails the version's load, with its message in the model's status.
 */
@FunctionalInterface
public interface VersionWarmup {
  /** One run of every predict signature on zeros ({@link LoadedModel#warmUp()}). */
  VersionWarmup ZEROS = (model, versionDir) -> model.warmUp();

  /**
   * Warms {@code model}, loaded from {@code versionDir}.
   *
   * @throws RuntimeException to fail the load (the message says why)
   */
  void warm(LoadedModel model, Path versionDir);
}
