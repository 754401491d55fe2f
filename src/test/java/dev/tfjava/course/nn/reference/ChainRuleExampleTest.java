package dev.tfjava.course.nn.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ChainRuleExampleTest {

  @Test
  void forwardAndBackwardPassMatchTheCoursesFigures() {
    ChainRuleExample example = ChainRuleExample.at(2, 1);
    // Figure 3: n1..n7 at x = 2, y = 1.
    assertArrayEquals(new double[] {2, 1, 1, 2, 3, 4, 12}, example.values());
    // Figure 4: df/dn7 = 1, df/dn6 = n5 = 3, df/dn5 = n6 = 4, df/dn4 = df/dn3 = 4,
    // df/dy = 4x = 8, df/dx = 3*2x + 4*y = 16.
    assertArrayEquals(new double[] {16, 8, 4, 4, 4, 3, 1}, example.adjoints());
    assertEquals(12, example.f());
  }

  @Test
  void gradientMatchesTheClosedFormAtOtherPoints() {
    // f = x^3 y + x^2, so df/dx = 3x^2 y + 2x and df/dy = x^3.
    for (double[] p : new double[][] {{-1.5, 0.25}, {3, -2}, {0.5, 7}}) {
      ChainRuleExample example = ChainRuleExample.at(p[0], p[1]);
      double x = p[0];
      double y = p[1];
      assertEquals(x * x * (x * y + 1), example.f(), 1e-12);
      assertEquals(3 * x * x * y + 2 * x, example.dfdx(), 1e-12);
      assertEquals(x * x * x, example.dfdy(), 1e-12);
    }
  }
}
