package dev.tfjava.course.io;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes files so that a reader never sees half of one: the bytes go to a temporary sibling first,
 * which is then moved over the target in one step. A crash mid-write leaves the old file intact.
 */
public final class AtomicFiles {

  /** Produces the content of a file into a stream. */
  @FunctionalInterface
  public interface Writer {
    void writeTo(OutputStream out) throws IOException;
  }

  private AtomicFiles() {}

  /** Writes {@code target} atomically, creating its parent folders. */
  public static void write(Path target, Writer content) {
    Path parent = target.toAbsolutePath().getParent();
    Path temp = null;
    try {
      Files.createDirectories(parent);
      temp = Files.createTempFile(parent, "." + target.getFileName() + ".", ".tmp");
      try (OutputStream out = Files.newOutputStream(temp)) {
        content.writeTo(out);
      }
      moveIntoPlace(temp, target);
    } catch (IOException e) {
      deleteQuietly(temp);
      throw new UncheckedIOException("Could not write " + target + ": " + e.getMessage(), e);
    }
  }

  /** Produces a file at a path it is given (for libraries that only write to paths). */
  @FunctionalInterface
  public interface PathWriter {
    void writeTo(Path temp) throws IOException;
  }

  /**
   * Writes {@code target} atomically through a library that insists on writing a path itself:
   * it writes a temporary sibling with the same extension, which is then moved into place.
   */
  public static void writeVia(Path target, PathWriter content) {
    Path parent = target.toAbsolutePath().getParent();
    String name = target.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String extension = dot < 0 ? "" : name.substring(dot);
    Path temp = null;
    try {
      Files.createDirectories(parent);
      temp = Files.createTempFile(parent, "." + name + ".", ".tmp" + extension);
      content.writeTo(temp);
      moveIntoPlace(temp, target);
    } catch (IOException e) {
      deleteQuietly(temp);
      throw new UncheckedIOException("Could not write " + target + ": " + e.getMessage(), e);
    }
  }

  /** Writes {@code bytes} to {@code target} atomically. */
  public static void write(Path target, byte[] bytes) {
    write(target, out -> out.write(bytes));
  }

  /** Moves a finished temporary file or folder onto its final name in one step where possible. */
  public static void moveIntoPlace(Path source, Path target) throws IOException {
    try {
      Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Deletes a file or a folder tree, ignoring what is already gone; used to clean up temp output. */
  public static void deleteQuietly(Path path) {
    if (path == null || !Files.exists(path)) {
      return;
    }
    try (var walk = Files.walk(path)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException ignored) {
      // Best effort: a leftover temp file is harmless, the real output is untouched.
    }
  }
}
