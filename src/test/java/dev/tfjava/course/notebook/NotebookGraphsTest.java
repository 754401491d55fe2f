package dev.tfjava.course.notebook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfjava.course.TestSupport;
import dev.tfjava.course.data.TimeSeries;
import dev.tfjava.course.lessons.MnistCnn;
import dev.tfjava.course.nn.cells.CellKind;
import dev.tfjava.course.sequence.SequenceModel;
import dev.tfjava.course.train.Seeds;
import dev.tfjava.course.train.Tensors;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The notebooks' construction cells, run through JShell as the kernel runs them, build the same
 * graphs as the lesson classes: the same ops, names, shapes and wiring, and the same numbers for
 * seed 42 (initial values, then the losses and variables after a few training steps on the same
 * batches). An edited constant in a construction cell makes the check fail.
 */
class NotebookGraphsTest {
  private static final int STEPS = 3;

  @AfterEach
  void closeNotebookGraph() {
    Notebook.closeGraph();
  }

  @ParameterizedTest
  @EnumSource(CellKind.class)
  void sequenceNotebooksBuildTheLessonsGraph(CellKind kind) throws Exception {
    NotebookCells.runConstruction(notebook(kind), UnaryOperator.identity());
    assertSameAsLesson(kind);
  }

  @Test
  void mnistNotebookBuildsTheLessonsGraph() throws Exception {
    NotebookCells.runConstruction("mnist-cnn", UnaryOperator.identity());
    assertSameAsLesson();
  }

  @Test
  void anEditedSizeMakesTheGraphsDiffer() throws Exception {
    NotebookCells.runConstruction("rnn", edit("int n_neurons = 100;", "int n_neurons = 99;"));
    AssertionError failure = assertThrows(AssertionError.class,
        () -> assertSameAsLesson(CellKind.BASIC_RNN));
    assertTrue(failure.getMessage().contains("differs"), failure.getMessage());

    NotebookCells.runConstruction("mnist-cnn", edit("int n_fc1 = 64;", "int n_fc1 = 32;"));
    assertThrows(AssertionError.class, this::assertSameAsLesson);
  }

  @Test
  void anEditedLearningRateMakesTheNumbersDiffer() throws Exception {
    // Same ops and shapes; only a constant's value changes, which the numbers must catch.
    NotebookCells.runConstruction("lstm",
        edit("float learning_rate = 0.001f;", "float learning_rate = 0.002f;"));
    AssertionError failure = assertThrows(AssertionError.class,
        () -> assertSameAsLesson(CellKind.LSTM));
    assertTrue(failure.getMessage().contains("numbers"), failure.getMessage());
  }

  @Test
  void resetGraphClosesThePreviousGraph() throws Exception {
    NotebookCells.runConstruction("gru", UnaryOperator.identity());
    NotebookGraph first = Notebook.current();
    first.session();
    NotebookGraph second = Notebook.resetGraph();
    assertTrue(first.isClosed());
    assertThrows(IllegalStateException.class, first::session);
    second.session();
  }

  private static String notebook(CellKind kind) {
    return switch (kind) {
      case BASIC_RNN -> "rnn";
      case LSTM -> "lstm";
      case GRU -> "gru";
    };
  }

  private static UnaryOperator<String> edit(String from, String to) {
    return source -> {
      if (!source.contains(from)) {
        throw new AssertionError("the construction cell has no `" + from + "`");
      }
      return source.replace(from, to);
    };
  }

  private void assertSameAsLesson(CellKind kind) {
    Graph notebook = Notebook.current().graph();
    try (Graph lesson = new Graph()) {
      SequenceModel.training(lesson, Ops.create(lesson), SequenceModel.Config.notebook(kind,
          0.001f), new Seeds(Notebook.SEED));
      GraphSignature.assertSame(kind.displayName(), lesson, notebook);
      assertSameNumbers(kind.displayName(), train(lesson, "Training", new SequenceBatches()),
          train(notebook, "Training", new SequenceBatches()));
    }
  }

  private void assertSameAsLesson() {
    Graph notebook = Notebook.current().graph();
    try (Graph lesson = new Graph()) {
      MnistCnn.buildGraph(Ops.create(lesson), new Seeds(Notebook.SEED), true);
      GraphSignature.assertSame("mnist-cnn", lesson, notebook);
      assertSameNumbers("mnist-cnn", train(lesson, "train", new ImageBatches()),
          train(notebook, "train", new ImageBatches()));
    }
  }

  private static void assertSameNumbers(String what, float[] lesson, float[] notebook) {
    try {
      assertArrayEquals(lesson, notebook, 1e-6f);
    } catch (AssertionError e) {
      throw new AssertionError(what + ": the notebook's numbers differ from the lesson's: "
          + e.getMessage(), e);
    }
  }

  /**
   * {@value #STEPS} training steps in a new session on {@code graph}: each step's loss, then
   * every variable's value (by name), in one array.
   */
  private static float[] train(Graph graph, String trainScope, Batches batches) {
    List<Float> numbers = new ArrayList<>();
    try (Session session = TestSupport.cpuSessions().open(graph)) {
      for (int step = 0; step < STEPS; step++) {
        Session.Runner runner = session.runner().addTarget(trainScope + "/Adam")
            .fetch(trainScope + "/loss");
        List<TFloat32> fed = batches.feed(runner);
        try (Result result = runner.run()) {
          numbers.add(Tensors.scalar(result.get(0)));
        } finally {
          fed.forEach(TFloat32::close);
        }
      }
      for (String variable : variableNames(graph)) {
        try (Result result = session.runner().fetch(variable).run()) {
          for (float v : Tensors.toArray(result.get(0))) {
            numbers.add(v);
          }
        }
      }
    }
    float[] array = new float[numbers.size()];
    for (int i = 0; i < array.length; i++) {
      array[i] = numbers.get(i);
    }
    return array;
  }

  private static TreeSet<String> variableNames(Graph graph) {
    TreeSet<String> names = new TreeSet<>();
    for (Iterator<GraphOperation> it = graph.operations(); it.hasNext(); ) {
      GraphOperation op = it.next();
      if (op.type().startsWith("Variable")) {
        names.add(op.name());
      }
    }
    return names;
  }

  /** Feeds one training batch; returns the tensors fed, which the caller closes after the run. */
  private interface Batches {
    List<TFloat32> feed(Session.Runner runner);
  }

  /** The lesson's batches: next_batch from seed 42's {@code next_batch} stream. */
  private static final class SequenceBatches implements Batches {
    private final TimeSeries series = new TimeSeries(new Seeds(Notebook.SEED).random("next_batch"));

    @Override
    public List<TFloat32> feed(Session.Runner runner) {
      TimeSeries.Batch batch = series.nextBatch(50, TimeSeries.STEPS);
      TFloat32 x = Tensors.of(batch.x(), 50, TimeSeries.STEPS, 1);
      TFloat32 y = Tensors.of(batch.y(), 50, TimeSeries.STEPS, 1);
      runner.feed("Inputs/X", x).feed("Inputs/y", y);
      return List.of(x, y);
    }
  }

  /** Random pixels and labels, the same for both graphs; keep_prob 0.5. */
  private static final class ImageBatches implements Batches {
    private final Random random = new Random(7);

    @Override
    public List<TFloat32> feed(Session.Runner runner) {
      float[] pixels = new float[50 * 784];
      float[] labels = new float[50 * 10];
      for (int i = 0; i < 50; i++) {
        for (int p = 0; p < 784; p++) {
          pixels[i * 784 + p] = random.nextFloat();
        }
        labels[i * 10 + random.nextInt(10)] = 1;
      }
      TFloat32 x = Tensors.of(pixels, 50, 784);
      TFloat32 y = Tensors.of(labels, 50, 10);
      TFloat32 keep = TFloat32.scalarOf(0.5f);
      runner.feed("Inputs/X", x).feed("Inputs/y", y).feed("Inputs/keep_prob", keep);
      return List.of(x, y, keep);
    }
  }
}
