package dev.tfjava.course.notebook;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;

/**
 * A graph as a sorted list of lines, one per op: its name, type, the static shape of each output
 * and where each input comes from ({@code name:index}, control inputs as {@code ^name}). Two
 * graphs with the same signature have the same nodes, ops, shapes and wiring.
 */
final class GraphSignature {
  private GraphSignature() {}

  static List<String> of(Graph graph) {
    TreeSet<String> lines = new TreeSet<>();
    for (Iterator<GraphOperation> it = graph.operations(); it.hasNext(); ) {
      GraphOperation op = it.next();
      StringBuilder line = new StringBuilder(op.name()).append(" = ").append(op.type()).append(" ->");
      for (int i = 0; i < op.numOutputs(); i++) {
        line.append(' ').append(op.output(i).shape());
      }
      line.append(" <-");
      for (int i = 0; i < op.numInputs(); i++) {
        line.append(' ').append(op.input(i).op().name()).append(':').append(op.input(i).index());
      }
      List<String> control = new ArrayList<>();
      op.controlInputs().forEach(c -> control.add("^" + c.name()));
      control.stream().sorted().forEach(c -> line.append(' ').append(c));
      lines.add(line.toString());
    }
    return new ArrayList<>(lines);
  }

  /**
   * Fails unless the two graphs have the same signature, naming up to ten lines only one has.
   */
  static void assertSame(String what, Graph lesson, Graph notebook) {
    List<String> a = of(lesson);
    List<String> b = of(notebook);
    if (a.equals(b)) {
      return;
    }
    List<String> onlyLesson = new ArrayList<>(a);
    onlyLesson.removeAll(b);
    List<String> onlyNotebook = new ArrayList<>(b);
    onlyNotebook.removeAll(a);
    throw new AssertionError(what + ": the notebook's graph differs from the lesson's (" + a.size()
        + " vs " + b.size() + " ops)\n  only in the lesson:   "
        + onlyLesson.subList(0, Math.min(10, onlyLesson.size()))
        + "\n  only in the notebook: " + onlyNotebook.subList(0, Math.min(10, onlyNotebook.size())));
  }
}
