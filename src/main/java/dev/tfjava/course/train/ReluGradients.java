package dev.tfjava.course.train;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Output;
import org.tensorflow.internal.c_api.TF_Graph;
import org.tensorflow.internal.c_api.TF_Input;
import org.tensorflow.internal.c_api.TF_Output;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.internal.c_api.global.tensorflow;

/**
 * Makes every {@code ReluGrad} of a graph read its ReLU's output instead of the ReLU's input, as
 * Python's gradient of {@code Relu} does; call it once, after the gradients are built.
 *
 * <p>Why: TensorFlow's C++ gradient of {@code Relu} (the one TF Java uses) reads the ReLU's input,
 * so the {@code BiasAdd} before a ReLU has two consumers, and Grappler then cannot fuse
 * Conv2D+BiasAdd+Relu (or MatMul+BiasAdd+Relu) into one oneDNN kernel: the ReLU runs as a separate
 * pass over the activations. Both forms give the same gradient (relu(z) > 0 exactly when z > 0).
 * TF Java has no public call to move an edge, so this uses the C API's {@code TF_UpdateEdge} on
 * the graph's native handle.
 */
public final class ReluGradients {
  private ReluGradients() {}

  /** Rewires the ReluGrads; returns how many were changed. */
  public static int readOutputs(Graph graph) {
    List<GraphOperation[]> moves = new ArrayList<>();
    for (Iterator<GraphOperation> it = graph.operations(); it.hasNext(); ) {
      GraphOperation op = it.next();
      if (!op.type().equals("ReluGrad")) {
        continue;
      }
      Output<?> features = op.input(1);
      for (GraphOperation consumer : ((GraphOperation) features.op()).consumers(features.index())) {
        if (consumer.type().equals("Relu") && consumer.input(0).equals(features)) {
          moves.add(new GraphOperation[] {op, consumer});
          break;
        }
      }
    }
    if (moves.isEmpty()) {
      return 0;
    }
    TF_Graph handle = nativeHandle(graph);
    try (TF_Status status = TF_Status.newStatus();
        TF_Output source = new TF_Output();
        TF_Input target = new TF_Input()) {
      for (GraphOperation[] move : moves) {
        source.oper(move[1].getUnsafeNativeHandle()).index(0);
        target.oper(move[0].getUnsafeNativeHandle()).index(1);
        tensorflow.TF_UpdateEdge(handle, source, target, status);
        status.throwExceptionIfNotOK();
      }
    }
    return moves.size();
  }

  private static TF_Graph nativeHandle(Graph graph) {
    try {
      Field field = Graph.class.getDeclaredField("nativeHandle");
      field.setAccessible(true);
      return (TF_Graph) field.get(graph);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("this TF Java version hides the graph handle differently", e);
    }
  }
}
