package dev.tfjava.course.tensorboard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tfjava.course.train.NamedVariables;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.HistogramProto;
import org.tensorflow.types.TFloat32;

/** Histograms of variables of different sizes through one reused buffer: each sees only its own. */
class TrainingSummariesTest {
  @TempDir
  Path logdir;

  @Test
  void eachHistogramHoldsExactlyItsVariablesValues() throws IOException {
    float[] big = new float[1000];
    for (int i = 0; i < big.length; i++) {
      big[i] = i * 0.01f; // 0 .. 9.99: a stale tail would show in the small one's max and sum
    }
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Variable<TFloat32> large = NamedVariables.create(tf, "large",
          tf.withInitScope().constant(Shape.of(1000), DataBuffers.of(big)));
      Variable<TFloat32> small = NamedVariables.create(tf, "small",
          tf.withInitScope().constant(StdArrays.ndCopyOf(new float[] {-2f, 0.5f, 1f})));
      try (Session session = new Session(graph);
          TrainingSummaries summaries = TrainingSummaries.open(Optional.of(logdir), graph, 1)) {
        session.initialize();
        summaries.histograms(session, 0, List.of(large, small));
        summaries.histograms(session, 1, List.of(small, large));
      }
    }
    List<Event> events = EventFiles.read(EventFiles.find(logdir).get(0));
    int seen = 0;
    for (Event event : events) {
      for (var value : event.getSummary().getValueList()) {
        if (!value.hasHisto()) {
          continue;
        }
        HistogramProto h = value.getHisto();
        if (value.getTag().equals("small")) {
          assertEquals(3, h.getNum());
          assertEquals(-2, h.getMin());
          assertEquals(1, h.getMax());
          assertEquals(-0.5, h.getSum(), 1e-9);
        } else {
          assertEquals(1000, h.getNum());
          assertEquals(9.99, h.getMax(), 1e-6);
          assertEquals(4995, h.getSum(), 1e-2);
        }
        seen++;
      }
    }
    assertEquals(4, seen);
  }
}
