package dev.tfjava.course.train;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;

/**
 * What TensorFlow actually ran, read from a step's partition graphs (the graph after Grappler and
 * oneDNN's rewrites): for each kernel type, the element types ({@code T}) it ran with.
 */
public final class PartitionGraphs {
  private PartitionGraphs() {}

  /** Run options that make a step return its partition graphs. */
  public static final RunOptions OPTIONS = RunOptions.newBuilder()
      .setOutputPartitionGraphs(true).build();

  /** Kernel type → the {@code T} attributes it ran with, e.g. {@code _MklConv2D → [DT_BFLOAT16]}. */
  public static Map<String, Set<DataType>> elementTypes(RunMetadata metadata) {
    Map<String, Set<DataType>> types = new TreeMap<>();
    for (GraphDef partition : metadata.getPartitionGraphsList()) {
      for (NodeDef node : partition.getNodeList()) {
        AttrValue t = node.getAttrMap().get("T");
        if (t != null && t.hasType()) {
          types.computeIfAbsent(node.getOp(), k -> new TreeSet<>()).add(t.getType());
        }
      }
    }
    return types;
  }

  /** The kernel types of {@link #elementTypes} that ran with element type {@code type}. */
  public static Set<String> kernelsOf(Map<String, Set<DataType>> elementTypes, DataType type) {
    Set<String> kernels = new TreeSet<>();
    elementTypes.forEach((op, types) -> {
      if (types.contains(type)) {
        kernels.add(op);
      }
    });
    return kernels;
  }
}
