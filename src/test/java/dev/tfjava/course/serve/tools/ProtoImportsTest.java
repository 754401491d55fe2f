package dev.tfjava.course.serve.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.google.protobuf.Descriptors.FieldDescriptor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.TensorProto;
import tensorflow.serving.Predict;

/**
 * The TensorFlow core .proto files protoc imports are TF Java 1.1.0's own descriptors, printed,
 * and the TF Serving messages compiled against them use TF Java's classes: one set of
 * TensorProto, SignatureDef, ... classes, on the one protobuf runtime in the build.
 */
class ProtoImportsTest {
  private static final Path IMPORTS = Path.of("..", "..", "src", "main", "protobuf-imports");

  @Test
  void committedImportsAreTfJavasDescriptors() throws IOException {
    Map<String, String> expected = ProtoImports.render();
    try (Stream<Path> files = Files.walk(IMPORTS)) {
      assertEquals(expected.size(), files.filter(p -> p.toString().endsWith(".proto")).count(),
          "files under " + IMPORTS + " other than ProtoImports writes");
    }
    expected.forEach((name, text) -> {
      try {
        assertEquals(text, Files.readString(IMPORTS.resolve(name), StandardCharsets.UTF_8),
            name + " is stale: rerun ProtoImports (see its comment)");
      } catch (IOException e) {
        throw new AssertionError(name + " is missing under " + IMPORTS, e);
      }
    });
  }

  @Test
  void tfServingMessagesUseTfJavasClasses() throws Exception {
    FieldDescriptor inputs = Predict.PredictRequest.getDescriptor().findFieldByName("inputs");
    assertSame(TensorProto.getDescriptor(), inputs.getMessageType().findFieldByName("value")
        .getMessageType());
    TensorProto tensor = TensorProto.newBuilder().addFloatVal(1.5f).build();
    Predict.PredictRequest request = Predict.PredictRequest.parseFrom(
        Predict.PredictRequest.newBuilder().putInputs("X", tensor).build().toByteArray());
    assertEquals(tensor, request.getInputsOrThrow("X"));
  }
}
