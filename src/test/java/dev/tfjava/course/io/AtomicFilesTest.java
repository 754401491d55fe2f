package dev.tfjava.course.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

  @TempDir
  Path dir;

  @Test
  void aFailedWriteLeavesTheOldFileAndNoTemporaryFile() throws IOException {
    Path target = dir.resolve("metrics.json");
    AtomicFiles.write(target, "old".getBytes());
    assertThrows(UncheckedIOException.class, () -> AtomicFiles.write(target, out -> {
      out.write("half".getBytes());
      throw new IOException("disk full");
    }));
    assertEquals("old", Files.readString(target));
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count());
    }
  }

  @Test
  void filesAreReadableByOthersAndWritersMayCloseTheStream() throws IOException {
    Path target = dir.resolve("sub").resolve("metrics.json");
    AtomicFiles.write(target, out -> {
      out.write("{}".getBytes());
      out.close(); // Jackson closes what it writes to
    });
    assertEquals("{}", Files.readString(target));
    // The umask's default permissions (0644 / 0755 with the usual 022), not temp files' 0600.
    assertEquals(Files.getPosixFilePermissions(Files.createFile(dir.resolve("plain"))),
        Files.getPosixFilePermissions(target));
    assertEquals(Files.getPosixFilePermissions(Files.createDirectory(dir.resolve("folder"))),
        Files.getPosixFilePermissions(target.getParent()));
  }

  @Test
  void writeViaKeepsTheExtensionForLibrariesThatNeedIt() throws IOException {
    Path target = dir.resolve("chart.png");
    AtomicFiles.writeVia(target, temp -> {
      assertEquals(true, temp.toString().endsWith(".png"));
      Files.writeString(temp, "png bytes");
    });
    assertEquals("png bytes", Files.readString(target));
  }
}
