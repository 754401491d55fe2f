package dev.tfjava.course.serve.core;

import java.util.List;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which versions on disk a model serves, TF Serving's {@code ServableVersionPolicy}: the
 * {@code n} highest ({@link Latest}, by default one), all of them ({@link All}), or the listed
 * ones that exist ({@link Specific}).
 */
public sealed interface VersionPolicy {

  /** The versions to serve out of those {@code onDisk}. */
  NavigableSet<Long> choose(NavigableSet<Long> onDisk);

  /** TF Serving's default: the highest version only. */
  static VersionPolicy latest() {
    return new Latest(1);
  }

  /** The {@code versions} highest versions. */
  record Latest(int versions) implements VersionPolicy {
    public Latest {
      if (versions < 1) {
        throw new IllegalArgumentException("latest { num_versions } must be at least 1, got "
            + versions);
      }
    }

    @Override
    public NavigableSet<Long> choose(NavigableSet<Long> onDisk) {
      NavigableSet<Long> chosen = new TreeSet<>();
      for (Long v : onDisk.descendingSet()) {
        if (chosen.size() == versions) {
          break;
        }
        chosen.add(v);
      }
      return chosen;
    }
  }

  /** Every version on disk. */
  record All() implements VersionPolicy {
    @Override
    public NavigableSet<Long> choose(NavigableSet<Long> onDisk) {
      return new TreeSet<>(onDisk);
    }
  }

  /** Exactly these versions, those of them that are on disk. */
  record Specific(Set<Long> versions) implements VersionPolicy {
    public Specific {
      versions = Set.copyOf(versions);
    }

    @Override
    public NavigableSet<Long> choose(NavigableSet<Long> onDisk) {
      NavigableSet<Long> chosen = new TreeSet<>(onDisk);
      chosen.retainAll(versions);
      return chosen;
    }

    /** The versions, sorted (for messages and the written config). */
    public List<Long> sorted() {
      return new TreeSet<>(versions).stream().toList();
    }
  }
}
