package dev.tfjava.course.serve.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Finds a model folder's versions, its numeric sub-folders (the highest is what TF Serving's
 * default "latest" policy serves). Entries that look like versions but cannot be one — a file, a dangling symlink, a
 * number past {@link #MAX_VERSION} — are skipped with a warning, never loaded or crashed on;
 * other names (hidden temporary folders, notes) are ignored.
 */
public final class VersionFolders {
  /** The largest integer a JSON client (a JavaScript double) reads exactly, 2^53 - 1. */
  public static final long MAX_VERSION = (1L << 53) - 1;

  private static final Pattern DIGITS = Pattern.compile("\\d+");

  /** One version folder. */
  public record Version(long number, Path folder) {}

  private VersionFolders() {}

  /**
   * The highest version under {@code modelDir}, if any; each skipped entry is reported to
   * {@code warn} as one line.
   */
  public static Optional<Version> latest(Path modelDir, Consumer<String> warn) {
    NavigableMap<Long, Path> versions = all(modelDir, warn);
    return versions.isEmpty() ? Optional.empty()
        : Optional.of(new Version(versions.lastKey(), versions.lastEntry().getValue()));
  }

  /** Every version under {@code modelDir} by number, skipped entries reported to {@code warn}. */
  public static NavigableMap<Long, Path> all(Path modelDir, Consumer<String> warn) {
    NavigableMap<Long, Path> versions = new TreeMap<>();
    if (!Files.isDirectory(modelDir)) {
      return versions;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(modelDir)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (!DIGITS.matcher(name).matches()) {
          continue;
        }
        long number = name.length() > 16 ? Long.MAX_VALUE : Long.parseLong(name);
        if (number > MAX_VERSION) {
          warn.accept("skipping " + entry + ": version numbers go up to " + MAX_VERSION);
        } else if (!Files.isDirectory(entry)) {
          warn.accept("skipping " + entry + ": " + (Files.isSymbolicLink(entry)
              ? "a symbolic link to nothing" : "not a folder"));
        } else {
          versions.put(number, entry);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Could not list " + modelDir + ": " + e.getMessage(), e);
    }
    return versions;
  }
}
