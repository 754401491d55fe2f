package dev.tfjava.course.serve.core;

/** Where requests get their models from: the server's repository, or one model for {@code predict}. */
@FunctionalInterface
public interface ModelSource {

  /**
   * Leases the version of a model {@code spec} asks for.
   *
   * @throws ServingException NOT_FOUND if no such model or version is loaded, INVALID_ARGUMENT for
   *     an unknown version label
   */
  ModelLease acquire(ModelSpec spec);

  /** TF Serving's wording for a label no version carries (INVALID_ARGUMENT). */
  static ServingException unknownLabel(String label) {
    return ServingException.invalidArgument("Unrecognized servable version label: " + label);
  }

  /** A source serving just {@code model} (the {@code predict} command's one loaded version). */
  static ModelSource of(LoadedModel model) {
    return spec -> {
      if (spec.label().isPresent()) {
        throw unknownLabel(spec.label().get());
      }
      if (!spec.name().equals(model.name())
          || (spec.version().isPresent() && spec.version().getAsLong() != model.version())
          || !model.tryRetain()) {
        throw spec.notLoaded();
      }
      return new ModelLease(model);
    };
  }
}
