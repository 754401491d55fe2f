package dev.tfjava.course.serve.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;


/**
 * Loads a SavedModel with some of its signatures left out. TF Java builds a function for every
 * signature at load and refuses the whole model when one does not match its graph (e.g. TF
 * Serving's half_plus_three declares DT_FLOAT for a DT_STRING tensor); TF Serving loads such a
 * model and serves its other signatures. Here the version is copied to a temporary folder whose
 * saved_model.pb keeps only the chosen signatures, a tensor without a declared shape given
 * the graph's ({@code variables/} and {@code assets/} are linked, not copied), loaded, and the
 * copy deleted (TensorFlow has read it by then).
 */
final class SignatureSubsetLoad {
  private SignatureSubsetLoad() {}

  /** The outcome: the bundle and, for each signature left out, why it cannot be served. */
  record Outcome(SavedModelBundle bundle, Map<String, String> unservable) {}

  /**
   * Loads {@code versionDir} with every signature that loads on its own.
   *
   * @param loader loads a version folder (the caller's tags and thread settings)
   * @throws RuntimeException the original {@code failure} when no signature loads on its own
   */
  static Outcome load(Path versionDir, Function<Path, SavedModelBundle> loader,
      RuntimeException failure) {
    SavedModel model = read(versionDir.resolve("saved_model.pb"));
    List<String> keys = model.getMetaGraphs(0).getSignatureDefMap().keySet().stream().sorted()
        .toList();
    Map<String, String> unservable = new LinkedHashMap<>();
    List<String> servable = keys.stream().filter(key -> {
      try (SavedModelBundle alone = loadWith(versionDir, model, List.of(key), loader)) {
        return alone != null;
      } catch (RuntimeException e) {
        unservable.put(key, e.getMessage());
        failure.addSuppressed(e);
        return false;
      }
    }).toList();
    if (servable.isEmpty()) {
      throw failure;
    }
    return new Outcome(loadWith(versionDir, model, servable, loader), unservable);
  }

  private static SavedModelBundle loadWith(Path versionDir, SavedModel model, List<String> keys,
      Function<Path, SavedModelBundle> loader) {
    SavedModel.Builder subset = model.toBuilder();
    for (int i = 0; i < subset.getMetaGraphsCount(); i++) {
      MetaGraphDef.Builder meta = subset.getMetaGraphsBuilder(i);
      for (String key : List.copyOf(meta.getSignatureDefMap().keySet())) {
        if (keys.contains(key)) {
          meta.putSignatureDef(key, shapesFromGraph(meta.getSignatureDefOrThrow(key),
              meta.getGraphDef()));
        } else {
          meta.removeSignatureDef(key);
        }
      }
    }
    Path copy = null;
    try {
      copy = Files.createTempDirectory("signature-subset-");
      Files.write(copy.resolve("saved_model.pb"), subset.build().toByteArray());
      for (String linked : List.of("variables", "assets", "assets.extra")) {
        if (Files.exists(versionDir.resolve(linked))) {
          Files.createSymbolicLink(copy.resolve(linked),
              versionDir.resolve(linked).toAbsolutePath());
        }
      }
      return loader.apply(copy);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot stage " + versionDir + " without signatures: " + e,
          e);
    } finally {
      delete(copy);
    }
  }

  /**
   * The signature with every tensor that declares no shape given its shape in the graph: TF Java
   * reads a missing shape as a scalar and refuses the tensor; TensorFlow (and TF Serving) take
   * it as unknown. The graph's shape is a Placeholder's {@code shape} or the node's
   * {@code _output_shapes}; without either the tensor is left as it is.
   */
  private static SignatureDef shapesFromGraph(SignatureDef signature, GraphDef graph) {
    SignatureDef.Builder fixed = signature.toBuilder();
    signature.getInputsMap().forEach((alias, info) -> fixed.putInputs(alias,
        withGraphShape(info, graph)));
    signature.getOutputsMap().forEach((alias, info) -> fixed.putOutputs(alias,
        withGraphShape(info, graph)));
    return fixed.build();
  }

  private static TensorInfo withGraphShape(TensorInfo info, GraphDef graph) {
    if (info.hasTensorShape() || info.getName().isEmpty()) {
      return info;
    }
    String[] parts = info.getName().split(":");
    int index = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
    for (NodeDef node : graph.getNodeList()) {
      if (!node.getName().equals(parts[0])) {
        continue;
      }
      AttrValue shape = node.getAttrMap().get("shape");
      if (shape != null && shape.hasShape()) {
        return info.toBuilder().setTensorShape(shape.getShape()).build();
      }
      AttrValue shapes = node.getAttrMap().get("_output_shapes");
      if (shapes != null && shapes.getList().getShapeCount() > index) {
        return info.toBuilder().setTensorShape(shapes.getList().getShape(index)).build();
      }
    }
    return info;
  }

  private static SavedModel read(Path file) {
    try {
      return SavedModel.parseFrom(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file + ": " + e, e);
    }
  }

  private static void delete(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // A temporary folder left behind is harmless.
    }
  }
}
