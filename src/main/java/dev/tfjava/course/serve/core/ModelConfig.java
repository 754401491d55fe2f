package dev.tfjava.course.serve.core;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * One model a server serves, TF Serving's {@code ModelConfig}: its name, the folder of its
 * numeric version folders, which of them to serve, and version labels (e.g. {@code stable} and
 * {@code canary}) that clients may ask for instead of a number.
 */
public record ModelConfig(String name, Path basePath, VersionPolicy policy,
    Map<String, Long> labels) {

  public ModelConfig {
    labels = Map.copyOf(labels);
  }

  /** A model served as TF Serving serves it by default: the latest version, no labels. */
  public static ModelConfig latest(String name, Path basePath) {
    return new ModelConfig(name, basePath, VersionPolicy.latest(), Map.of());
  }

  /** The labels sorted by name. */
  public Map<String, Long> sortedLabels() {
    return new TreeMap<>(labels);
  }
}
