package dev.tfjava.course.serve.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tfjava.course.CourseException;
import dev.tfjava.course.serve.tls.SslConfigFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Any bytes as one of the text-format files `lessons serve` reads (byte 0 picks which:
 * --model-config-file, --batching-parameters-file, --monitoring-config-file): a configuration or
 * a bad-input error (exit 2) on one line naming the option, never another exception; and any bytes
 * as --ssl-config-file (TF Serving's SSLConfig with PEM contents) likewise.
 */
class ConfigFilesFuzzTest {
  private static final Path FILE;

  static {
    try {
      FILE = Files.createTempFile("fuzz", ".config");
      FILE.toFile().deleteOnExit();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest
  void anyFileIsAConfigOrAOneLineError(byte[] input) throws IOException {
    if (input.length == 0) {
      return;
    }
    Files.write(FILE, Arrays.copyOfRange(input, 1, input.length));
    int which = (input[0] & 0xff) % 3;
    try {
      switch (which) {
        case 0 -> ModelConfigFile.read(FILE);
        case 1 -> BatchingParameters.read(FILE);
        default -> MonitoringConfig.read(FILE);
      }
    } catch (CourseException e) {
      assertEquals(CourseException.BAD_INPUT, e.exitCode(), e.getMessage());
      assertOneLine(e.getMessage(), "--");
    } catch (IllegalArgumentException e) {
      // ModelConfigFile's documented error (also met when the file is re-read while serving).
      assertEquals(0, which, e.toString());
      assertOneLine(e.getMessage(), FILE.toString());
    }
  }

  @FuzzTest
  void anySslConfigFileIsTlsOrAOneLineError(byte[] input) throws IOException {
    Files.write(FILE, input);
    try {
      SslConfigFile.read(FILE);
    } catch (CourseException e) {
      assertEquals(CourseException.BAD_INPUT, e.exitCode(), e.getMessage());
      assertOneLine(e.getMessage(), "--ssl-config-file ");
    }
  }

  private static void assertOneLine(String message, String start) {
    assertTrue(message.startsWith(start) && message.indexOf('\n') < 0
        && message.indexOf('\r') < 0, message);
  }
}
