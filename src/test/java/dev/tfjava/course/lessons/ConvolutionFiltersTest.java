package dev.tfjava.course.lessons;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tfjava.course.TestSupport;
import dev.tfjava.course.data.SampleImage;
import dev.tfjava.course.nn.reference.ReferenceConvolution;
import dev.tfjava.course.train.SessionFactory;
import org.junit.jupiter.api.Test;

/** TensorFlow's conv2d and pooling on the lesson's crop against the plain-Java reference. */
class ConvolutionFiltersTest {
  private static final SessionFactory SESSIONS = TestSupport.cpuSessions();
  private static final float[][] GRAY =
      SampleImage.china().crop(150, 220, 130, 250).grayscale();

  /** All five maps from the lesson's one graph and session. */
  private static final ConvolutionFilters.Responses RESPONSES =
      ConvolutionFilters.responses(SESSIONS, GRAY, ConvolutionFilters.lineFilters());

  @Test
  void cropIsTheNotebooksShape() {
    assertEquals(70, GRAY.length);
    assertEquals(120, GRAY[0].length);
  }

  @Test
  void samePaddingMatchesPlainJava() {
    assertClose(ReferenceConvolution.conv2d(GRAY, ConvolutionFilters.lineFilters(), 1, true),
        RESPONSES.same());
  }

  @Test
  void validPaddingMatchesPlainJava() {
    float[][][] tf =
        RESPONSES.valid();
    assertEquals(64, tf.length);
    assertEquals(114, tf[0].length);
    assertClose(ReferenceConvolution.conv2d(GRAY, ConvolutionFilters.lineFilters(), 1, false), tf);
  }

  @Test
  void strideTwoMatchesPlainJava() {
    assertClose(ReferenceConvolution.conv2d(GRAY, ConvolutionFilters.lineFilters(), 2, true),
        RESPONSES.sameStride2());
  }

  @Test
  void poolingMatchesPlainJava() {
    float[][][] max = RESPONSES.maxPool();
    float[][][] avg = RESPONSES.avgPool();
    float[][] expectedMax = ReferenceConvolution.maxPool(GRAY, 2, 2, false);
    float[][] expectedAvg = ReferenceConvolution.averagePool(GRAY, 2, 2, false);
    assertEquals(35, max.length);
    assertEquals(60, max[0].length);
    for (int r = 0; r < 35; r++) {
      for (int c = 0; c < 60; c++) {
        assertEquals(expectedMax[r][c], max[r][c][0], 0f);
        assertEquals(expectedAvg[r][c], avg[r][c][0], 1e-3f);
      }
    }
  }

  @Test
  void verticalFilterSumsSevenPixelsOfAColumn() {
    float[][][] tf =
        RESPONSES.same();
    float column = 0;
    float row = 0;
    for (int i = -3; i <= 3; i++) {
      column += GRAY[30 + i][60];
      row += GRAY[30][60 + i];
    }
    assertEquals(column, tf[30][60][0], 1e-2f);
    assertEquals(row, tf[30][60][1], 1e-2f);
  }

  private static void assertClose(float[][][] expected, float[][][] actual) {
    assertEquals(expected.length, actual.length, "rows");
    assertEquals(expected[0].length, actual[0].length, "columns");
    assertEquals(expected[0][0].length, actual[0][0].length, "channels");
    for (int r = 0; r < expected.length; r++) {
      for (int c = 0; c < expected[0].length; c++) {
        for (int ch = 0; ch < expected[0][0].length; ch++) {
          // Sums of up to 7 values around 100-250: float32 rounding stays well below 1e-2.
          assertEquals(expected[r][c][ch], actual[r][c][ch], 1e-2f,
              "at [" + r + "][" + c + "][" + ch + "]");
        }
      }
    }
  }
}
