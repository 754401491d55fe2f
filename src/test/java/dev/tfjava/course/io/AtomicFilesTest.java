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
  void writeViaKeepsTheExtensionForLibrariesThatNeedIt() throws IOException {
    Path target = dir.resolve("chart.png");
    AtomicFiles.writeVia(target, temp -> {
      assertEquals(true, temp.toString().endsWith(".png"));
      Files.writeString(temp, "png bytes");
    });
    assertEquals("png bytes", Files.readString(target));
  }
}
