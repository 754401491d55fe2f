package dev.tfjava.course.serve.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fast path gives the JDK's correctly rounded bits, or declines (NaN) and leaves it to Jackson. */
class ShortDecimalTest {

  private static double parse(String text) {
    return ShortDecimal.exactValue(("#" + text + "#").toCharArray(), 1, text.length());
  }

  @Test
  void shortDecimalsGiveTheJdksBits() {
    Random random = new Random(18);
    int taken = 0;
    for (int i = 0; i < 20000; i++) {
      String text = switch (i % 4) {
        case 0 -> Float.toString(random.nextFloat());                    // 0.5294118
        case 1 -> String.format(Locale.ROOT, "%.7f", random.nextGaussian() * 100);
        case 2 -> Double.toString(random.nextDouble());                  // up to 17 digits
        default -> String.format(Locale.ROOT, "%.22f", random.nextDouble() / 1e6);
      };
      double fast = parse(text);
      if (!Double.isNaN(fast)) {
        taken++;
        assertEquals(Double.doubleToRawLongBits(Double.parseDouble(text)),
            Double.doubleToRawLongBits(fast), text);
      }
    }
    assertTrue(taken > 10000, "the fast path took only " + taken + " of 20000");
  }

  @Test
  void edgesAreExactOrDeclined() {
    for (String text : List.of("0.0", "-0.0", "1.5", "-1.25", "900719925474099.2",
        "0.0000000000000000000001", "3.4028235", "0.1", "0.2", "0.3", "123.456")) {
      assertEquals(Double.doubleToRawLongBits(Double.parseDouble(text)),
          Double.doubleToRawLongBits(parse(text)), text);
    }
    // digits 2^53 + 1, 23 digits after the point, 19 digits, exponents, NaN: the full parser's job.
    for (String text : List.of("900719925474099.3", "0.00000000000000000000001",
        "1234567890.123456789", "1e5", "1.5E-3", "NaN", "-Infinity", "-", ".", "")) {
      assertTrue(Double.isNaN(parse(text)), text);
    }
  }
}
