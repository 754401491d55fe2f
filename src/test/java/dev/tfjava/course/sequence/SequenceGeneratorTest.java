package dev.tfjava.course.sequence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tfjava.course.nn.cells.CellKind;
import dev.tfjava.course.train.Device;
import dev.tfjava.course.train.Seeds;
import dev.tfjava.course.train.SessionFactory;
import dev.tfjava.course.train.ThreadSettings;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;

/** The pipelined generation gives the notebook's window-by-window values. */
class SequenceGeneratorTest {

  @ParameterizedTest
  @EnumSource(CellKind.class)
  void pipelinedGenerationEqualsTheNotebooksWindowLoop(CellKind kind) {
    SessionFactory sessions = new SessionFactory(Device.CPU, new ThreadSettings(1, 1), false);
    try (Graph graph = new Graph()) {
      Ops tf = sessions.ops(graph);
      // Untrained (Glorot) weights; a dense bias of 0.5 makes even the all-zero window's output
      // non-zero, so the sequence moves.
      SequenceModel model = SequenceModel.inference(graph, tf,
          SequenceModel.Config.notebook(kind, 0.001f), new Seeds(9));
      var denseBias = model.variables().get(model.variables().size() - 1);
      var setBias = tf.assign(denseBias, tf.constant(new float[] {0.5f}));
      try (Session session = sessions.open(graph)) {
        session.run(setBias);
        float[] windows = SequenceGenerator.generateByWindows(session, model, 60).sequence();
        float[] pipelined = SequenceGenerator.generate(session, model, 60).sequence();
        assertEquals(80, pipelined.length);
        double largest = 0;
        for (int i = 0; i < windows.length; i++) {
          assertEquals(windows[i], pipelined[i], 1e-5 * Math.max(1, Math.abs(windows[i])),
              kind + ": value " + i);
          largest = Math.max(largest, Math.abs(windows[i]));
        }
        org.junit.jupiter.api.Assertions.assertTrue(largest > 0.1, "all values ~0");
      }
    }
  }
}
