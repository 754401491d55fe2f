package dev.tfjava.course.export;

import dev.tfjava.course.CourseException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operation;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.BundleEntryProto;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorShapeProto;

/**
 * Checks that a checkpoint fits a graph before anything is restored: its files are there, every
 * variable of the graph is in it with the graph's dtype and shape ({@link CheckpointIndex}), and
 * its data files hold every byte the index points to. Damage inside the data (checksums) is found
 * by the restore itself.
 */
final class CheckpointCheck {
  /** A variable of the graph: name, dtype (ref types folded to their value type) and shape. */
  private record Wanted(String name, DataType dtype, Shape shape) {}

  private CheckpointCheck() {}

  /** Throws {@link CourseException#badInput} naming the first problem, if any. */
  static void requireFits(Graph graph, Path prefix) {
    Path index = Path.of(prefix + ".index");
    if (!Files.isRegularFile(index)) {
      throw CourseException.badInput("No checkpoint at " + prefix + " (" + index
          + " is missing): give a checkpoint prefix or a folder with a 'checkpoint' state file");
    }
    CheckpointIndex.Contents contents;
    try {
      contents = CheckpointIndex.read(index);
    } catch (IOException | RuntimeException e) {
      throw CourseException.badInput("Checkpoint " + prefix + " is damaged or truncated ("
          + index + ": " + e.getMessage() + ")", e);
    }
    for (Wanted w : variables(graph)) {
      BundleEntryProto entry = contents.tensors().get(w.name());
      if (entry == null) {
        throw CourseException.badInput("Checkpoint " + prefix + " does not fit this graph: "
            + w.name() + " " + w.shape() + " is not in it (a checkpoint of another lesson?)");
      }
      Shape found = Shape.of(entry.getShape().getDimList().stream()
          .mapToLong(TensorShapeProto.Dim::getSize).toArray());
      if (entry.getDtype() != w.dtype() || !found.equals(w.shape())) {
        throw CourseException.badInput("Checkpoint " + prefix + " does not fit this graph: "
            + w.name() + " should be " + describe(w.dtype(), w.shape()) + " but is "
            + describe(entry.getDtype(), found)
            + " (a checkpoint of another lesson or model size?)");
      }
    }
    requireData(prefix, contents);
  }

  /** Every data shard exists and is long enough for every tensor the index places in it. */
  private static void requireData(Path prefix, CheckpointIndex.Contents contents) {
    int shards = Math.max(1, contents.header().getNumShards());
    long[] needed = new long[shards];
    for (BundleEntryProto entry : contents.tensors().values()) {
      if (entry.getShardId() >= 0 && entry.getShardId() < shards) {
        needed[entry.getShardId()] = Math.max(needed[entry.getShardId()],
            entry.getOffset() + entry.getSize());
      }
    }
    for (int shard = 0; shard < shards; shard++) {
      Path data = Path.of(String.format("%s.data-%05d-of-%05d", prefix, shard, shards));
      long size;
      try {
        size = Files.size(data);
      } catch (IOException e) {
        throw CourseException.badInput("Checkpoint " + prefix + " has no data file (" + data
            + " is missing)", e);
      }
      if (size < needed[shard]) {
        throw CourseException.badInput("Checkpoint " + prefix + " is damaged or truncated ("
            + data + " has " + size + " bytes, its index needs " + needed[shard] + ")");
      }
    }
  }

  private static String describe(DataType dtype, Shape shape) {
    return (dtype == DataType.DT_FLOAT ? "" : dtype.name().substring(3).toLowerCase() + " ")
        + shape;
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
