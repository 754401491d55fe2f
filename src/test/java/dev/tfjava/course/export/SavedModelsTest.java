package dev.tfjava.course.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfjava.course.CourseException;
import dev.tfjava.course.nn.ModelVariables;
import dev.tfjava.course.train.NamedVariables;
import dev.tfjava.course.train.Seeds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.CollectionDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.VariableDef;
import org.tensorflow.types.TFloat32;

/** Versioned exports that never hang or collide, with the metadata Python's exporter writes. */
// A guard in its own thread, so a regression fails instead of hanging the build: the old code
// looped forever on the folders below.
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SavedModelsTest {
  @TempDir
  Path root;

  private Graph graph;
  private Session session;
  private Signature signature;

  @BeforeEach
  void model() {
    graph = new Graph();
    Ops tf = Ops.create(graph);
    ModelVariables vars = new ModelVariables(tf, new Seeds(1), "init");
    Variable<TFloat32> w = vars.layer("dense", Shape.of(2, 1)).kernel();
    NamedVariables.create(tf, "dense/kernel/Adam", tf.withInitScope().zeros(
        tf.withInitScope().constant(Shape.of(2, 1)), TFloat32.class));
    Placeholder<TFloat32> x = tf.withName("X").placeholder(TFloat32.class,
        Placeholder.shape(Shape.of(-1, 2)));
    signature = SavedModels.predictSignature(Map.of("X", x),
        Map.of("Y", tf.withName("Y").linalg.matMul(x, w)));
    session = new Session(graph);
    session.initialize();
  }

  @AfterEach
  void close() {
    session.close();
    graph.close();
  }

  @Test
  void savedModelListsItsVariablesAndTheTensorFlowVersionAsPythonsExporterDoes() throws Exception {
    Path version = SavedModels.export(session, signature, root, "m");
    MetaGraphDef meta = SavedModel.parseFrom(Files.readAllBytes(version.resolve("saved_model.pb")))
        .getMetaGraphs(0);
    assertFalse(meta.getMetaInfoDef().getTensorflowVersion().isEmpty());
    assertFalse(meta.getMetaInfoDef().getTensorflowGitVersion().isEmpty());
    assertEquals(List.of("dense/kernel:0", "dense/bias:0", "dense/kernel/Adam:0"),
        names(meta.getCollectionDefOrThrow("variables")));
    assertEquals(List.of("dense/kernel:0", "dense/bias:0"),
        names(meta.getCollectionDefOrThrow("trainable_variables")));
    VariableDef kernel = VariableDef.parseFrom(
        meta.getCollectionDefOrThrow("variables").getBytesList().getValue(0));
    assertEquals("dense/kernel/Assign", kernel.getInitializerName());
    assertEquals("dense/kernel/read:0", kernel.getSnapshotName());
    // Everything TF Java wrote stays: tags, signature, method name.
    assertEquals(List.of("serve"), meta.getMetaInfoDef().getTagsList());
    assertEquals(SavedModels.PREDICT_METHOD,
        meta.getSignatureDefOrThrow("serving_default").getMethodName());
  }

  @Test
  void filesDanglingLinksAndAbsurdNumbersAreSkippedNotLoopedOn() throws Exception {
    Path model = Files.createDirectories(root.resolve("m"));
    Files.createDirectory(model.resolve("1"));
    Files.writeString(model.resolve("2"), "a file named like a version");
    Files.createSymbolicLink(model.resolve("3"), model.resolve("gone"));
    Files.createDirectory(model.resolve("99999999999999999999")); // > Long.MAX_VALUE
    Files.createDirectory(model.resolve("1000000000000000000")); // 10^18
    List<String> warnings = new ArrayList<>();
    assertEquals(1, SavedModels.latestVersion(model, warnings::add).getAsLong());
    assertEquals(4, warnings.size(), warnings.toString());

    assertEquals(model.resolve("4"), SavedModels.export(session, signature, root, "m"));
  }

  @Test
  void noVersionNumberLeftIsOneLineOfBadInput() throws Exception {
    Path model = Files.createDirectories(root.resolve("m"));
    Files.createDirectory(model.resolve("999999999999999999"));
    CourseException e = assertThrows(CourseException.class,
        () -> SavedModels.export(session, signature, root, "m"));
    assertEquals(CourseException.BAD_INPUT, e.exitCode());
    try (var entries = Files.list(model)) {
      assertEquals(List.of(model.resolve("999999999999999999")), entries.toList());
    }
  }

  @Test
  void versionExhaustionIsFoundBeforeAnyExport() throws Exception {
    SavedModels.requireVersionLeft(root, "m"); // no folder yet: version 1 is free
    Path model = Files.createDirectories(root.resolve("m"));
    Files.createDirectory(model.resolve("999999999999999998"));
    SavedModels.requireVersionLeft(root, "m"); // ...999 is still free
    Files.createDirectory(model.resolve("999999999999999999"));
    CourseException e = assertThrows(CourseException.class,
        () -> SavedModels.requireVersionLeft(root, "m"));
    assertEquals(CourseException.BAD_INPUT, e.exitCode());
    assertEquals(model + " has no version number left below 1000000000000000000: move its highest"
        + " version folders away", e.getMessage());
  }

  @Test
  void aFailureInsideTheStagingFolderNamesTheModelsFolderAndTheCause() throws Exception {
    // A real failure of TensorFlow's own writer inside the hidden staging folder: a models folder
    // whose path leaves too few characters of Linux's 4,096 for the staging files below it
    // (".export-pid.../model/variables/variables.data-...tempstate..."), as a full disk would
    // fail the same write.
    org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("os.name").equals("Linux"));
    Path deep = root.toAbsolutePath();
    while (deep.toString().length() < 4096 - 100) {
      deep = deep.resolve("d".repeat(Math.min(200, 4096 - 100 - deep.toString().length())));
    }
    Path models = Files.createDirectories(deep);
    CourseException e = assertThrows(CourseException.class,
        () -> SavedModels.export(session, signature, models, "m"));
    assertEquals(CourseException.ENVIRONMENT, e.exitCode());
    assertEquals("Could not export the SavedModel to " + models.resolve("m") + ": File name too long",
        e.getMessage());
    // TensorFlow's own exception, which named the staging file.
    assertEquals("org.tensorflow.exceptions", e.getCause().getClass().getPackageName());
    assertTrue(e.getCause().getMessage().contains("/m/.export-pid"), "staging path in the cause");
    try (var entries = Files.list(models.resolve("m"))) {
      assertEquals(List.of(), entries.toList()); // staging removed, no version
    }
  }

  @Test
  void concurrentExportsTakeDistinctVersionsAndStaleTempFoldersAreCleaned() throws Exception {
    Path model = Files.createDirectories(root.resolve("m"));
    Path stale = Files.createDirectory(model.resolve(".export-pid999999999-1-1"));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Path>> exports = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        exports.add(pool.submit(() -> SavedModels.export(session, signature, root, "m")));
      }
      Set<Path> versions = new HashSet<>();
      for (Future<Path> export : exports) {
        versions.add(export.get());
      }
      assertEquals(6, versions.size());
      for (Path v : versions) {
        assertTrue(Files.isRegularFile(v.resolve("saved_model.pb")), v.toString());
      }
    } finally {
      pool.shutdownNow();
    }
    assertFalse(Files.exists(stale));
    try (var entries = Files.list(model)) {
      assertEquals(6, entries.count(), "only the versions, no temp folders");
    }
  }

  private static List<String> names(CollectionDef collection) throws Exception {
    List<String> names = new ArrayList<>();
    for (var bytes : collection.getBytesList().getValueList()) {
      names.add(VariableDef.parseFrom(bytes).getVariableName());
    }
    return names;
  }
}
