package dev.tfjava.course.export;

import dev.tfjava.course.CourseException;
import dev.tfjava.course.io.AtomicFiles;
import dev.tfjava.course.io.ProcessTemps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.exceptions.TensorFlowException;

/**
 * Training checkpoints as {@code tf.train.Saver} writes them, so that the notebook restores a Java
 * checkpoint and the other way round: in a checkpoint folder, {@code <prefix>-<n>.index} and
 * {@code <prefix>-<n>.data-00000-of-00001} (the notebook's prefixes: {@code mnist.ckpt},
 * {@code my_time_series_model}, ...) and the text state file {@code checkpoint} naming the newest,
 * which {@code tf.train.latest_checkpoint(folder)} reads.
 *
 * <p>Crash and concurrency safety: a save writes into a private staging folder, flushes it, then
 * claims the next number {@code n} by hard-linking the data file under its final name (which fails
 * if another run took {@code n}: it tries {@code n + 1}), adds the index, and writes the state file
 * last, atomically. A reader following the state file never sees half a checkpoint, a crash leaves
 * the previous ones intact, and {@link #save} returns the exact prefix it wrote, which the run
 * restores from later: never "whatever is newest in the folder", which may be another run's. The
 * newest {@value #KEEP} checkpoints are kept, as Saver's {@code max_to_keep}.
 */
public final class Checkpoints {
  /** Saver's state file. */
  public static final String STATE_FILE = "checkpoint";
  /** How many checkpoints of one prefix a folder keeps. */
  public static final int KEEP = 5;

  private static final String STAGING = ".checkpoint-";
  private static final String DATA_SUFFIX = ".data-00000-of-00001";
  private static final Pattern STATE_LINE =
      Pattern.compile("^model_checkpoint_path:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*$");

  private Checkpoints() {}

  /**
   * Saves every variable of the session's graph as the next checkpoint {@code <dir>/<prefix>-<n>}
   * and records it in the state file.
   *
   * @return the exact prefix written, e.g. {@code checkpoints/lstm/my_lstm_time_series_model-3}
   */
  public static Path save(Session session, Path dir, String prefix) {
    Path staging = null;
    try {
      Files.createDirectories(dir);
      ProcessTemps.cleanStale(dir, STAGING);
      staging = ProcessTemps.createDirectory(dir, STAGING);
      session.save(staging.resolve("ckpt").toString());
      AtomicFiles.fsyncTree(staging);
      long n = latestNumber(dir, prefix).orElse(0) + 1;
      while (true) {
        try {
          claim(staging.resolve("ckpt" + DATA_SUFFIX), dir.resolve(prefix + "-" + n + DATA_SUFFIX));
          break;
        } catch (FileAlreadyExistsException taken) {
          n++;
        }
      }
      Path written = dir.resolve(prefix + "-" + n);
      AtomicFiles.moveIntoPlace(staging.resolve("ckpt.index"), Path.of(written + ".index"));
      writeState(dir, prefix);
      removeOld(dir, prefix, n);
      return written;
    } catch (IOException | TensorFlowException | TFInvalidArgumentException e) {
      // TensorFlow's writer reports a bad path as an invalid argument, a full disk otherwise.
      throw StagingFailures.of("save the checkpoint", dir, "--checkpoints", staging, e);
    } finally {
      AtomicFiles.deleteQuietly(staging);
    }
  }

  /**
   * Gives {@code data} the name {@code target} unless that exists. link(2) fails atomically if the
   * name is taken, so the number is ours whatever other runs do; a file system without hard links
   * gets a plain no-replace move (checked, then renamed: a tiny window for two runs at once).
   */
  private static void claim(Path data, Path target) throws IOException {
    try {
      Files.createLink(target, data);
    } catch (FileAlreadyExistsException taken) {
      throw taken;
    } catch (UnsupportedOperationException | FileSystemException noHardLinks) {
      Files.move(data, target);
    }
  }

  /**
   * Restores a checkpoint into a session whose graph has the same variable names, after checking
   * that it fits ({@link CheckpointCheck}): anything missing, damaged or of another shape is one
   * line of {@link CourseException#badInput}, before any variable changed.
   *
   * @param path a checkpoint prefix ({@code .../my_lstm_time_series_model-3}, also given with its
   *     {@code .index}) or a folder with a {@code checkpoint} state file
   * @return the prefix restored
   */
  public static Path restore(Session session, Graph graph, Path path) {
    Path prefix = resolve(path);
    CheckpointCheck.requireFits(graph, prefix);
    try {
      session.restore(prefix.toString());
    } catch (TensorFlowException e) {
      throw CourseException.badInput("Could not restore " + prefix + ": "
          + CheckpointCheck.firstLine(e), e);
    }
    return prefix;
  }

  /** The prefix {@code path} stands for: itself, or the newest named by a folder's state file. */
  public static Path resolve(Path path) {
    if (Files.isDirectory(path)) {
      Path state = path.resolve(STATE_FILE);
      if (!Files.isRegularFile(state)) {
        throw CourseException.badInput("No checkpoint in " + path + " (no '" + STATE_FILE
            + "' state file as tf.train.Saver writes): give a checkpoint prefix instead, e.g. "
            + path.resolve("my_time_series_model"));
      }
      String name = stateEntry(state);
      Path prefix = Path.of(name);
      return prefix.isAbsolute() ? prefix : path.resolve(prefix);
    }
    String text = path.toString();
    if (text.endsWith(".index")) {
      return Path.of(text.substring(0, text.length() - ".index".length()));
    }
    int data = text.lastIndexOf(".data-");
    return data > 0 ? Path.of(text.substring(0, data)) : path;
  }

  /** The newest {@code n} of {@code <prefix>-<n>} with both files in {@code dir}. */
  static OptionalLong latestNumber(Path dir, String prefix) throws IOException {
    return numbers(dir, prefix).stream().mapToLong(Long::longValue).max();
  }

  private static List<Long> numbers(Path dir, String prefix) throws IOException {
    Pattern index = Pattern.compile(Pattern.quote(prefix) + "-(\\d{1,18})\\.index");
    List<Long> found = new ArrayList<>();
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path entry : (Iterable<Path>) entries::iterator) {
        Matcher m = index.matcher(entry.getFileName().toString());
        if (m.matches()) {
          found.add(Long.parseLong(m.group(1)));
        }
      }
    }
    found.sort(null);
    return found;
  }

  /** Saver's text state file: the newest checkpoint and every one kept, written atomically. */
  private static void writeState(Path dir, String prefix) throws IOException {
    List<Long> kept = numbers(dir, prefix);
    if (kept.size() > KEEP) {
      kept = kept.subList(kept.size() - KEEP, kept.size());
    }
    StringBuilder text = new StringBuilder("model_checkpoint_path: \"" + prefix + "-"
        + kept.get(kept.size() - 1) + "\"\n");
    for (long n : kept) {
      text.append("all_model_checkpoint_paths: \"").append(prefix).append('-').append(n)
          .append("\"\n");
    }
    AtomicFiles.write(dir.resolve(STATE_FILE), text.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** Deletes checkpoints of {@code prefix} older than the newest {@value #KEEP}, never {@code own}. */
  private static void removeOld(Path dir, String prefix, long own) throws IOException {
    List<Long> all = numbers(dir, prefix);
    TreeMap<Long, Boolean> old = new TreeMap<>();
    for (int i = 0; i < all.size() - KEEP; i++) {
      old.put(all.get(i), true);
    }
    old.remove(own);
    for (long n : old.keySet()) {
      // Index first: without it the pair is no checkpoint any more for any reader.
      Files.deleteIfExists(dir.resolve(prefix + "-" + n + ".index"));
      Files.deleteIfExists(dir.resolve(prefix + "-" + n + DATA_SUFFIX));
      Files.deleteIfExists(dir.resolve(prefix + "-" + n + ".meta"));
    }
  }

  private static String stateEntry(Path state) {
    try {
      for (String line : Files.readAllLines(state, StandardCharsets.UTF_8)) {
        Matcher m = STATE_LINE.matcher(line.trim());
        if (m.matches()) {
          return m.group(1).replace("\\\"", "\"").replace("\\\\", "\\");
        }
      }
    } catch (IOException | UncheckedIOException e) {
      throw CourseException.badInput("Cannot read the checkpoint state file " + state + ": "
          + e.getMessage(), e);
    }
    throw CourseException.badInput("The checkpoint state file " + state
        + " names no model_checkpoint_path: give a checkpoint prefix instead");
  }
}
