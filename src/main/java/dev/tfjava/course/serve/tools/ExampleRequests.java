package dev.tfjava.course.serve.tools;

import dev.tfjava.course.CourseException;
import dev.tfjava.course.cli.CommandLines;
import dev.tfjava.course.io.AtomicFiles;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.zip.GZIPInputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Writes ready-to-send predict bodies for the README's curl examples and for
 * {@code lessons predict --input}: {@code series-request.json} (a 20-step window of the course's
 * series at t = 12.2, 12.3, …, 14.1) and, given an MNIST images file, {@code mnist-request.json}
 * (one real digit, pixels scaled to [0, 1] as the lesson trains on them).
 */
@Command(name = "example-requests", mixinStandardHelpOptions = true,
    description = "Write example :predict request bodies (mnist-request.json, series-request.json).")
public final class ExampleRequests implements Callable<Integer> {
  private static final int IDX_IMAGES_MAGIC = 0x00000803;
  private static final int PIXELS = 28 * 28;

  @Option(names = "--out", defaultValue = "requests", paramLabel = "DIR",
      description = "Where the request files go (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--mnist-images", paramLabel = "FILE",
      description = "An MNIST images file in IDX format, gzipped or not "
          + "(e.g. t10k-images-idx3-ubyte.gz).")
  Path mnistImages;

  @Option(names = "--index", defaultValue = "0", paramLabel = "N",
      description = "Which image of the file (default: ${DEFAULT-VALUE}).")
  int index;

  public static void main(String[] args) {
    CommandLines.runAndExit(new ExampleRequests(), args);
  }

  @Override
  public Integer call() {
    write(out.resolve("series-request.json"), RequestBodies.windows(1, 12.2));
    if (mnistImages != null) {
      write(out.resolve("mnist-request.json"),
          "{\"instances\": [" + RequestBodies.image(readImage()) + "]}");
    }
    return 0;
  }

  private static void write(Path file, String body) {
    AtomicFiles.write(file, body.getBytes(StandardCharsets.UTF_8));
    System.out.println("wrote " + file);
  }

  /** Image {@code index} of the IDX file, pixels / 255. */
  private float[] readImage() {
    try (InputStream raw = Files.newInputStream(mnistImages);
        DataInputStream data = new DataInputStream(new BufferedInputStream(
            mnistImages.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw))) {
      int magic = data.readInt();
      int count = data.readInt();
      int rows = data.readInt();
      int cols = data.readInt();
      if (magic != IDX_IMAGES_MAGIC || rows * cols != PIXELS) {
        throw CourseException.badInput(mnistImages + " is not an IDX file of 28x28 images");
      }
      if (index < 0 || index >= count) {
        throw CourseException.badInput("--index " + index + ": the file has " + count + " images");
      }
      data.skipNBytes((long) index * PIXELS);
      byte[] bytes = data.readNBytes(PIXELS);
      if (bytes.length != PIXELS) {
        throw CourseException.badInput(mnistImages + " is truncated");
      }
      float[] pixels = new float[PIXELS];
      for (int p = 0; p < PIXELS; p++) {
        pixels[p] = (bytes[p] & 0xff) / 255f;
      }
      return pixels;
    } catch (IOException e) {
      throw CourseException.badInput("cannot read " + mnistImages + " (" + e + ")", e);
    }
  }
}
