package dev.tfjava.course.serve.core;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * What a version folder holds, as far as telling "changed" from "the same" goes: every file and
 * folder under it with its size, modification time and file key (inode), in walk order sorted by
 * path. Two equal fingerprints mean nobody wrote, replaced or removed anything in between, so a
 * load that failed would fail again; a different one is worth another try. Files are not read.
 */
record VersionFingerprint(List<String> entries) {

  /** The fingerprint of {@code folder} now; one that cannot be read is its own fingerprint. */
  static VersionFingerprint of(Path folder) {
    List<String> entries = new ArrayList<>();
    try {
      Files.walkFileTree(folder, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
          entries.add(describe(folder, dir, attributes));
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
          entries.add(describe(folder, file, attributes));
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          entries.add(folder.relativize(file) + " unreadable: " + e);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      entries.add("unreadable: " + e);
    }
    entries.sort(null);
    return new VersionFingerprint(List.copyOf(entries));
  }

  private static String describe(Path root, Path path, BasicFileAttributes attributes) {
    return root.relativize(path) + " " + attributes.size() + " "
        + attributes.lastModifiedTime().toInstant() + " " + attributes.fileKey();
  }
}
