package dev.tfjava.course.serve.json;

/**
 * The exact fast path for the decimals clients send most ({@code 0.5294118}, {@code -1.25}): when
 * the digits without the point fit in 2^53 and there are at most 22 after it, both the digits and
 * the power of ten are exact doubles, so one IEEE division gives the correctly rounded value
 * (Clinger's fast path) — the same bits as {@link Double#parseDouble}, without its general
 * machinery. Anything else (an exponent, more digits, NaN) is left to the full parser.
 */
final class ShortDecimal {
  private static final double[] POWERS_OF_TEN = new double[23];
  private static final long MAX_EXACT = 1L << 53;

  static {
    double power = 1;
    for (int k = 0; k < POWERS_OF_TEN.length; k++) {
      POWERS_OF_TEN[k] = power;
      power *= 10;
    }
  }

  private ShortDecimal() {}

  /** The value of {@code text[offset, offset + length)}, or NaN when the fast path does not apply. */
  static double exactValue(char[] text, int offset, int length) {
    int end = offset + length;
    int i = offset;
    boolean negative = i < end && text[i] == '-';
    if (negative) {
      i++;
    }
    long digits = 0;
    int significant = 0; // leading zeros do not count: 0.00392157 is 6 digits
    boolean anyDigit = false;
    int afterPoint = -1;
    for (; i < end; i++) {
      char c = text[i];
      if (c >= '0' && c <= '9') {
        anyDigit = true;
        if ((digits != 0 || c != '0') && ++significant > 18) {
          return Double.NaN;
        }
        digits = digits * 10 + (c - '0');
        if (afterPoint >= 0) {
          afterPoint++;
        }
      } else if (c == '.' && afterPoint < 0) {
        afterPoint = 0;
      } else {
        return Double.NaN; // an exponent, or not a plain decimal at all
      }
    }
    return anyDigit ? exact(negative, digits, significant, Math.max(afterPoint, 0)) : Double.NaN;
  }

  /**
   * {@code ±digits / 10^afterPoint} when that is exact by the fast path ({@code significant}
   * digits at most 18, {@code digits} at most 2^53, at most 22 after the point); else NaN.
   */
  static double exact(boolean negative, long digits, int significant, int afterPoint) {
    if (significant > 18 || digits > MAX_EXACT || afterPoint >= POWERS_OF_TEN.length) {
      return Double.NaN;
    }
    double value = afterPoint > 0 ? digits / POWERS_OF_TEN[afterPoint] : digits;
    return negative ? -value : value;
  }
}
