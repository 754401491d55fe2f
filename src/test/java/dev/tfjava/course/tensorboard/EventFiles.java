package dev.tfjava.course.tensorboard;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.tensorflow.proto.Event;

/** Reads event files back, e.g. to check what a run logged. */
public final class EventFiles {
  private EventFiles() {}

  /** Every event of one event file, in order; checksums are verified. */
  public static List<Event> read(Path file) throws IOException {
    List<Event> events = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file)) {
      for (byte[] record : RecordFile.readAll(in)) {
        events.add(Event.parseFrom(record));
      }
    }
    return events;
  }

  /** Every event file under {@code dir}, recursively, sorted by path. */
  public static List<Path> find(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents."))
          .sorted()
          .toList();
    }
  }
}
