package dev.tfjava.course.io;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;

/**
 * Writes files so that a reader never sees half of one: the bytes go to a temporary sibling first,
 * are flushed to the disk (fsync), and the sibling is then moved over the target in one step, after
 * which the folder is flushed too. A crash mid-write leaves the old file intact; power loss after
 * the call returns leaves the new one. Files get the default permissions (0644 under the usual
 * umask), so other users and containers can read a run's outputs.
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
      temp = ProcessTemps.createFile(parent, "." + target.getFileName() + ".", ".tmp");
      try (FileOutputStream file = new FileOutputStream(temp.toFile())) {
        // Writers such as Jackson close the stream they are given: closing only flushes here,
        // so that the file can still be synced before it is renamed.
        OutputStream out = new BufferedOutputStream(file) {
          @Override
          public void close() throws IOException {
            flush();
          }
        };
        content.writeTo(out);
        out.flush();
        file.getFD().sync();
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
      temp = ProcessTemps.createFile(parent, "." + name + ".", ".tmp" + extension);
      content.writeTo(temp);
      fsync(temp);
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

  /**
   * Moves a finished (and flushed) temporary file or folder onto its final name in one step where
   * possible, then flushes the folder so that the rename itself survives a power loss.
   */
  public static void moveIntoPlace(Path source, Path target) throws IOException {
    try {
      Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
    }
    fsyncDirectory(target.toAbsolutePath().getParent());
  }

  /** Flushes a file's content to the disk. */
  public static void fsync(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  /** Flushes every file and folder under {@code root}, e.g. a staging folder before publishing it. */
  public static void fsyncTree(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        if (Files.isDirectory(p)) {
          fsyncDirectory(p);
        } else {
          fsync(p);
        }
      }
    }
  }

  /**
   * Flushes a folder's entries (new names, renames). Some systems (Windows) cannot open a folder
   * for this; there it is skipped, as their file systems journal renames themselves.
   */
  public static void fsyncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Not supported here; the rename is still atomic.
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
