package dev.tfjava.course.plot;

import dev.tfjava.course.io.AtomicFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Writes images as PNG files, atomically. */
public final class Png {
  private Png() {}

  public static void write(BufferedImage image, Path file) {
    AtomicFiles.write(file, out -> {
      if (!ImageIO.write(image, "png", out)) {
        throw new IOException("no PNG writer available");
      }
    });
  }
}
