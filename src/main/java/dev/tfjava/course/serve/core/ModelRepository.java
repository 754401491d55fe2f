package dev.tfjava.course.serve.core;

import dev.tfjava.course.train.ThreadSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
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
 * A version that fails to load is retried on the next scans, up to 5 attempts (a copy may still
 * be under way), while the previous one stays in service. A model
 * folder that disappears, or is left without versions, is unloaded.
 */
public final class ModelRepository implements ModelSource, AutoCloseable {

  /** A model's served version and the versions it has retired. */
  private static final class Slot {
    volatile LoadedModel current;
    final List<Long> retired = new ArrayList<>();
    long failedVersion = -1;
    int failures;
  }

  /** Loads of one version tried before giving up on it (TF Serving's default retry count). */
  private static final int LOAD_ATTEMPTS = 5;

  private final Path root;
  private final ThreadSettings threads;
  private final Consumer<String> log;
  private final Map<String, Slot> slots = new ConcurrentHashMap<>();
  private final Set<String> warned = ConcurrentHashMap.newKeySet();
  private ScheduledExecutorService watcher;
  private boolean closed;
  private volatile MetricsRecorder metrics = MetricsRecorder.NONE;

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

  /** Reports every load attempt from now on to {@code recorder} (TF's load count and latency). */
  public void recordLoadsTo(MetricsRecorder recorder) {
    this.metrics = recorder;
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
      long version = latest.get().number();
      LoadedModel current = slot.current;
      boolean givenUp = slot.failedVersion == version && slot.failures >= LOAD_ATTEMPTS;
      if ((current == null || current.version() != version) && !givenUp) {
        load(name, version, latest.get().folder(), slot);
      }
    }
    for (String name : Set.copyOf(slots.keySet())) {
      if (!present.contains(name)) {
        Slot slot = slots.remove(name);
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

  private void load(String name, long version, Path versionDir, Slot slot) {
    LoadedModel loaded = null;
    try {
      loaded = timedLoad(name, version, versionDir);
      // Before the swap, on this thread: requests meet a model that has already run once.
      loaded.warmUp();
    } catch (RuntimeException e) {
      if (loaded != null) {
        loaded.release();
      }
      // A half-copied or corrupt version: keep serving the old one, retry on the next scans (a
      // copy may still be under way), and give up after a few attempts.
      slot.failures = slot.failedVersion == version ? slot.failures + 1 : 1;
      slot.failedVersion = version;
      log.accept("could not load " + versionDir + " (attempt " + slot.failures + " of "
          + LOAD_ATTEMPTS + "): " + e.getMessage()
          + (slot.current != null ? "; still serving version " + slot.current.version() : ""));
      return;
    }
    LoadedModel previous = slot.current;
    slot.current = loaded;
    slot.failedVersion = -1;
    slot.failures = 0;
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

  /** {@link LoadedModel#load}, its outcome and wall time reported (TF's loader measures the same). */
  private LoadedModel timedLoad(String name, long version, Path versionDir) {
    long started = System.nanoTime();
    boolean ok = false;
    try {
      LoadedModel loaded = LoadedModel.load(name, version, versionDir, threads);
      ok = true;
      return loaded;
    } finally {
      metrics.loadAttempt(versionDir.toString(), ok, System.nanoTime() - started);
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
        throw spec.notLoaded();
      }
      if (model.tryRetain()) {
        return new ModelLease(model);
      }
      // Retired between the read and the retain: the slot already holds its successor.
    }
  }

  /**
   * The served and retired versions of a model (all of them, or just the one {@code spec} names).
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
    LoadedModel current = slot == null ? null : slot.current;
    if (current == null) {
      throw ServingException.notFound("Could not find any versions of model " + name);
    }
    List<VersionStatus> states = new ArrayList<>();
    states.add(VersionStatus.available(current.version()));
    synchronized (slot.retired) {
      slot.retired.forEach(v -> states.add(VersionStatus.ended(v)));
    }
    if (version.isEmpty()) {
      return states;
    }
    return states.stream().filter(s -> s.version() == version.getAsLong()).findFirst()
        .map(List::of)
        .orElseThrow(() -> ServingException.notFound(
            "Could not find version " + version.getAsLong() + " of model " + name));
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
