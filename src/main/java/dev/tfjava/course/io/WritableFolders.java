package dev.tfjava.course.io;

import dev.tfjava.course.CourseException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Checks, before any work starts, that the folders a run will write to can be written: an
 * unwritable {@code --out} found only after ten minutes of training is ten minutes lost.
 */
public final class WritableFolders {
  private WritableFolders() {}

  /**
   * Writes and deletes a probe file in {@code dir}, or, when it does not exist yet, in its nearest
   * existing ancestor (where the run will create it): nothing is left behind either way.
   *
   * @param option the option that names the folder, for the message
   * @throws CourseException (bad input) naming the option, the folder and the reason
   */
  public static void require(Path dir, String option) {
    try {
      Path existing = dir.toAbsolutePath();
      while (!Files.exists(existing) && existing.getParent() != null) {
        existing = existing.getParent();
      }
      if (!Files.isDirectory(existing)) {
        throw new FileAlreadyExistsException(existing.toString());
      }
      Path probe = Files.createTempFile(existing, ".write-probe-", ".tmp");
      Files.delete(probe);
    } catch (IOException | SecurityException e) {
      throw CourseException.badInput(option + " " + dir + " is not a folder this run can write"
          + " to (" + reason(e) + "); choose another", e);
    }
  }

  private static String reason(Exception e) {
    if (e instanceof NoSuchFileException) {
      return "cannot create " + e.getMessage();
    }
    if (e instanceof AccessDeniedException || e instanceof SecurityException) {
      return "permission denied: " + e.getMessage();
    }
    if (e instanceof FileAlreadyExistsException) {
      return e.getMessage() + " is a file";
    }
    return e.getMessage();
  }
}
