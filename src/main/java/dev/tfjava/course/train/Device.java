package dev.tfjava.course.train;

/** Where a lesson's graph runs: {@code AUTO} takes the GPU when TensorFlow sees one. */
public enum Device {
  AUTO,
  CPU,
  GPU
}
