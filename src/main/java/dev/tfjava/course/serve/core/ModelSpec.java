package dev.tfjava.course.serve.core;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * Which servable a request asks for, TF Serving's {@code ModelSpec}: a model name and at most one
 * of a version number or a version label; neither means the latest available version.
 */
public record ModelSpec(String name, OptionalLong version, Optional<String> label) {

  /**
   * @throws ServingException INVALID_ARGUMENT for an empty name, or a version and a label together
   */
  public ModelSpec {
    if (name == null || name.isEmpty()) {
      throw ServingException.invalidArgument("ModelSpec has no name specified.");
    }
    if (version.isPresent() && label.isPresent()) {
      throw ServingException.invalidArgument("ModelSpec has both a version and a version label"
          + " (" + version.getAsLong() + ", \"" + label.get() + "\"); give at most one");
    }
  }

  /** The latest version of {@code name}. */
  public static ModelSpec latest(String name) {
    return new ModelSpec(name, OptionalLong.empty(), Optional.empty());
  }

  /** {@code version} of {@code name}, or the latest when it is empty. */
  public static ModelSpec of(String name, OptionalLong version) {
    return new ModelSpec(name, version, Optional.empty());
  }

  /** The version labelled {@code label} of {@code name}. */
  public static ModelSpec labelled(String name, String label) {
    return new ModelSpec(name, OptionalLong.empty(), Optional.of(label));
  }

  /** TF Serving's wording for a servable that is not loaded (NOT_FOUND). */
  public ServingException notLoaded() {
    return ServingException.notFound(notFoundMessage());
  }

  /** TF Serving's wording for a servable that is not loaded, and why (NOT_FOUND). */
  public ServingException notLoaded(String why) {
    return ServingException.notFound(notFoundMessage() + ": " + why);
  }

  private String notFoundMessage() {
    return "Servable not found for request: "
        + (version.isPresent() ? "Specific(" + name + ", " + version.getAsLong() + ")"
            : "Latest(" + name + ")");
  }
}
