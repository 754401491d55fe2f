package dev.tfjava.course.data;

import dev.tfjava.course.CourseException;
import dev.tfjava.course.io.VerifiedDownload;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Finds a data set's four files, trying in order: the folder the user named ({@code --data}); the
 * cache folder; the folder an OS package installs (Fashion-MNIST on Debian); a verified download
 * into the cache; and, offline, the embedded 2,500-digit MNIST sample, with a loud warning.
 */
public final class MnistSource {
  /** Environment variable that moves the cache root (default {@code ~/.cache/tfjava-course}). */
  public static final String CACHE_ENV = "TFJAVA_COURSE_CACHE";

  private final MnistVariant variant;
  private final Path cacheDir;
  private final List<URI> mirrors;
  private final boolean download;
  private final Optional<Path> systemDir;
  private final PrintStream log;

  /**
   * @param cacheRoot the cache root; the data set's files live in {@code <root>/<variant id>}
   * @param mirrors where to download from (the variant's own mirrors normally; tests pass a local one)
   * @param download whether a download may be tried ({@code --offline} turns it off)
   * @param systemDir the OS package's folder to try, if any
   * @param log where warnings and the choice made are printed
   */
  public MnistSource(MnistVariant variant, Path cacheRoot, List<URI> mirrors, boolean download,
      Optional<Path> systemDir, PrintStream log) {
    this.variant = variant;
    this.cacheDir = cacheRoot.resolve(variant.id());
    this.mirrors = mirrors;
    this.download = download;
    this.systemDir = systemDir;
    this.log = log;
  }

  /** A source with the variant's own mirrors and OS folder. */
  public static MnistSource standard(MnistVariant variant, Path cacheRoot, boolean download,
      PrintStream log) {
    return new MnistSource(variant, cacheRoot, variant.mirrors(), download, variant.systemDir(), log);
  }

  /**
   * {@code $TFJAVA_COURSE_CACHE}, else {@code $XDG_CACHE_HOME/tfjava-course}, else
   * {@code ~/.cache/tfjava-course}.
   */
  public static Path defaultCacheRoot() {
    String explicit = System.getenv(CACHE_ENV);
    if (explicit != null && !explicit.isBlank()) {
      return Path.of(explicit);
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
        : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("tfjava-course");
  }

  public Path cacheDir() {
    return cacheDir;
  }

  /** Finds the files; {@code dataDir} is {@code --data} (or {@code null}). */
  public MnistFiles.Located locate(Path dataDir) {
    if (dataDir != null) {
      return fromDataDir(dataDir);
    }
    if (MnistFiles.missing(cacheDir).isEmpty()) {
      return MnistFiles.Located.inDir(MnistFiles.Origin.CACHE, cacheDir);
    }
    if (systemDir.isPresent() && MnistFiles.missing(systemDir.get()).isEmpty()) {
      return MnistFiles.Located.inDir(MnistFiles.Origin.SYSTEM, systemDir.get());
    }
    String downloadFailure = download ? tryDownload() : "--offline";
    if (downloadFailure == null) {
      return MnistFiles.Located.inDir(MnistFiles.Origin.DOWNLOADED, cacheDir);
    }
    return embeddedSample(downloadFailure);
  }

  private MnistFiles.Located fromDataDir(Path dataDir) {
    if (!Files.isDirectory(dataDir)) {
      throw CourseException.badInput("--data " + dataDir + ": no such folder");
    }
    List<String> missing = MnistFiles.missing(dataDir);
    if (!missing.isEmpty()) {
      throw CourseException.badInput("--data " + dataDir + ": missing " + String.join(", ", missing)
          + " (gzip-compressed, or raw without .gz)");
    }
    return MnistFiles.Located.inDir(MnistFiles.Origin.DATA_DIR, dataDir);
  }

  /** Downloads the files the cache lacks; returns {@code null} on success, else why it failed. */
  private String tryDownload() {
    log.println("No " + variant.id() + " files in " + cacheDir
        + ": downloading them (MD5-verified)...");
    try {
      for (int i = 0; i < MnistVariant.FILES.size(); i++) {
        if (MnistFiles.find(cacheDir, i).isEmpty()) {
          VerifiedDownload.download(mirrors, MnistVariant.FILES.get(i), variant.md5(i),
              cacheDir.resolve(MnistVariant.FILES.get(i)));
        }
      }
      return null;
    } catch (IOException e) {
      return e.getMessage();
    }
  }

  private MnistFiles.Located embeddedSample(String downloadFailure) {
    String resource = variant.sampleResource().orElseThrow(() -> CourseException.badInput(
        "No " + variant.id() + " data: not in " + cacheDir
            + systemDir.map(d -> " nor " + d).orElse("") + ", and no download (" + downloadFailure
            + "). Pass --data DIR with the four IDX files"
            + (variant == MnistVariant.FASHION_MNIST
                ? ", or on Debian: apt-get install dataset-fashion-mnist." : ".")));
    log.println();
    log.println("*******************************************************************************");
    log.println("* WARNING: using the EMBEDDED " + variant.id().toUpperCase(java.util.Locale.ROOT)
        + " SAMPLE (2,000 training + 500 test digits).");
    log.println("* No data in " + cacheDir + " and no download (" + downloadFailure + ").");
    log.println("* Accuracies will NOT match the notebook's 98%+. For the full data set put the four");
    log.println("* IDX files in that folder or pass --data DIR (see --help).");
    log.println("*******************************************************************************");
    log.println();
    return MnistFiles.Located.embedded(resource);
  }
}
