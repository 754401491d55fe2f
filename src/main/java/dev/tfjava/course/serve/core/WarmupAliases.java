package dev.tfjava.course.serve.core;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Model names under which a version that is being warmed, and is not served yet, answers calls
 * through the front doors: the door warm-up sends its loopback requests to such a name, so that
 * they run the doors' real code on that very version before any client can reach it. A name
 * holds this process's random token, so a client cannot guess one; it is open only while its
 * version is warmed. Calls to these names are warm-up traffic, which TF Serving does not count
 * as requests ({@link #isAlias}).
 */
public final class WarmupAliases {
  private static final String PREFIX = "_warmup_"
      + HexFormat.of().formatHex(new SecureRandom().generateSeed(16)) + "_";

  private final Map<String, LoadedModel> open = new ConcurrentHashMap<>();
  private final AtomicLong next = new AtomicLong();

  /** Whether {@code modelName} is a warm-up name of this process (its calls are not counted). */
  public static boolean isAlias(String modelName) {
    return modelName.startsWith(PREFIX);
  }

  /** Opens a new name for {@code model} until {@link #close}; the caller keeps its reference. */
  public String open(LoadedModel model) {
    String alias = PREFIX + next.incrementAndGet();
    open.put(alias, model);
    return alias;
  }

  public void close(String alias) {
    open.remove(alias);
  }

  /**
   * A lease on the version {@code spec} names when its name is an open alias (its version, if
   * given, must be the warmed one); empty when the name is not an alias.
   */
  Optional<ModelLease> acquire(ModelSpec spec) {
    LoadedModel model = open.get(spec.name());
    if (model == null) {
      return Optional.empty();
    }
    if (spec.label().isPresent()
        || (spec.version().isPresent() && spec.version().getAsLong() != model.version())
        || !model.tryRetain()) {
      throw spec.notLoaded();
    }
    return Optional.of(new ModelLease(model));
  }
}
