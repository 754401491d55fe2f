package dev.tfjava.course.export;

import dev.tfjava.course.train.Tensors;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Tensor;
import org.tensorflow.types.TFloat32;

/**
 * Run in a separate JVM by the tests: loads a SavedModel with the {@code serve} tag, feeds its
 * {@code serving_default} signature the input rows of a file, and prints the signature's method
 * name, then each row of {@code Y_prob} as the hex bits of its floats (exact, for bitwise checks).
 *
 * <p>Input file: rows and columns as big-endian ints, then rows·columns big-endian floats.
 */
public final class SavedModelProbe {
  private SavedModelProbe() {}

  public static void main(String[] args) throws IOException {
    Path model = Path.of(args[0]);
    float[] inputs;
    int rows;
    int columns;
    try (DataInputStream in = new DataInputStream(Files.newInputStream(Path.of(args[1])))) {
      rows = in.readInt();
      columns = in.readInt();
      inputs = new float[rows * columns];
      for (int i = 0; i < inputs.length; i++) {
        inputs[i] = in.readFloat();
      }
    }
    try (SavedModelBundle bundle = SavedModels.load(model);
        TFloat32 x = Tensors.of(inputs, rows, columns);
        Result result = bundle.function("serving_default").call(Map.<String, Tensor>of("X", x))) {
      System.out.println("method " + bundle.metaGraphDef().getSignatureDefMap()
          .get("serving_default").getMethodName());
      float[] probabilities = Tensors.toArray(result.get("Y_prob").orElseThrow());
      int width = probabilities.length / rows;
      for (int r = 0; r < rows; r++) {
        StringBuilder line = new StringBuilder();
        for (int k = 0; k < width; k++) {
          line.append(k == 0 ? "" : " ")
              .append(Integer.toHexString(Float.floatToRawIntBits(probabilities[r * width + k])));
        }
        System.out.println(line);
      }
    }
  }

  /** Writes rows of floats in the format {@link #main} reads. */
  static void writeInputs(Path file, float[] values, int columns) throws IOException {
    try (var out = new java.io.DataOutputStream(Files.newOutputStream(file))) {
      out.writeInt(values.length / columns);
      out.writeInt(columns);
      for (float v : values) {
        out.writeFloat(v);
      }
    }
  }
}
