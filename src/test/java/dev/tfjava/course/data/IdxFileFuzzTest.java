package dev.tfjava.course.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tfjava.course.CourseException;
import java.io.ByteArrayInputStream;

/**
 * Any bytes as an IDX file (raw or gzipped, images or labels): a valid image set or label list,
 * or the reader's own one-line bad-input error, never another exception.
 */
class IdxFileFuzzTest {

  @FuzzTest
  void anyBytesAreImagesLabelsOrTheFilesOwnError(byte[] input) {
    try {
      IdxFile.Images images = IdxFile.readImages(() -> new ByteArrayInputStream(input), "fuzz.idx");
      assertEquals((long) images.count() * images.size(), images.pixels().length);
    } catch (CourseException e) {
      assertOneLine(e);
    }
    try {
      byte[] labels = IdxFile.readLabels(() -> new ByteArrayInputStream(input), "fuzz.idx", 10);
      for (byte label : labels) {
        assertTrue(label >= 0 && label < 10, "label " + label);
      }
    } catch (CourseException e) {
      assertOneLine(e);
    }
  }

  private static void assertOneLine(CourseException e) {
    assertEquals(CourseException.BAD_INPUT, e.exitCode(), e.getMessage());
    assertTrue(e.getMessage().startsWith("fuzz.idx: ") && e.getMessage().indexOf('\n') < 0,
        e.getMessage());
  }
}
