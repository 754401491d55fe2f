package dev.tfjava.course.serve.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tfjava.course.serve.core.ServingSignature;
import dev.tfjava.course.serve.core.TensorSpec;
import dev.tfjava.course.serve.core.TensorValues;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.DataType;

/**
 * The server reads numbers with Jackson's fast double parser (ServingJson); every spelling a
 * client may send must give the value the JDK's own correctly rounded parser gives, bit for bit.
 */
class NumberDecodingTest {

  /** Not "-0": an integer token, read as the integer 0 (the sign of a zero means nothing here). */
  private static final List<String> EDGES = List.of("0", "0.0", "-0.0", "1", "0.1", "1e-45",
      "1.4e-45", "1.1754942e-38", "1.17549435E-38", "3.4028235e38", "3.4028234663852886E38",
      "0.3294117748737335", "2.2250738585072014E-308", "4.9e-324", "1.7976931348623157e308",
      "123456789012345678", "9007199254740993", "0.1000000000000000055511151231257827",
      "1e22", "1e23", "8.589973e9", "1.00000017881393432617187499", "1.000000059604644775390625");

  @Test
  void floatsAreCorrectlyRoundedLikeTheJdk() {
    Random random = new Random(18);
    List<String> numbers = new ArrayList<>(EDGES);
    for (int i = 0; i < 5000; i++) {
      double value = Double.longBitsToDouble(random.nextLong());
      if (Double.isFinite(value) && Math.abs(value) < Float.MAX_VALUE) {
        numbers.add(Double.toString(value));
      }
      numbers.add(Float.toString(random.nextFloat()));
      numbers.add(String.format(Locale.ROOT, "%.17g", random.nextGaussian()));
      numbers.add(Integer.toString(random.nextInt()));
    }
    double[] doubles = decode(DataType.DT_DOUBLE, numbers).doubles();
    for (int i = 0; i < numbers.size(); i++) {
      assertEquals(Double.doubleToRawLongBits(Double.parseDouble(numbers.get(i))),
          Double.doubleToRawLongBits(doubles[i]), numbers.get(i));
    }
    // float32 inputs: a double rounded to float, as TF Serving does; past float's range is a 400.
    List<String> inFloatRange = numbers.stream()
        .filter(n -> Float.isFinite((float) Double.parseDouble(n))).toList();
    float[] floats = decode(DataType.DT_FLOAT, inFloatRange).floats();
    for (int i = 0; i < inFloatRange.size(); i++) {
      assertEquals(Float.floatToRawIntBits((float) Double.parseDouble(inFloatRange.get(i))),
          Float.floatToRawIntBits(floats[i]), inFloatRange.get(i));
    }
  }

  private static TensorValues decode(DataType dtype, List<String> numbers) {
    TensorSpec spec = new TensorSpec("x", "x:0", dtype, new long[] {-1}, false);
    ServingSignature signature = new ServingSignature("serving_default",
        "tensorflow/serving/predict", Map.of("x", spec), Map.of());
    byte[] body = ("{\"inputs\": [" + String.join(", ", numbers) + "]}")
        .getBytes(StandardCharsets.UTF_8);
    return JsonPredictRequest.scan(JsonPredictRequest.Body.of(body)).decode(signature).get("x");
  }
}
