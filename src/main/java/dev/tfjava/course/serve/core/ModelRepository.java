package dev.tfjava.course.serve.core;

import dev.tfjava.course.train.ThreadSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The models a server serves: every folder under the models root is a model, and its highest
 * numeric version folder is the version served (TensorFlow Serving's default "latest" policy).
 *
 * <p>{@link #startWatching} rescans the root every few seconds, as TF Serving polls its file
 * system: a new version is loaded beside the old one, swapped in, and the old one is released;
 * requests already running on it keep their lease and the bundle closes when the last one ends.
 * A version that fails to load stays in the model's status (END, with its error) while the
 * previous one stays in service; it is retried on the next scans, up to 5 attempts on the same
 * files, and again whenever its files change ({@link FailedLoads}). A model folder that
 * disappears, or is left without versions, is unloaded.
 */
public final class ModelRepository implements ModelSource, AutoCloseable {

  /** A model's served version and the versions it has retired. */
  private static final class Slot {
    volatile LoadedModel current;
    final List<Long> retired = new ArrayList<>();
  }

  private final Path root;
  private final ThreadSettings threads;
  private final Consumer<String> log;
  private final Map<String, Slot> slots = new ConcurrentHashMap<>();
  private final Set<String> warned = ConcurrentHashMap.newKeySet();
  private final FailedLoads failures = new FailedLoads();
  private ScheduledExecutorService watcher;
  private boolean closed;

  /**
   * @param root the folder holding {@code <model>/<version>/} trees
   * @param threads TensorFlow's thread pools for every loaded model
   * @param log where loading and unloading are reported, one line each
   */
  public ModelRepository(Path root, ThreadSettings threads, Consumer<String> log) {
    this.root = root;
    this.threads = threads;
    this.log = log;
  }

  /** Scans the root once: loads new latest versions, unloads models that are gone. */
  public synchronized void refresh() {
    if (closed) {
      return;
    }
    Set<String> present = new TreeSet<>();
    for (Path modelDir : modelFolders()) {
      String name = modelDir.getFileName().toString();
      Optional<VersionFolders.Version> latest = VersionFolders.latest(modelDir, this::warnOnce);
      if (latest.isEmpty()) {
        continue;
      }
      present.add(name);
      Slot slot = slots.computeIfAbsent(name, n -> new Slot());
      failures.forgetRemoved(name);
      long version = latest.get().number();
      LoadedModel current = slot.current;
      if (current == null || current.version() != version) {
        Path folder = latest.get().folder();
        VersionFingerprint files = VersionFingerprint.of(folder);
        if (failures.due(name, version, files)) {
          load(name, version, folder, files, slot);
        }
      }
    }
    for (String name : Set.copyOf(slots.keySet())) {
      if (!present.contains(name)) {
        Slot slot = slots.remove(name);
        failures.forgetRemoved(name);
        if (slot.current != null) {
          log.accept("unloading " + name + " version " + slot.current.version()
              + ": its folder has no versions any more");
          slot.current.release();
        }
      }
    }
  }

  /** Logs a skipped entry the first time a scan meets it (scans run every few seconds). */
  private void warnOnce(String line) {
    if (warned.add(line)) {
      log.accept(line);
    }
  }

  private void load(String name, long version, Path versionDir, VersionFingerprint files,
      Slot slot) {
    LoadedModel loaded = null;
    try {
      loaded = LoadedModel.load(name, version, versionDir, threads);
      // Before the swap, on this thread: requests meet a model that has already run once.
      loaded.warmUp();
    } catch (RuntimeException e) {
      if (loaded != null) {
        loaded.release();
      }
      // A half-copied or corrupt version: keep serving the old one, report the failure, retry.
      int attempt = failures.failed(name, version, versionDir, files, e);
      log.accept("could not load " + versionDir + " (attempt " + attempt + " of "
          + FailedLoads.ATTEMPTS + "): " + e.getMessage()
          + (slot.current != null ? "; still serving version " + slot.current.version() : "")
          + (attempt == FailedLoads.ATTEMPTS ? "; tried again when its files change" : ""));
      return;
    }
    LoadedModel previous = slot.current;
    slot.current = loaded;
    failures.loaded(name, version);
    log.accept("serving " + name + " version " + version + " from " + versionDir);
    if (previous != null) {
      synchronized (slot.retired) {
        slot.retired.add(previous.version());
      }
      // Drops the repository's reference: the bundle closes once in-flight requests finish.
      previous.release();
      log.accept("unloaded " + name + " version " + previous.version());
    }
  }

  private List<Path> modelFolders() {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(root)) {
      return entries.filter(Files::isDirectory)
          .filter(p -> !p.getFileName().toString().startsWith("."))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not list " + root, e);
    }
  }

  /** Rescans the root every {@code interval} on a daemon thread until {@link #close()}. */
  public synchronized void startWatching(Duration interval) {
    if (watcher != null || closed) {
      return;
    }
    watcher = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "model-watcher");
      thread.setDaemon(true);
      return thread;
    });
    watcher.scheduleWithFixedDelay(() -> {
      try {
        refresh();
      } catch (RuntimeException e) {
        // The next poll tries again; a watcher that died would silently stop picking up versions.
        log.accept("model scan failed: " + e.getMessage());
      }
    }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public ModelLease acquire(ModelSpec spec) {
    if (spec.label().isPresent()) {
      throw ModelSource.unknownLabel(spec.label().get());
    }
    OptionalLong version = spec.version();
    while (true) {
      Slot slot = slots.get(spec.name());
      LoadedModel model = slot == null ? null : slot.current;
      if (model == null || (version.isPresent() && version.getAsLong() != model.version())) {
        throw notLoaded(spec);
      }
      if (model.tryRetain()) {
        return new ModelLease(model);
      }
      // Retired between the read and the retain: the slot already holds its successor.
    }
  }

  /** NOT_FOUND for {@code spec}, naming the load error when the version asked for failed. */
  private ServingException notLoaded(ModelSpec spec) {
    return failures.of(spec.name(), spec.version()).map(f -> spec.notLoaded(spec.version().isPresent()
        ? "version " + f.version() + " of " + spec.name() + " could not be loaded: "
            + f.errorMessage()
        : "no version of " + spec.name() + " could be loaded; version " + f.version() + ": "
            + f.errorMessage())).orElseGet(spec::notLoaded);
  }

  /**
   * The served, retired and failed versions of a model, highest first, as TF Serving's
   * {@code GetModelStatus} lists them (all of them, or just the one {@code spec} names); a failed
   * version is END with its error's code and message.
   *
   * @throws ServingException NOT_FOUND for an unknown model or version, INVALID_ARGUMENT for an
   *     unknown label
   */
  public List<VersionStatus> status(ModelSpec spec) {
    if (spec.label().isPresent()) {
      throw ModelSource.unknownLabel(spec.label().get());
    }
    String name = spec.name();
    OptionalLong version = spec.version();
    Slot slot = slots.get(name);
    // By version, highest first; a later state of the same version replaces an earlier one.
    Map<Long, VersionStatus> states = new TreeMap<>(Comparator.reverseOrder());
    if (slot != null) {
      synchronized (slot.retired) {
        slot.retired.forEach(v -> states.put(v, VersionStatus.ended(v)));
      }
    }
    failures.statuses(name).forEach(s -> states.put(s.version(), s));
    LoadedModel current = slot == null ? null : slot.current;
    if (current != null) {
      states.put(current.version(), VersionStatus.available(current.version()));
    }
    if (states.isEmpty()) {
      throw ServingException.notFound("Could not find any versions of model " + name);
    }
    if (version.isEmpty()) {
      return List.copyOf(states.values());
    }
    VersionStatus asked = states.get(version.getAsLong());
    if (asked == null) {
      throw ServingException.notFound(
          "Could not find version " + version.getAsLong() + " of model " + name);
    }
    return List.of(asked);
  }

  /** The names of the models being served, sorted. */
  public Set<String> modelNames() {
    Set<String> names = new TreeSet<>();
    slots.forEach((name, slot) -> {
      if (slot.current != null) {
        names.add(name);
      }
    });
    return names;
  }

  /** Stops watching and releases every served version (in-flight leases keep theirs alive). */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (watcher != null) {
      watcher.shutdownNow();
    }
    slots.values().forEach(slot -> {
      if (slot.current != null) {
        slot.current.release();
        slot.current = null;
      }
    });
    slots.clear();
  }
}
