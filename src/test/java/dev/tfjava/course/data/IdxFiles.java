package dev.tfjava.course.data;

import dev.tfjava.course.io.AtomicFiles;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes IDX files for tests (the lessons only read them). */
public final class IdxFiles {
  private IdxFiles() {}

  /** Writes an image file, gzip-compressed when the name ends in {@code .gz}; atomic. */
  public static void writeImages(Path file, IdxFile.Images images) {
    write(file, out -> {
      out.writeInt(IdxFile.IMAGES_MAGIC);
      out.writeInt(images.count());
      out.writeInt(images.rows());
      out.writeInt(images.columns());
      out.write(images.pixels());
    });
  }

  /** Writes a label file, gzip-compressed when the name ends in {@code .gz}; atomic. */
  public static void writeLabels(Path file, byte[] labels) {
    write(file, out -> {
      out.writeInt(IdxFile.LABELS_MAGIC);
      out.writeInt(labels.length);
      out.write(labels);
    });
  }

  private interface Content {
    void writeTo(DataOutputStream out) throws IOException;
  }

  private static void write(Path file, Content content) {
    boolean gzip = file.getFileName().toString().endsWith(".gz");
    AtomicFiles.write(file, raw -> {
      OutputStream sink = gzip ? new GZIPOutputStream(raw, 1 << 16) : raw;
      DataOutputStream out = new DataOutputStream(sink);
      content.writeTo(out);
      out.flush();
      if (sink instanceof GZIPOutputStream zipped) {
        zipped.finish();
      }
    });
  }
}
