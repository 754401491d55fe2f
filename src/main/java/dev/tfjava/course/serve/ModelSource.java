package dev.tfjava.course.serve;

import java.util.OptionalLong;

/** Where requests get their models from: the server's repository, or one model for {@code predict}. */
@FunctionalInterface
public interface ModelSource {

  /**
   * Leases the served version of {@code name} (the requested {@code version}, or the latest).
   *
   * @throws ServingException 404 if no such model or version is loaded
   */
  ModelLease acquire(String name, OptionalLong version);

  /** TF Serving's wording for a servable that is not loaded. */
  static ServingException notFound(String name, OptionalLong version) {
    return ServingException.notFound("Servable not found for request: "
        + (version.isPresent() ? "Specific(" + name + ", " + version.getAsLong() + ")"
            : "Latest(" + name + ")"));
  }

  /** A source serving just {@code model} (the {@code predict} command's one loaded version). */
  static ModelSource of(LoadedModel model) {
    return (name, version) -> {
      if (!name.equals(model.name())
          || (version.isPresent() && version.getAsLong() != model.version())
          || !model.tryRetain()) {
        throw notFound(name, version);
      }
      return new ModelLease(model);
    };
  }
}
