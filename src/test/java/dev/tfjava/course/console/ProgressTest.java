package dev.tfjava.course.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** In a log, progress is plain lines — no carriage returns — and the rate is a number. */
class ProgressTest {
  @Test
  void inALogProgressPrintsWholeLinesWithARealRate() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream log = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    try (Progress progress = Progress.start("Epoch 1/1", 1000, "img", log, false)) {
      for (int i = 0; i < 10; i++) {
        Thread.sleep(2);
        progress.step(100);
      }
      progress.message("loss 0.1234");
    }
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertFalse(text.contains("\r"), text);
    assertFalse(text.contains("?"), text);
    String[] lines = text.split("\n");
    assertEquals(1, lines.length, "a fast pass prints one line, at its end: " + text);
    assertTrue(lines[0].matches("Epoch 1/1: 1,000/1,000 img, \\d+\\.\\d s, [\\d,]+ img/s,"
        + " loss 0\\.1234"), lines[0]);
  }

  @Test
  void aLiveMessageIsComputedOnlyWhenALineShowsIt() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream log = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    AtomicInteger computed = new AtomicInteger();
    try (Progress progress = Progress.start("Training", 100_000, "it", log, false)) {
      progress.message(() -> "loss " + computed.incrementAndGet());
      for (int i = 0; i < 100_000; i++) {
        progress.step(1);
      }
    }
    assertEquals(1, computed.get(), "one line, one message");
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(text.strip().endsWith(", loss 1"), text);
  }
}
