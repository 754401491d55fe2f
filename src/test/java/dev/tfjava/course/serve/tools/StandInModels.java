package dev.tfjava.course.serve.tools;

import dev.tfjava.course.export.SavedModels;
import dev.tfjava.course.lessons.MnistCnn;
import dev.tfjava.course.nn.cells.CellKind;
import dev.tfjava.course.sequence.SequenceModel;
import dev.tfjava.course.train.Seeds;
import java.nio.file.Path;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Untrained models for the serving tests and benchmark, built by the lessons' own graph builders
 * ({@link MnistCnn#buildGraph}, {@link SequenceModel#training}) with their initial weights and
 * exported through {@link SavedModels#export} with the lessons' signatures, so they cost what
 * the trained models cost per prediction:
 *
 * <ul>
 *   <li>{@link #exportCnn}: {@code X} float [-1,784] → {@code Y_prob} float [-1,10] and
 *       {@code classes} int64 [-1];
 *   <li>{@link #exportLstm}: {@code X} float [-1,20,1] → {@code outputs} float [-1,20,1].
 * </ul>
 */
public final class StandInModels {
  private StandInModels() {}

  /** Exports the MNIST lesson's CNN as the next version of {@code root/name}; returns its folder. */
  public static Path exportCnn(Path root, String name, long seed) {
    try (Graph graph = new Graph()) {
      MnistCnn.Model model = MnistCnn.buildGraph(Ops.create(graph), new Seeds(seed), true);
      return export(graph, MnistCnn.signature(model), root, name);
    }
  }

  /** Exports the LSTM lesson's model as the next version of {@code root/name}; returns its folder. */
  public static Path exportLstm(Path root, String name, long seed) {
    return exportSequence(root, name, CellKind.LSTM, seed);
  }

  /**
   * Exports a Unit 3 model ({@code basic_rnn}, {@code lstm} or {@code gru}) as the next version
   * of {@code root/name}; returns its folder.
   */
  public static Path exportSequence(Path root, String name, CellKind cell, long seed) {
    try (Graph graph = new Graph()) {
      SequenceModel model = SequenceModel.training(graph, Ops.create(graph),
          SequenceModel.Config.notebook(cell, 0.001f), new Seeds(seed));
      return export(graph, SavedModels.predictSignature(Map.of("X", model.x()),
          Map.of("outputs", model.outputs())), root, name);
    }
  }

  /**
   * Exports {@code X} float [-1,-1] → {@code sum} float [-1], each row's sum: a model whose cost is
   * its input's bytes, for messages of any size (GrpcLargeMessageTest).
   */
  public static Path exportRowSum(Path root, String name) {
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, -1)));
      return export(graph, SavedModels.predictSignature(Map.of("X", x),
          Map.of("sum", tf.reduceSum(x, tf.constant(1)))), root, name);
    }
  }

  private static Path export(Graph graph, Signature signature, Path root, String name) {
    try (Session session = new Session(graph)) {
      session.initialize();
      return SavedModels.export(session, signature, root, name);
    }
  }

  /** {@code StandInModels DIR}: exports {@code DIR/mnist_cnn} and {@code DIR/lstm}. */
  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println("usage: StandInModels <models-dir>");
      System.exit(2);
    }
    Path root = Path.of(args[0]);
    System.out.println("exported " + exportCnn(root, "mnist_cnn", 42));
    System.out.println("exported " + exportLstm(root, "lstm", 42));
  }
}
