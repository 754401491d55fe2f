package dev.tfjava.course.nn.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The plain-Java reference itself, on examples small enough to work out by hand. */
class ReferenceConvolutionTest {
  private static final float[][] IMAGE = {
      {1, 2, 3, 4},
      {5, 6, 7, 8},
      {9, 10, 11, 12}};

  /** A 3x3 filter that picks the right-hand neighbour: out[r][c] = image[r][c+1]. */
  private static float[][][][] rightNeighbour() {
    float[][][][] f = new float[3][3][1][1];
    f[1][2][0][0] = 1;
    return f;
  }

  @Test
  void validPaddingShrinksTheImage() {
    float[][][] out = ReferenceConvolution.conv2d(IMAGE, rightNeighbour(), 1, false);
    assertEquals(1, out.length);
    assertEquals(2, out[0].length);
    // The window centred on (1,1) sees image[1][2] = 7 on its right; centred on (1,2): 8.
    assertEquals(7, out[0][0][0]);
    assertEquals(8, out[0][1][0]);
  }

  @Test
  void samePaddingKeepsTheSizeAndPadsWithZeros() {
    float[][][] out = ReferenceConvolution.conv2d(IMAGE, rightNeighbour(), 1, true);
    assertEquals(3, out.length);
    assertEquals(4, out[0].length);
    assertEquals(2, out[0][0][0]);
    assertEquals(0, out[0][3][0]); // right of the last column is padding
    assertEquals(12, out[2][2][0]);
  }

  @Test
  void poolingByHand() {
    assertArrayEquals(new float[] {6, 8}, ReferenceConvolution.maxPool(IMAGE, 2, 2, false)[0]);
    assertArrayEquals(new float[] {3.5f, 5.5f},
        ReferenceConvolution.averagePool(IMAGE, 2, 2, false)[0]);
    // SAME with stride 2 on 3 rows: the last row pools alone (padding ignored).
    float[][] same = ReferenceConvolution.maxPool(IMAGE, 2, 2, true);
    assertEquals(2, same.length);
    assertArrayEquals(new float[] {10, 12}, same[1]);
  }
}
