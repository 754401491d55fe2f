package dev.tfjava.course.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.tensorflow.TensorFlow;
import org.tensorflow.proto.CollectionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.VariableDef;

/**
 * Adds to a {@code saved_model.pb} what Python's exporter records and TF Java's does not: the
 * {@code variables} and {@code trainable_variables} collections (one {@code VariableDef} per
 * variable, as TF1's {@code RefVariable} writes it), which {@code tf.compat.v1.global_variables()}
 * lists after loading, and {@code tensorflow_version} / {@code tensorflow_git_version} in the
 * MetaInfoDef. Everything else is left as written.
 */
final class SavedModelMetadata {
  private static final String VARIABLES = "variables";
  private static final String TRAINABLE = "trainable_variables";

  private SavedModelMetadata() {}

  /** Rewrites {@code savedModelPb} (in a private staging folder) with the additions. */
  static void addPythonMetadata(Path savedModelPb) throws IOException {
    SavedModel.Builder model = SavedModel.parseFrom(Files.readAllBytes(savedModelPb)).toBuilder();
    for (MetaGraphDef.Builder meta : model.getMetaGraphsBuilderList()) {
      meta.getMetaInfoDefBuilder()
          .setTensorflowVersion(TensorFlow.version())
          .setTensorflowGitVersion("v" + TensorFlow.version() + " (TensorFlow Java)");
      addVariableCollections(meta);
    }
    Files.write(savedModelPb, model.build().toByteArray());
  }

  private static void addVariableCollections(MetaGraphDef.Builder meta) {
    GraphDef graph = meta.getGraphDef();
    Set<String> nodes = new HashSet<>();
    for (NodeDef node : graph.getNodeList()) {
      nodes.add(node.getName());
    }
    CollectionDef.BytesList.Builder all = CollectionDef.BytesList.newBuilder();
    CollectionDef.BytesList.Builder trainable = CollectionDef.BytesList.newBuilder();
    for (NodeDef node : graph.getNodeList()) {
      if (!node.getOp().equals("VariableV2") && !node.getOp().equals("Variable")) {
        continue;
      }
      String name = node.getName();
      boolean isTrainable = isTrainable(name);
      VariableDef.Builder def = VariableDef.newBuilder()
          .setVariableName(name + ":0")
          .setSnapshotName((nodes.contains(name + "/read") ? name + "/read" : name) + ":0")
          .setTrainable(isTrainable);
      if (nodes.contains(name + "/Assign")) {
        def.setInitializerName(name + "/Assign");
      }
      all.addValue(def.build().toByteString());
      if (isTrainable) {
        trainable.addValue(def.build().toByteString());
      }
    }
    meta.putCollectionDef(VARIABLES, CollectionDef.newBuilder().setBytesList(all).build());
    meta.putCollectionDef(TRAINABLE, CollectionDef.newBuilder().setBytesList(trainable).build());
  }

  /** Everything but the optimizer's state, which TF1 creates with trainable=False. */
  static boolean isTrainable(String name) {
    String last = name.substring(name.lastIndexOf('/') + 1);
    return !(last.equals("Adam") || last.equals("Adam_1") || last.equals("beta1_power")
        || last.equals("beta2_power") || last.equals("global_step"));
  }
}
