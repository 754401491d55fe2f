package dev.tfjava.course.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Where the four IDX files of a data set were found, and how to open each of them. */
public final class MnistFiles {
  private MnistFiles() {}

  /** Kinds of place, in the order {@link MnistSource} tries them. */
  public enum Origin {
    DATA_DIR, CACHE, SYSTEM, DOWNLOADED, EMBEDDED_SAMPLE;

    /** Lower-case name for output and metrics.json. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * The four files of a data set in one place: a folder on disk, or (for the embedded sample) a
   * resource folder beside this class.
   *
   * @param location the folder, or the resource path, as shown to the user
   */
  public record Located(Origin origin, String location, Path dir, String resource) {

    /** Files found in a folder on disk. */
    public static Located inDir(Origin origin, Path dir) {
      return new Located(origin, dir.toString(), dir, null);
    }

    /** The sample embedded in the project's resources. */
    public static Located embedded(String resource) {
      return new Located(Origin.EMBEDDED_SAMPLE, "embedded resource " + resource, null, resource);
    }

    /** Opens file {@code index} of {@link MnistVariant#FILES}. */
    public IdxFile.Source source(int index) {
      if (dir != null) {
        Path file = find(dir, index).orElse(dir.resolve(MnistVariant.FILES.get(index)));
        return () -> Files.newInputStream(file);
      }
      String path = resource + "/" + MnistVariant.FILES.get(index);
      return () -> {
        var in = MnistFiles.class.getResourceAsStream(path);
        if (in == null) {
          throw new java.nio.file.NoSuchFileException(path);
        }
        return in;
      };
    }

    /** The name error messages use for file {@code index}: its full path. */
    public String name(int index) {
      if (dir != null) {
        return find(dir, index).orElse(dir.resolve(MnistVariant.FILES.get(index))).toString();
      }
      return MnistVariant.FILES.get(index) + " (embedded sample)";
    }
  }

  /** File {@code index} in {@code dir}, gzip-compressed ({@code .gz}) or raw (without it). */
  public static Optional<Path> find(Path dir, int index) {
    String gz = MnistVariant.FILES.get(index);
    for (Path candidate : List.of(dir.resolve(gz), dir.resolve(gz.substring(0, gz.length() - 3)))) {
      if (Files.isRegularFile(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** The names of the files {@code dir} lacks (empty when all four are there). */
  public static List<String> missing(Path dir) {
    List<String> missing = new ArrayList<>();
    for (int i = 0; i < MnistVariant.FILES.size(); i++) {
      if (find(dir, i).isEmpty()) {
        missing.add(MnistVariant.FILES.get(i));
      }
    }
    return missing;
  }
}
