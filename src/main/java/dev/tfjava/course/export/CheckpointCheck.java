package dev.tfjava.course.export;

import dev.tfjava.course.CourseException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operation;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.internal.types.registry.TensorTypeRegistry;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.train.Restore;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.family.TType;

/**
 * Checks that a checkpoint fits a graph before anything is restored: its files are there, every
 * variable of the graph is in it with the graph's dtype and shape, and its data reads back (sizes
 * and checksums). TF Java has no checkpoint reader, so this asks TensorFlow itself: a small graph
 * of one {@code RestoreV2} per variable, run one by one, reads each tensor as the real restore
 * would, and a failure names the variable it concerns.
 */
final class CheckpointCheck {
  /** A variable of the graph: name, dtype (ref types folded to their value type) and shape. */
  private record Wanted(String name, DataType dtype, Shape shape) {}

  private CheckpointCheck() {}

  /** Throws {@link CourseException#badInput} naming the first problem, if any. */
  static void requireFits(Graph graph, Path prefix) {
    requireFiles(prefix);
    List<Wanted> wanted = variables(graph);
    try (Graph scratch = new Graph()) {
      Ops tf = Ops.create(scratch);
      List<Restore> reads = new ArrayList<>();
      for (Wanted w : wanted) {
        Class<? extends TType> type = TensorTypeRegistry.find(w.dtype()).type();
        reads.add(tf.train.restore(tf.constant(prefix.toString()),
            tf.array(w.name()), tf.array(""), List.of(type)));
      }
      try (Session session = new Session(scratch)) {
        for (int i = 0; i < wanted.size(); i++) {
          Wanted w = wanted.get(i);
          Shape found;
          try (Result result = session.runner().fetch(reads.get(i).tensors().get(0)).run()) {
            found = result.get(0).shape();
          } catch (TensorFlowException e) {
            throw problem(prefix, w, e);
          }
          if (!found.equals(w.shape())) {
            throw CourseException.badInput("Checkpoint " + prefix + " does not fit this graph: "
                + w.name() + " should be " + w.shape() + " but is " + found
                + " (a checkpoint of another lesson or model size?)");
          }
        }
      }
    }
  }

  private static CourseException problem(Path prefix, Wanted w, TensorFlowException e) {
    String message = firstLine(e);
    if (message.contains("not found in checkpoint")) {
      return CourseException.badInput("Checkpoint " + prefix + " does not fit this graph: "
          + w.name() + " " + w.shape() + " is not in it (a checkpoint of another lesson?)", e);
    }
    if (message.contains("dtype")) {
      return CourseException.badInput("Checkpoint " + prefix + " does not fit this graph: "
          + w.name() + " should be " + w.dtype() + ": " + message, e);
    }
    return CourseException.badInput("Checkpoint " + prefix + " is damaged or truncated (reading "
        + w.name() + ": " + message + ")", e);
  }

  private static void requireFiles(Path prefix) {
    Path index = Path.of(prefix + ".index");
    if (!Files.isRegularFile(index)) {
      throw CourseException.badInput("No checkpoint at " + prefix + " (" + index
          + " is missing): give a checkpoint prefix or a folder with a 'checkpoint' state file");
    }
    Path dir = prefix.toAbsolutePath().getParent();
    String data = prefix.getFileName() + ".data-";
    try (Stream<Path> entries = Files.list(dir)) {
      if (entries.noneMatch(p -> p.getFileName().toString().startsWith(data))) {
        throw CourseException.badInput("Checkpoint " + prefix + " has no data file ("
            + prefix + ".data-00000-of-00001 is missing)");
      }
    } catch (IOException e) {
      throw CourseException.badInput("Cannot read " + dir + ": " + e.getMessage(), e);
    }
  }

  private static List<Wanted> variables(Graph graph) {
    List<Wanted> wanted = new ArrayList<>();
    for (var it = graph.operations(); it.hasNext(); ) {
      Operation op = it.next();
      if (op.type().equals("VariableV2") || op.type().equals("Variable")) {
        GraphOperation variable = (GraphOperation) op;
        DataType dtype = variable.output(0).dataType();
        if (dtype.getNumber() > 100) { // DT_FLOAT_REF → DT_FLOAT
          dtype = DataType.forNumber(dtype.getNumber() - 100);
        }
        wanted.add(new Wanted(op.name(), dtype, variable.output(0).shape()));
      }
    }
    return wanted;
  }

  /** TensorFlow's message without its stack of graph context: the first line. */
  static String firstLine(Exception e) {
    String message = String.valueOf(e.getMessage()).strip();
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
