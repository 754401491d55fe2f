package dev.tfjava.course.serve.core;

/**
 * A request's hold on one loaded model version: while it is open the bundle stays loaded even if
 * a newer version replaces it. Use it in try-with-resources.
 */
public final class ModelLease implements AutoCloseable {
  private final LoadedModel model;
  private boolean released;

  /** Wraps a model on which one reference has already been taken. */
  ModelLease(LoadedModel model) {
    this.model = model;
  }

  public LoadedModel model() {
    return model;
  }

  @Override
  public void close() {
    if (!released) {
      released = true;
      model.release();
    }
  }
}
