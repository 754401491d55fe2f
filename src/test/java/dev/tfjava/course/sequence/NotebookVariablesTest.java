package dev.tfjava.course.sequence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tfjava.course.lessons.MnistCnn;
import dev.tfjava.course.nn.cells.CellKind;
import dev.tfjava.course.train.Seeds;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.op.Ops;

/**
 * Every variable of each training graph, name and shape, against the table of the notebook's TF1
 * graph (tf.nn.dynamic_rnn inside name_scope("Cell"), tf.layers.dense, tf.train.AdamOptimizer):
 * nothing missing, nothing extra, so tf.train.Saver() restores a Java checkpoint unchanged.
 */
class NotebookVariablesTest {

  @Test
  void basicRnnGraphHoldsTheNotebooksVariables() {
    assertEquals(withAdam(Map.of(
        "rnn/basic_rnn_cell/kernel", "[101, 100]", "rnn/basic_rnn_cell/bias", "[100]",
        "dense/kernel", "[100, 1]", "dense/bias", "[1]"), "Training"),
        sequenceVariables(CellKind.BASIC_RNN));
  }

  @Test
  void lstmGraphHoldsTheNotebooksVariables() {
    assertEquals(withAdam(Map.of(
        "rnn/basic_lstm_cell/kernel", "[101, 400]", "rnn/basic_lstm_cell/bias", "[400]",
        "dense/kernel", "[100, 1]", "dense/bias", "[1]"), "Training"),
        sequenceVariables(CellKind.LSTM));
  }

  @Test
  void gruGraphHoldsTheNotebooksVariables() {
    assertEquals(withAdam(Map.of(
        "rnn/gru_cell/gates/kernel", "[101, 200]", "rnn/gru_cell/gates/bias", "[200]",
        "rnn/gru_cell/candidate/kernel", "[101, 100]", "rnn/gru_cell/candidate/bias", "[100]",
        "dense/kernel", "[100, 1]", "dense/bias", "[1]"), "Training"),
        sequenceVariables(CellKind.GRU));
  }

  @Test
  void mnistCnnGraphHoldsTheNotebooksVariables() {
    try (Graph graph = new Graph()) {
      MnistCnn.buildGraph(Ops.create(graph), new Seeds(42), true);
      assertEquals(withAdam(Map.of(
          "conv1/kernel", "[3, 3, 1, 32]", "conv1/bias", "[32]",
          "fc1/kernel", "[6272, 64]", "fc1/bias", "[64]",
          "output/kernel", "[64, 10]", "output/bias", "[10]"), "train"), variables(graph));
    }
  }

  private static Map<String, String> sequenceVariables(CellKind kind) {
    try (Graph graph = new Graph()) {
      SequenceModel.training(graph, Ops.create(graph),
          SequenceModel.Config.notebook(kind, 0.001f), new Seeds(42));
      return variables(graph);
    }
  }

  /**
   * The trainable variables plus tf.train.AdamOptimizer's slots and its β powers, which
   * minimize() inside name_scope(scope) puts in that scope (checked against Python TF 2.21).
   */
  private static Map<String, String> withAdam(Map<String, String> trainable, String scope) {
    Map<String, String> all = new TreeMap<>(trainable);
    trainable.forEach((name, shape) -> {
      all.put(name + "/Adam", shape);
      all.put(name + "/Adam_1", shape);
    });
    all.put(scope + "/beta1_power", "[]");
    all.put(scope + "/beta2_power", "[]");
    return all;
  }

  private static Map<String, String> variables(Graph graph) {
    Map<String, String> found = new TreeMap<>();
    graph.operations().forEachRemaining(op -> {
      if (op.type().startsWith("Variable")) {
        found.put(op.name(), op.output(0).shape().toString());
      }
    });
    return found;
  }
}
