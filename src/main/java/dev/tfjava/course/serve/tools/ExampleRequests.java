package dev.tfjava.course.serve.tools;

import dev.tfjava.course.CourseException;
import dev.tfjava.course.CommandLines;
import dev.tfjava.course.data.IdxFile;
import dev.tfjava.course.data.MnistFiles;
import dev.tfjava.course.data.MnistVariant;
import dev.tfjava.course.io.AtomicFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Writes ready-to-send predict bodies for the README's curl examples and for
 * {@code lessons predict --input}: {@code series-request.json} (a 20-step window of the course's
 * series at t = 12.2, 12.3, …, 14.1) and {@code mnist-request.json} (one real digit from an MNIST
 * images file or the embedded sample, pixels scaled to [0, 1] as the lesson trains on them).
 */
@Command(name = "example-requests", mixinStandardHelpOptions = true,
    description = "Write example :predict request bodies (mnist-request.json, series-request.json).")
public final class ExampleRequests implements Callable<Integer> {
  private static final int PIXELS = MnistVariant.SIDE * MnistVariant.SIDE;

  @Option(names = "--out", defaultValue = "runs/requests", paramLabel = "DIR",
      description = "Where the request files go (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--mnist-images", paramLabel = "FILE",
      description = "An MNIST images file in IDX format, gzipped or not "
          + "(e.g. t10k-images-idx3-ubyte.gz; default: the embedded sample's test images).")
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
    write(out.resolve("mnist-request.json"),
        "{\"instances\": [" + RequestBodies.image(readImage()) + "]}");
    return 0;
  }

  private static void write(Path file, String body) {
    AtomicFiles.write(file, body.getBytes(StandardCharsets.UTF_8));
    System.out.println("wrote " + file);
  }

  /**
   * Image {@code index} of the IDX file (validated by the lessons' reader), or of the embedded
   * MNIST sample's test images when no file is given; pixels / 255 as the lesson trains on them.
   */
  private float[] readImage() {
    IdxFile.Images images = mnistImages != null
        ? IdxFile.readImages(mnistImages)
        : IdxFile.readImages(MnistFiles.Located.embedded(MnistVariant.MNIST.sampleResource()
            .orElseThrow()).source(MnistVariant.TEST_IMAGES), "embedded MNIST sample");
    if (images.size() != PIXELS) {
      throw CourseException.badInput("the images are " + images.rows() + "x" + images.columns()
          + ", not 28x28");
    }
    if (index < 0 || index >= images.count()) {
      throw CourseException.badInput("--index " + index + ": there are " + images.count()
          + " images");
    }
    float[] pixels = new float[PIXELS];
    for (int p = 0; p < PIXELS; p++) {
      pixels[p] = (images.pixels()[index * PIXELS + p] & 0xff) / 255f;
    }
    return pixels;
  }
}
