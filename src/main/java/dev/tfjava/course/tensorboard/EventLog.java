package dev.tfjava.course.tensorboard;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.Summary;

/**
 * A TensorBoard event file ({@code events.out.tfevents.<time>.<host>.<pid>.<n>}, TensorFlow's own
 * naming: unique per process and per log, so two runs sharing a log folder in the same second
 * never write into one file) written from Java: scalars,
 * histograms and the graph. Writing from the JVM rather than through TensorFlow's summary ops keeps
 * the training graph and its step untouched: a summary costs a few microseconds and no session
 * run. The values logged are the ones the lesson already fetched (losses, accuracies) or fetches
 * once in a while (variables for histograms).
 */
public final class EventLog implements AutoCloseable {
  private static final AtomicLong SEQUENCE = new AtomicLong();
  private final Path file;
  private final OutputStream out;

  private EventLog(Path file, OutputStream out) {
    this.file = file;
    this.out = out;
  }

  /** Creates the folder and a new event file in it. */
  public static EventLog open(Path dir) {
    try {
      Files.createDirectories(dir);
      long now = System.currentTimeMillis();
      Path file = dir.resolve("events.out.tfevents." + now / 1000 + "." + hostName() + "."
          + ProcessHandle.current().pid() + "." + SEQUENCE.incrementAndGet());
      // CREATE_NEW: never append to another writer's file, whatever its name.
      EventLog log = new EventLog(file, new BufferedOutputStream(
          Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)));
      log.write(Event.newBuilder().setWallTime(now / 1000.0).setFileVersion("brain.Event:2"));
      return log;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not create a TensorBoard log in " + dir + ": "
          + e.getMessage(), e);
    }
  }

  /** The event file being written. */
  public Path file() {
    return file;
  }

  /** A point of a scalar curve, e.g. {@code loss} at step 100. */
  public void scalar(String tag, long step, double value) {
    write(summary(step, Summary.Value.newBuilder().setTag(tag).setSimpleValue((float) value)));
  }

  /** The distribution of some values, e.g. a weight matrix at the end of an epoch. */
  public void histogram(String tag, long step, float[] values) {
    histogram(tag, step, values, values.length);
  }

  /** The distribution of {@code values[0..count)}, from a buffer reused between calls. */
  public void histogram(String tag, long step, float[] values, int count) {
    write(summary(step, Summary.Value.newBuilder().setTag(tag)
        .setHisto(Histograms.of(values, count))));
  }

  /** The graph, for TensorBoard's Graphs tab (name scopes become collapsible boxes). */
  public void graph(GraphDef graph) {
    write(Event.newBuilder().setWallTime(System.currentTimeMillis() / 1000.0)
        .setGraphDef(graph.toByteString()));
  }

  /** Pushes what was written to disk, so TensorBoard sees it while training goes on. */
  public void flush() {
    try {
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not write " + file, e);
    }
  }

  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not close " + file, e);
    }
  }

  private static Event.Builder summary(long step, Summary.Value.Builder value) {
    return Event.newBuilder()
        .setWallTime(System.currentTimeMillis() / 1000.0)
        .setStep(step)
        .setSummary(Summary.newBuilder().addValue(value));
  }

  private void write(Event.Builder event) {
    try {
      RecordFile.write(out, event.build().toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException("Could not write " + file, e);
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }
}
