package dev.tfjava.course.data;

import dev.tfjava.course.CourseException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * The IDX format of MNIST and Fashion-MNIST (gzip-compressed or raw): unsigned-byte image and
 * label files. Reading validates everything (magic number, dimensions, declared counts against
 * the bytes actually there, label range) and reports a problem as one {@link CourseException}
 * naming the file, never as an index error deep inside the training loop. A {@code .gz} file may
 * hold several gzip members (as {@code cat a.gz b.gz} makes), but nothing else after them: trailing
 * data, which {@code gzip -t} calls trailing garbage and the JDK's {@code GZIPInputStream} silently
 * drops, is refused.
 */
public final class IdxFile {
  /** Magic number of an unsigned-byte file with 3 dimensions (count, rows, columns). */
  public static final int IMAGES_MAGIC = 0x0803;
  /** Magic number of an unsigned-byte file with 1 dimension (count). */
  public static final int LABELS_MAGIC = 0x0801;

  private static final int GZIP_MAGIC_1 = 0x1f;
  private static final int GZIP_MAGIC_2 = 0x8b;
  /** The most bytes one file may declare: what a Java array holds. */
  static final long MAX_BYTES = Integer.MAX_VALUE - 16;

  /** Images as read: {@code count} row-major {@code rows x columns} images of bytes 0-255. */
  public record Images(int count, int rows, int columns, byte[] pixels) {
    public Images {
      if (count < 0 || rows < 0 || columns < 0 || !fits(count, rows, columns)
          || (long) count * rows * columns != pixels.length) {
        throw new IllegalArgumentException(count + " images of " + rows + "x" + columns
            + " do not match " + pixels.length + " bytes");
      }
    }

    /** Pixels per image. */
    public int size() {
      return rows * columns;
    }
  }

  /** Something to read an IDX file from: a path on disk or a resource, and the name to report. */
  @FunctionalInterface
  public interface Source {
    InputStream open() throws IOException;
  }

  private IdxFile() {}

  /** Reads an image file from disk. */
  public static Images readImages(Path file) {
    return readImages(() -> Files.newInputStream(file), file.toString());
  }

  /** Reads a label file from disk; every label must be below {@code classes}. */
  public static byte[] readLabels(Path file, int classes) {
    return readLabels(() -> Files.newInputStream(file), file.toString(), classes);
  }

  /** Reads an image file; {@code name} is what error messages call it. */
  public static Images readImages(Source source, String name) {
    return read(source, name, in -> {
      int[] dims = header(in, name, IMAGES_MAGIC, 3);
      int count = dims[0];
      int rows = dims[1];
      int columns = dims[2];
      if (rows == 0 || columns == 0) {
        throw bad(name, "declares images of " + rows + " x " + columns + " pixels");
      }
      if (!fits(count, rows, columns)) {
        throw bad(name, "declares " + count + " images of " + rows + " x " + columns
            + " pixels, more than the " + MAX_BYTES + " bytes this reader holds in memory");
      }
      byte[] pixels = body(in, name, count * rows * columns,
          count + " images of " + rows + " x " + columns);
      return new Images(count, rows, columns, pixels);
    });
  }

  /** Reads a label file; {@code name} is what error messages call it. */
  public static byte[] readLabels(Source source, String name, int classes) {
    return read(source, name, in -> {
      int count = header(in, name, LABELS_MAGIC, 1)[0];
      byte[] labels = body(in, name, count, count + " labels");
      for (int i = 0; i < labels.length; i++) {
        int label = Byte.toUnsignedInt(labels[i]);
        if (label >= classes) {
          throw bad(name, "has label " + label + " at index " + i + ", outside 0-" + (classes - 1));
        }
      }
      return labels;
    });
  }

  // ------------------------------------------------------------------------------------ reading

  private interface Body<T> {
    T read(DataInputStream in) throws IOException;
  }

  private static <T> T read(Source source, String name, Body<T> body) {
    try (InputStream raw = new BufferedInputStream(new ReadFailures(source.open()), 1 << 16);
        DataInputStream in = new DataInputStream(maybeGunzip(raw))) {
      return body.read(in);
    } catch (NoSuchFileException e) {
      throw CourseException.badInput(name + ": no such file");
    } catch (UncheckedIOException e) {
      throw CourseException.badInput(name + ": cannot be read: " + e.getCause().getMessage(), e);
    } catch (IOException e) {
      // Only the gzip layer throws checked exceptions here (the source's own failures are
      // unchecked): a bad CRC or header, a cut-off stream, or data after the last member.
      String reason = e.getMessage() == null ? "it ends too early" : e.getMessage();
      throw CourseException.badInput(name + ": is a damaged or truncated gzip file ("
          + reason.replaceAll("\\.$", "") + ")", e);
    }
  }

  /** Unwraps gzip when the stream starts with gzip's magic bytes; raw IDX files pass through. */
  private static InputStream maybeGunzip(InputStream in) throws IOException {
    in.mark(2);
    int b1 = in.read();
    int b2 = in.read();
    in.reset();
    // decompressConcatenated: read every member, and refuse anything after the last one.
    if (b1 != GZIP_MAGIC_1 || b2 != GZIP_MAGIC_2) {
      return in;
    }
    return GzipCompressorInputStream.builder().setInputStream(in).setDecompressConcatenated(true)
        .get();
  }

  /** Whether {@code count} images of {@code rows x columns} bytes fit in one array. */
  static boolean fits(long count, long rows, long columns) {
    long perImage = rows * columns; // each below 2^31: no overflow
    return perImage <= MAX_BYTES && (perImage == 0 || count <= MAX_BYTES / perImage);
  }

  /**
   * The source's own read failures (a disk error), rethrown unchecked so that the checked
   * {@link IOException}s reaching {@link #read} are the gzip layer's verdicts on the data.
   */
  private static final class ReadFailures extends FilterInputStream {
    ReadFailures(InputStream in) {
      super(in);
    }

    @Override
    public int read() {
      try {
        return in.read();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) {
      try {
        return in.read(b, off, len);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public long skip(long n) {
      try {
        return in.skip(n);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Reads and checks the magic number, then the {@code dimensions} sizes. */
  private static int[] header(DataInputStream in, String name, int magic, int dimensions)
      throws IOException {
    int found = readHeaderInt(in, name);
    if (found != magic) {
      throw bad(name, String.format("has magic number 0x%08x, expected 0x%08x (%s)", found, magic,
          magic == IMAGES_MAGIC ? "an IDX image file" : "an IDX label file")
          + (found == IMAGES_MAGIC || found == LABELS_MAGIC ? ": images and labels swapped?" : ""));
    }
    int[] dims = new int[dimensions];
    for (int i = 0; i < dimensions; i++) {
      dims[i] = readHeaderInt(in, name);
      if (dims[i] < 0) {
        throw bad(name, "declares a negative size " + dims[i] + " in its header");
      }
    }
    return dims;
  }

  /**
   * One big-endian int of the header. Read with {@code readNBytes}, which returns short at the end
   * of a raw file, where the gzip layer throws for a cut-off stream: the two stay apart.
   */
  private static int readHeaderInt(DataInputStream in, String name) throws IOException {
    byte[] bytes = in.readNBytes(Integer.BYTES);
    if (bytes.length < Integer.BYTES) {
      throw bad(name, "is truncated: it ends inside its header");
    }
    return ByteBuffer.wrap(bytes).getInt();
  }

  /** Reads exactly {@code bytes} bytes and checks that nothing follows them. */
  private static byte[] body(DataInputStream in, String name, int bytes, String what)
      throws IOException {
    byte[] data = in.readNBytes(bytes);
    if (data.length < bytes) {
      throw bad(name, "is truncated: its header declares " + what + " (" + bytes
          + " bytes) but only " + data.length + " bytes follow");
    }
    if (in.read() != -1) {
      throw bad(name, "has data after the " + what + " its header declares");
    }
    return data;
  }

  private static CourseException bad(String name, String problem) {
    return CourseException.badInput(name + ": " + problem);
  }
}
