package dev.tfjava.course.export;

import dev.tfjava.course.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.tensorflow.Session;

/**
 * Training checkpoints (the notebooks' {@code saver.save} / {@code saver.restore}): a folder
 * holding {@code model.index} and {@code model.data-00000-of-00001}. Saving writes a temporary
 * folder and swaps it in, so an interrupted save never destroys the previous checkpoint.
 */
public final class Checkpoints {
  private static final String PREFIX = "model";

  private Checkpoints() {}

  /** Saves every variable of the session's graph into {@code dir}, replacing what was there. */
  public static Path save(Session session, Path dir) {
    Path parent = dir.toAbsolutePath().getParent();
    Path staging = null;
    Path old = null;
    try {
      Files.createDirectories(parent);
      staging = Files.createTempDirectory(parent, "." + dir.getFileName() + ".");
      session.save(staging.resolve(PREFIX).toString());
      if (Files.exists(dir)) {
        old = parent.resolve("." + dir.getFileName() + ".old-" + System.nanoTime());
        Files.move(dir, old);
      }
      Files.move(staging, dir);
      return dir;
    } catch (IOException e) {
      if (old != null && !Files.exists(dir)) {
        try {
          Files.move(old, dir);
          old = null;
        } catch (IOException ignored) {
          // The previous checkpoint stays at its temporary name; the message below says so.
        }
      }
      throw new UncheckedIOException("Could not save the checkpoint to " + dir + ": "
          + e.getMessage() + (old != null ? " (previous checkpoint kept at " + old + ")" : ""), e);
    } finally {
      AtomicFiles.deleteQuietly(staging);
      AtomicFiles.deleteQuietly(old);
    }
  }

  /** Restores the variables saved in {@code dir} into a session over a graph with the same names. */
  public static void restore(Session session, Path dir) {
    if (!Files.isRegularFile(dir.resolve(PREFIX + ".index"))) {
      throw dev.tfjava.course.CourseException.badInput(
          "No checkpoint in " + dir + " (expected " + PREFIX + ".index): train the model first.");
    }
    session.restore(dir.resolve(PREFIX).toString());
  }
}
