package dev.tfjava.course.serve.core;

import dev.tfjava.course.train.ThreadSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The models a server serves, as its {@link ModelConfigSource} lists them (every folder under a
 * models root, or TF Serving's model config file), each with the versions its
 * {@link VersionPolicy} chooses out of the numeric folders on disk, and its version labels.
 *
 * <p>{@link #startWatching} rescans every few seconds, as TF Serving polls its file system: a new
 * version is loaded beside the old ones and served; a version the policy no longer chooses is
 * released once one it chooses is serving (so a model never goes dark during a swap); requests
 * already running on it keep their lease and the bundle closes when the last one ends. A version
 * that fails to load stays in the model's status (END, with its error) while the previous ones
 * stay in service; it is retried on the next scans, up to 5 attempts on the same files, and again
 * whenever its files change ({@link FailedLoads}). A model that disappears from the source, or is
 * left without versions, is unloaded. A label may only name a version being served; a config
 * whose labels do not is refused for that model (logged), and its previous labels stay.
 */
public final class ModelRepository implements ModelSource, AutoCloseable {

  /** A model's served versions, the versions it has retired, and its labels. */
  private static final class Slot {
    final ConcurrentSkipListMap<Long, LoadedModel> served = new ConcurrentSkipListMap<>();
    final Set<Long> retired = ConcurrentHashMap.newKeySet();
    volatile Map<String, Long> labels = Map.of();
  }

  private final ModelConfigSource source;
  private final ThreadSettings threads;
  private final Consumer<String> log;
  private final Map<String, Slot> slots = new ConcurrentHashMap<>();
  private final Set<String> warned = ConcurrentHashMap.newKeySet();
  private final FailedLoads failures = new FailedLoads();
  private volatile List<ModelConfig> configs;
  private ScheduledExecutorService watcher;
  private boolean closed;
  private volatile MetricsRecorder metrics = MetricsRecorder.NONE;
  private volatile VersionWarmup warmup = VersionWarmup.ZEROS;
  private final WarmupAliases aliases = new WarmupAliases();

  /**
   * Every folder under {@code root} is a model serving its latest version.
   *
   * @param root the folder holding {@code <model>/<version>/} trees
   * @param threads TensorFlow's thread pools for every loaded model
   * @param log where loading and unloading are reported, one line each
   */
  public ModelRepository(Path root, ThreadSettings threads, Consumer<String> log) {
    this(ModelConfigSource.folders(root), threads, log);
  }

  /** The models {@code source} lists. */
  public ModelRepository(ModelConfigSource source, ThreadSettings threads,
      Consumer<String> log) {
    this.source = source;
    this.threads = threads;
    this.log = log;
  }

  /** Reports every load attempt from now on to {@code recorder} (TF's load count and latency). */
  public void recordLoadsTo(MetricsRecorder recorder) {
    this.metrics = recorder;
  }

  /** Warms every version loaded from now on with {@code warmup} before it is served. */
  public void warmUpWith(VersionWarmup warmup) {
    this.warmup = warmup;
  }

  /** The names under which versions being warmed answer the doors' warm-up calls. */
  public WarmupAliases warmupAliases() {
    return aliases;
  }

  /**
   * Asks the source for the models once and brings the served versions and labels in line.
   *
   * @throws RuntimeException if the source cannot be read the first time (later, the last models
   *     read stay and the problem is logged)
   */
  public synchronized void refresh() {
    if (closed) {
      return;
    }
    try {
      configs = source.models();
    } catch (RuntimeException e) {
      if (configs == null) {
        throw e;
      }
      warnOnce("keeping the models as they are: " + e.getMessage());
    }
    Set<String> present = new TreeSet<>();
    for (ModelConfig config : configs) {
      NavigableMap<Long, Path> onDisk = VersionFolders.all(config.basePath(), this::warnOnce);
      NavigableSet<Long> chosen = config.policy().choose(onDisk.navigableKeySet());
      if (chosen.isEmpty()) {
        continue;
      }
      present.add(config.name());
      Slot slot = slots.computeIfAbsent(config.name(), n -> new Slot());
      failures.forgetRemoved(config.name());
      for (long version : chosen) {
        if (!slot.served.containsKey(version)) {
          Path folder = onDisk.get(version);
          VersionFingerprint files = VersionFingerprint.of(folder);
          if (failures.due(config.name(), version, files)) {
            load(config.name(), version, folder, files, slot);
          }
        }
      }
      if (slot.served.keySet().stream().anyMatch(chosen::contains)) {
        for (long version : Set.copyOf(slot.served.keySet())) {
          if (!chosen.contains(version)) {
            retire(config.name(), slot, version, "");
          }
        }
      }
      applyLabels(config, slot);
    }
    for (String name : Set.copyOf(slots.keySet())) {
      if (!present.contains(name)) {
        Slot slot = slots.remove(name);
        failures.forgetRemoved(name);
        for (long version : Set.copyOf(slot.served.keySet())) {
          retire(name, slot, version, ": its folder has no versions any more");
        }
      }
    }
  }

  /** Takes the config's labels if every one names a served version (TF Serving's rule). */
  private void applyLabels(ModelConfig config, Slot slot) {
    if (config.labels().equals(slot.labels)) {
      return;
    }
    for (Map.Entry<String, Long> label : config.sortedLabels().entrySet()) {
      if (!slot.served.containsKey(label.getValue())) {
        warnOnce("refusing the labels of " + config.name() + ": Request to assign label to"
            + " version " + label.getValue() + " of model " + config.name() + ", which is not"
            + " currently available for inference (label \"" + label.getKey() + "\")");
        return;
      }
    }
    slot.labels = config.labels();
    log.accept("labels of " + config.name() + ": " + config.sortedLabels());
  }

  /** Logs a line the first time a scan meets it (scans run every few seconds). */
  private void warnOnce(String line) {
    if (warned.add(line)) {
      log.accept(line);
    }
  }

  private void load(String name, long version, Path versionDir, VersionFingerprint files,
      Slot slot) {
    LoadedModel loaded = null;
    try {
      loaded = timedLoad(name, version, versionDir);
      // Before it is served, on this thread: requests meet a model that has already run.
      warmup.warm(loaded, versionDir);
    } catch (RuntimeException e) {
      if (loaded != null) {
        loaded.release();
      }
      // A half-copied or corrupt version: keep serving the others, report the failure, retry.
      int attempt = failures.failed(name, version, versionDir, files, e);
      log.accept("could not load " + versionDir + " (attempt " + attempt + " of "
          + FailedLoads.ATTEMPTS + "): " + e.getMessage()
          + (slot.served.isEmpty() ? "" : "; still serving version " + slot.served.lastKey())
          + (attempt == FailedLoads.ATTEMPTS ? "; tried again when its files change" : ""));
      return;
    }
    slot.served.put(version, loaded);
    slot.retired.remove(version);
    failures.loaded(name, version);
    log.accept("serving " + name + " version " + version + " from " + versionDir);
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

  /** Stops serving a version; its bundle closes once in-flight requests finish. */
  private void retire(String name, Slot slot, long version, String why) {
    LoadedModel model = slot.served.remove(version);
    slot.retired.add(version);
    model.release();
    log.accept("unloaded " + name + " version " + version + why);
  }

  /** Rescans every {@code interval} on a daemon thread until {@link #close()}. */
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
    while (true) {
      Slot slot = slots.get(spec.name());
      if (slot == null) {
        return aliases.acquire(spec).orElseThrow(spec::notLoaded);
      }
      OptionalLong version = version(spec, slot);
      LoadedModel model = version.isPresent() ? slot.served.get(version.getAsLong())
          : slot.served.isEmpty() ? null : slot.served.lastEntry().getValue();
      if (model == null) {
        throw notLoaded(ModelSpec.of(spec.name(), version));
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

  /** The version {@code spec} asks for: its number, its label's, or none (the latest). */
  private static OptionalLong version(ModelSpec spec, Slot slot) {
    if (spec.label().isEmpty()) {
      return spec.version();
    }
    Long labelled = slot.labels.get(spec.label().get());
    if (labelled == null) {
      throw ModelSource.unknownLabel(spec.label().get());
    }
    return OptionalLong.of(labelled);
  }

  /**
   * The served, retired and failed versions of a model, highest first, as TF Serving's
   * {@code GetModelStatus} lists them: all of them, or the one {@code spec} names by number or
   * label; a failed version is END with its error's code and message.
   *
   * @throws ServingException NOT_FOUND for an unknown model or version, INVALID_ARGUMENT for an
   *     unknown label
   */
  public List<VersionStatus> status(ModelSpec spec) {
    String name = spec.name();
    Slot slot = slots.get(name);
    // By version, highest first; a later state of the same version replaces an earlier one.
    Map<Long, VersionStatus> states = new TreeMap<>(Comparator.reverseOrder());
    if (slot != null) {
      slot.retired.forEach(v -> states.put(v, VersionStatus.ended(v)));
      failures.statuses(name).forEach(s -> states.put(s.version(), s));
      slot.served.keySet().forEach(v -> states.put(v, VersionStatus.available(v)));
    }
    if (states.isEmpty()) {
      throw ServingException.notFound("Could not find any versions of model " + name);
    }
    OptionalLong version = version(spec, slot);
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

  /** The labels of a model and the versions they name (empty for an unknown model). */
  public Map<String, Long> labels(String name) {
    Slot slot = slots.get(name);
    return slot == null ? Map.of() : slot.labels;
  }

  /**
   * Whether every model the source lists has a version being served (false before the first
   * scan, and while the source lists none): what a health probe asks.
   */
  public boolean everyModelAvailable() {
    List<ModelConfig> listed = configs; // volatile: no lock, so a long load never delays a probe
    return listed != null && !listed.isEmpty() && listed.stream().allMatch(config -> {
      Slot slot = slots.get(config.name());
      return slot != null && !slot.served.isEmpty();
    });
  }

  /** The names of the models being served, sorted. */
  public Set<String> modelNames() {
    Set<String> names = new TreeSet<>();
    slots.forEach((name, slot) -> {
      if (!slot.served.isEmpty()) {
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
      slot.served.values().forEach(LoadedModel::release);
      slot.served.clear();
    });
    slots.clear();
  }
}
