package dev.tfjava.course.serve.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * ShortDecimal's fast path gives Double.parseDouble's value bit for bit for any ASCII text it
 * accepts (and declines, with NaN, whatever is no plain decimal).
 */
class ShortDecimalFuzzTest {

  @FuzzTest
  void equalsParseDoubleBitForBit(byte[] input) {
    String text = new String(input, StandardCharsets.US_ASCII);
    char[] chars = ("  " + text).toCharArray();
    double fast = ShortDecimal.exactValue(chars, 2, text.length());
    if (Double.isNaN(fast)) {
      return;
    }
    double jdk = Double.parseDouble(text);
    assertEquals(Double.doubleToRawLongBits(jdk), Double.doubleToRawLongBits(fast), text);
  }
}
