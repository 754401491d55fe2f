package dev.tfjava.course.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfjava.course.CourseException;
import dev.tfjava.course.train.Tensors;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/** Checkpoints in tf.train.Saver's layout, crash- and concurrency-safe, checked before restoring. */
class CheckpointsTest {
  @TempDir
  Path dir;

  /** A graph with one variable {@code layer/w} holding {@code values} once initialised. */
  private record Model(Graph graph, Session session, Variable<TFloat32> w) implements AutoCloseable {
    static Model of(float... values) {
      Graph graph = new Graph();
      Ops tf = Ops.create(graph);
      Variable<TFloat32> w = tf.withSubScope("layer").withName("w").variable(tf.constant(values));
      Session session = new Session(graph);
      session.initialize();
      return new Model(graph, session, w);
    }

    float[] values() {
      try (Result r = session.runner().fetch(w).run()) {
        return Tensors.toArray(r.get(0));
      }
    }

    @Override
    public void close() {
      session.close();
      graph.close();
    }
  }

  @Test
  void savesNumberedPrefixesAndAStateFileThatNamesTheNewest() throws IOException {
    Path folder = dir.resolve("lstm");
    try (Model model = Model.of(1f, 2f)) {
      assertEquals(folder.resolve("my_model-1"), Checkpoints.save(model.session(), folder, "my_model"));
      assertEquals(folder.resolve("my_model-2"), Checkpoints.save(model.session(), folder, "my_model"));
    }
    assertEquals("model_checkpoint_path: \"my_model-2\"\n"
        + "all_model_checkpoint_paths: \"my_model-1\"\n"
        + "all_model_checkpoint_paths: \"my_model-2\"\n",
        Files.readString(folder.resolve("checkpoint")));
    assertEquals(folder.resolve("my_model-2"), Checkpoints.resolve(folder));
    assertTrue(Files.isRegularFile(folder.resolve("my_model-2.data-00000-of-00001")));
    // The umask's default permissions (0644 / 0755 under the usual 022), nothing left in staging.
    var file = Files.getPosixFilePermissions(Files.createFile(dir.resolve("plain")));
    assertEquals(file, Files.getPosixFilePermissions(folder.resolve("my_model-2.index")));
    assertEquals(file, Files.getPosixFilePermissions(folder.resolve("checkpoint")));
    assertEquals(Files.getPosixFilePermissions(Files.createDirectory(dir.resolve("plain-dir"))),
        Files.getPosixFilePermissions(folder));
    assertEquals(List.of(), hidden(folder));
  }

  @Test
  void keepsTheNewestFiveAndCleansStagingOfDeadRuns() throws IOException {
    Path folder = dir.resolve("gru");
    // What a run killed mid-save leaves: a staging folder named after a process that is gone.
    Path stale = Files.createDirectories(folder.resolve(".checkpoint-pid999999999-1-1"));
    Files.writeString(stale.resolve("ckpt.index"), "half");
    try (Model model = Model.of(1f)) {
      for (int i = 0; i < 7; i++) {
        Checkpoints.save(model.session(), folder, "m");
      }
    }
    try (Stream<Path> files = Files.list(folder)) {
      assertEquals(List.of("m-3.index", "m-4.index", "m-5.index", "m-6.index", "m-7.index"),
          files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".index")).sorted()
              .toList());
    }
    assertFalse(Files.exists(stale));
  }

  @Test
  void twoConcurrentSavesIntoOneFolderEachRestoreTheirOwnWeights() throws Exception {
    Path folder = dir.resolve("shared");
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<float[]>> runs = new ArrayList<>();
      for (int run = 0; run < 2; run++) {
        float value = run + 1;
        Callable<float[]> saveThenRestore = () -> {
          Path mine;
          try (Model model = Model.of(value, value)) {
            // Several saves each, interleaved with the other run's.
            mine = Checkpoints.save(model.session(), folder, "m");
            mine = Checkpoints.save(model.session(), folder, "m");
          }
          try (Model fresh = Model.of(0f, 0f)) {
            Checkpoints.restore(fresh.session(), fresh.graph(), mine);
            return fresh.values();
          }
        };
        runs.add(pool.submit(saveThenRestore));
      }
      assertArrayEquals(new float[] {1f, 1f}, runs.get(0).get());
      assertArrayEquals(new float[] {2f, 2f}, runs.get(1).get());
    } finally {
      pool.shutdownNow();
    }
    assertEquals(4, Checkpoints.latestNumber(folder, "m").getAsLong());
  }

  @Test
  void aCheckpointOfAnotherShapeIsRefusedNamingTheVariableAndBothShapes() {
    Path prefix;
    try (Model model = Model.of(1f, 2f, 3f)) {
      prefix = Checkpoints.save(model.session(), dir.resolve("a"), "m");
    }
    try (Model other = Model.of(5f, 6f)) {
      CourseException e = assertThrows(CourseException.class,
          () -> Checkpoints.restore(other.session(), other.graph(), prefix));
      assertEquals(CourseException.BAD_INPUT, e.exitCode());
      assertTrue(e.getMessage().contains("layer/w should be [2] but is [3]"), e.getMessage());
      assertArrayEquals(new float[] {5f, 6f}, other.values(), "nothing restored");
    }
  }

  @Test
  void aCheckpointWithoutTheGraphsVariableIsRefused() {
    Path prefix;
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      tf.withName("other").variable(tf.constant(new float[] {1f, 2f}));
      try (Session session = new Session(graph)) {
        session.initialize();
        prefix = Checkpoints.save(session, dir.resolve("b"), "m");
      }
    }
    try (Model model = Model.of(5f, 6f)) {
      CourseException e = assertThrows(CourseException.class,
          () -> Checkpoints.restore(model.session(), model.graph(), prefix));
      assertTrue(e.getMessage().contains("layer/w [2] is not in it"), e.getMessage());
    }
  }

  @Test
  void missingAndTruncatedFilesAreOneLineOfBadInput() throws IOException {
    Path prefix;
    try (Model model = Model.of(new float[1000])) {
      prefix = Checkpoints.save(model.session(), dir.resolve("c"), "m");
    }
    try (Model model = Model.of(new float[1000])) {
      CourseException missing = assertThrows(CourseException.class,
          () -> Checkpoints.restore(model.session(), model.graph(), dir.resolve("c/nothing")));
      assertTrue(missing.getMessage().startsWith("No checkpoint at"), missing.getMessage());
      CourseException noState = assertThrows(CourseException.class,
          () -> Checkpoints.restore(model.session(), model.graph(), dir));
      assertTrue(noState.getMessage().contains("no 'checkpoint' state file"), noState.getMessage());

      try (RandomAccessFile data = new RandomAccessFile(prefix + ".data-00000-of-00001", "rw")) {
        data.setLength(data.length() / 2);
      }
      CourseException truncated = assertThrows(CourseException.class,
          () -> Checkpoints.restore(model.session(), model.graph(), prefix));
      assertTrue(truncated.getMessage().contains("damaged or truncated"), truncated.getMessage());
      assertFalse(truncated.getMessage().contains("\n"), truncated.getMessage());
    }
  }

  private static List<Path> hidden(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(p -> p.getFileName().toString().startsWith(".")).toList();
    }
  }
}
