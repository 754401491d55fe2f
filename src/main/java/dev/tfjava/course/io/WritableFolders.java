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
   * Creates {@code dir} if needed and writes and deletes a probe file in it.
   *
   * @param option the option that names the folder, for the message
   * @throws CourseException (bad input) naming the option, the folder and the reason
   */
  public static void require(Path dir, String option) {
    try {
      Files.createDirectories(dir);
      Path probe = Files.createTempFile(dir, ".write-probe-", ".tmp");
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
