package dev.tfjava.course.lessons;

import com.fasterxml.jackson.databind.JsonNode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfjava.course.data.ImageSet;
import dev.tfjava.course.data.MnistDataset;
import dev.tfjava.course.data.MnistFiles;
import dev.tfjava.course.data.MnistVariant;
import dev.tfjava.course.export.Checkpoints;
import dev.tfjava.course.export.SavedModels;
import dev.tfjava.course.train.BatchedEvaluator;
import dev.tfjava.course.train.Seeds;
import dev.tfjava.course.train.Tensors;
import dev.tfjava.course.train.TrainingLoop;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Trains the lesson's graph on the embedded sample once, then checks what the lesson promises:
 * real learning, the dropout fix, and a SavedModel and a checkpoint that reproduce the training
 * session's probabilities (the SavedModel in a separate JVM).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MnistCnnTrainingTest {
  private static final int EPOCHS = 5;
  private static final int PROBED_IMAGES = 20;

  @TempDir
  static Path dir;

  private MnistDataset sample;
  private Graph graph;
  private MnistCnn.Model model;
  private Session session;
  private double testAccuracy;
  private float[] probedInputs;
  private float[] probabilities;
  private Path version1;
  private Path checkpoint;

  @BeforeAll
  void train() {
    sample = MnistDataset.load(MnistVariant.MNIST, MnistFiles.Located.embedded("mnist-sample"));
    graph = new Graph();
    model = MnistCnn.buildGraph(Ops.create(graph), new Seeds(42), true);
    session = new Session(graph);
    Random shuffle = new Random(42);
    trainEpochs(session, model, EPOCHS, shuffle);
    testAccuracy = MnistCnn.accuracy(new BatchedEvaluator(session, 128), model, sample.test());
    System.out.println("embedded sample, test accuracy after " + EPOCHS + " epochs: " + testAccuracy);
    ImageSet probed = sample.test().head(PROBED_IMAGES);
    probedInputs = probed.pixels();
    probabilities = MnistCnn.probabilities(session, model, probed, 7);
    version1 = SavedModels.export(session, MnistCnn.signature(model), dir.resolve("models"), MnistCnn.MODEL);
    checkpoint = Checkpoints.save(session, dir.resolve("checkpoints").resolve(MnistCnn.MODEL),
        MnistCnn.CHECKPOINT_PREFIX);
  }

  @AfterAll
  void close() {
    session.close();
    graph.close();
  }

  @Test
  void learnsTheSampleWellAboveChance() {
    // Chance is 10%; 5 epochs on 1,834 digits measured 0.92 with seed 42. The margin covers other
    // CPUs' float rounding (different kernels), which changes the exact figure.
    assertTrue(testAccuracy >= 0.85, "test accuracy " + testAccuracy);
  }

  @Test
  void trainingIsReproducibleFromTheSeed() {
    // Multi-threaded session, dropout on: same seed, same batches → bit-identical weights (this
    // failed while the Adam updates could race the gradient ops that read the same variables).
    assertArrayEquals(oneEpochFc1Kernel(1), oneEpochFc1Kernel(1));
    // Two towers run side by side on two inter-op threads, each on half of every image's rows.
    assertArrayEquals(oneEpochFc1Kernel(2), oneEpochFc1Kernel(2));
  }

  @Test
  void twoTowersTrainAsTheWholeBatchDoes() {
    // Same seed, same batches, same dropout masks: fc1 as the sum of the two bands' products with
    // their halves of its kernel is the whole product, and so are the gradients, so after 36 Adam
    // steps the weights agree to float rounding (the sums run in another order), far below one
    // step's size (lr 0.001).
    float[] one = oneEpochFc1Kernel(1);
    float[] two = oneEpochFc1Kernel(2);
    double maxDiff = 0;
    double sumDiff = 0;
    for (int i = 0; i < one.length; i++) {
      double diff = Math.abs(one[i] - two[i]);
      maxDiff = Math.max(maxDiff, diff);
      sumDiff += diff;
    }
    System.out.printf("one tower against two, fc1/kernel after one epoch: max |diff| %.3g,"
        + " mean %.3g%n", maxDiff, sumDiff / one.length);
    assertTrue(maxDiff < 1e-4, "max |diff| " + maxDiff);
    // And the comparison can tell: another seed's weights differ by far more.
    assertTrue(maxAbsDiff(one, oneEpochFc1Kernel(1, new Seeds(7))) > 1e-2);
  }

  private static double maxAbsDiff(float[] a, float[] b) {
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }

  /** The lesson's own loop and batches: batch 50, keep_prob 0.5. */
  private void trainEpochs(Session s, MnistCnn.Model m, int epochs, Random shuffle) {
    int steps = sample.train().count() / 50;
    try (TrainingLoop loop = MnistCnn.trainingLoop(s, m, 50, 0.5f)) {
      for (int epoch = 0; epoch < epochs; epoch++) {
        loop.run("test epoch " + epoch, (long) epoch * steps, steps, 50,
            MnistCnn.shuffledBatches(sample.train(), shuffle, 50));
      }
    }
  }

  private float[] oneEpochFc1Kernel(int towers) {
    return oneEpochFc1Kernel(towers, new Seeds(42));
  }

  private float[] oneEpochFc1Kernel(int towers, Seeds seeds) {
    try (Graph g = new Graph()) {
      MnistCnn.Model m = MnistCnn.buildGraph(Ops.create(g), seeds, true, towers);
      try (Session s = new Session(g)) {
        trainEpochs(s, m, 1, new Random(3));
        try (Result kernel = s.runner().fetch("fc1/kernel").run()) {
          return Tensors.toArray(kernel.get(0));
        }
      }
    }
  }

  @Test
  void probabilitiesAreDistributionsThatAgreeWithAccuracy() {
    int correct = 0;
    for (int i = 0; i < PROBED_IMAGES; i++) {
      float[] row = Arrays.copyOfRange(probabilities, i * 10, i * 10 + 10);
      double sum = 0;
      int best = 0;
      for (int k = 0; k < 10; k++) {
        sum += row[k];
        best = row[k] > row[best] ? k : best;
      }
      assertEquals(1.0, sum, 1e-5);
      correct += best == sample.test().label(i) ? 1 : 0;
    }
    assertTrue(correct >= 15, correct + " of the first 20 test digits right");
  }

  @Test
  void savedModelInAFreshJvmReproducesTheProbabilities() throws Exception {
    try (var bundle = SavedModels.load(version1)) {
      assertEquals("tensorflow/serving/predict", bundle.metaGraphDef().getSignatureDefMap()
          .get("serving_default").getMethodName());
    }
    // `lessons predict` in a new JVM, columnar request: {"outputs": {"Y_prob": [[...]], ...}}.
    JsonNode response = dev.tfjava.course.TestSupport.predictInFreshJvm(version1.getParent(),
        "{\"inputs\": {\"X\": " + dev.tfjava.course.TestSupport.jsonRows(probedInputs, 784)
            + "}}");
    JsonNode rows = response.get("outputs").get("Y_prob");
    assertEquals(PROBED_IMAGES, rows.size());
    for (int i = 0; i < PROBED_IMAGES; i++) {
      for (int k = 0; k < 10; k++) {
        // Another process and thread count may round the last bit differently, nothing more.
        assertEquals(probabilities[i * 10 + k], rows.get(i).get(k).floatValue(), 1e-6,
            "image " + i + ", class " + k);
      }
      assertEquals(predictedClass(i), response.get("outputs").get("classes").get(i).asInt());
    }
  }

  private int predictedClass(int image) {
    int best = 0;
    for (int k = 1; k < 10; k++) {
      best = probabilities[image * 10 + k] > probabilities[image * 10 + best] ? k : best;
    }
    return best;
  }

  @Test
  void checkpointRestoredIntoARebuiltGraphReproducesTheProbabilities() {
    ImageSet probed = sample.test().head(PROBED_IMAGES);
    try (Graph rebuilt = new Graph()) {
      // Another seed: only the restore can make these weights equal to the trained ones.
      MnistCnn.Model again = MnistCnn.buildGraph(Ops.create(rebuilt), new Seeds(7), true);
      try (Session fresh = new Session(rebuilt)) {
        float[] untrained = MnistCnn.probabilities(fresh, again, probed, 20);
        assertFalse(Arrays.equals(probabilities, untrained), "fresh weights differ");
      }
      try (Session restored = new Session(rebuilt)) {
        Checkpoints.restore(restored, rebuilt, checkpoint);
        // A new session may split the convolutions' sums across threads differently and round the
        // last bit otherwise (seen once in CI: 3.3252218E-4 against 3.3252215E-4); the fresh
        // weights above differ by far more than this.
        assertArrayEquals(probabilities, MnistCnn.probabilities(restored, again, probed, 20), 1e-6f);
      }
    }
  }

  @Test
  void aSecondExportIsVersionTwoAndLeavesVersionOneAlone() throws IOException {
    Map<String, String> before = snapshot(version1);
    Path version2 = SavedModels.export(session, MnistCnn.signature(model), dir.resolve("models"),
        MnistCnn.MODEL);
    assertEquals(version1.resolveSibling("2"), version2);
    assertTrue(Files.isRegularFile(version2.resolve("saved_model.pb")));
    assertEquals(before, snapshot(version1));
    try (Stream<Path> entries = Files.list(version1.getParent())) {
      assertEquals(List.of("1", "2"), entries.map(p -> p.getFileName().toString()).sorted().toList(),
          "no temporary export folder left");
    }
  }

  /** Every file of a folder with its size, modification time and contents' hash. */
  private static Map<String, String> snapshot(Path folder) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(folder)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        files.put(folder.relativize(file).toString(), Files.size(file) + " "
            + Files.getLastModifiedTime(file) + " " + Arrays.hashCode(Files.readAllBytes(file)));
      }
    }
    assertFalse(files.isEmpty());
    return files;
  }

  @Test
  void dropoutActsWhileTrainingOnlyAndNoDropoutRebuildsTheNotebookGraph() {
    float[] batch = Arrays.copyOf(sample.test().pixels(), 10 * 784);
    assertNotEquals(Arrays.toString(logits(session, model, batch, 0.5f)),
        Arrays.toString(logits(session, model, batch, 0.5f)), "keep_prob 0.5: random units dropped");
    assertArrayEquals(logits(session, model, batch, null), logits(session, model, batch, null),
        "default keep_prob 1: deterministic");
    assertArrayEquals(logits(session, model, batch, null), logits(session, model, batch, 1f));

    try (Graph notebook = new Graph()) {
      MnistCnn.Model buggy = MnistCnn.buildGraph(Ops.create(notebook), new Seeds(42), false);
      try (Session s = new Session(notebook)) {
        assertArrayEquals(logits(s, buggy, batch, null), logits(s, buggy, batch, 0.5f),
            "--no-dropout: keep_prob has no effect, as in the notebook");
      }
    }
  }

  /** Logits for a batch, feeding keep_prob unless {@code keep} is null. */
  private static float[] logits(Session s, MnistCnn.Model m, float[] batch, Float keep) {
    List<TFloat32> fed = new ArrayList<>();
    try {
      TFloat32 x = Tensors.of(batch, batch.length / 784, 784);
      fed.add(x);
      Session.Runner runner = s.runner().feed(m.X(), x);
      if (keep != null) {
        TFloat32 k = TFloat32.scalarOf(keep);
        fed.add(k);
        runner.feed(m.keepProb(), k);
      }
      try (Result result = runner.fetch(m.logits()).run()) {
        return Tensors.toArray(result.get(0));
      }
    } finally {
      fed.forEach(TFloat32::close);
    }
  }
}
