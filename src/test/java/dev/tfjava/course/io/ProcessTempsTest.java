package dev.tfjava.course.io;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which leftovers the next run may delete: those of dead processes, pid reuse included. */
class ProcessTempsTest {
  @TempDir
  Path dir;

  @Test
  void aLiveOwnersTempStaysAndADeadOnesGoes() throws Exception {
    Process owner = new ProcessBuilder("sleep", "60").start();
    try {
      Path temp = Files.createFile(dir.resolve(".export-pid" + owner.pid() + "-1"));
      // Written after its owner started: work in progress.
      Files.setLastModifiedTime(temp, FileTime.from(Instant.now().plusSeconds(1)));
      assertFalse(ProcessTemps.isStale(temp, ".export-"));

      // Written an hour before the process that now has its pid started: that pid was reused.
      Files.setLastModifiedTime(temp, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
      assertTrue(ProcessTemps.isStale(temp, ".export-"));

      Files.setLastModifiedTime(temp, FileTime.from(Instant.now().plusSeconds(1)));
      owner.destroyForcibly();
      assertTrue(owner.waitFor(10, TimeUnit.SECONDS));
      assertTrue(ProcessTemps.isStale(temp, ".export-"), "its process is gone");

      ProcessTemps.cleanStale(dir, ".export-");
      assertFalse(Files.exists(temp));
    } finally {
      owner.destroyForcibly();
    }
  }

  @Test
  void thisProcesssOwnTempsAndOtherNamesAreNeverStale() throws Exception {
    Path own = ProcessTemps.createDirectory(dir, ".export-");
    Files.setLastModifiedTime(own, FileTime.from(Instant.EPOCH));
    assertFalse(ProcessTemps.isStale(own, ".export-"));
    Path other = Files.createFile(dir.resolve(".export-notapid"));
    assertFalse(ProcessTemps.isStale(other, ".export-"));
    assertFalse(ProcessTemps.isStale(own, ".checkpoint-"));
  }
}
