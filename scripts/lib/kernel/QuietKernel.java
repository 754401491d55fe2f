import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.regex.Pattern;

/**
 * Keeps the rapaio kernel's start-up chatter out of the Jupyter server's terminal: the kernel
 * prints every class-path entry to stdout ("Parsing classpath: ...", "Add ... to classpath", one
 * line per jar), which this drops. Its log (the connection file with its HMAC key, a line per
 * message) is quieted by the logging.properties that scripts/notebooks puts before the kernel's
 * jar on the class path. Used by {@link KernelLauncher} with --quiet, which scripts/notebooks
 * passes unless NOTEBOOK_KERNEL_DEBUG=1 (docs/notebooks.md).
 */
final class QuietKernel {
  private static final Pattern CHATTER =
      Pattern.compile("Parsing classpath: .*|Add .* to classpath");

  private QuietKernel() {}

  static void dropClassPathListing() {
    System.setOut(new PrintStream(new LineFilter(System.out), true));
  }

  /** Passes whole lines on, except the kernel's class-path listing. */
  private static final class LineFilter extends FilterOutputStream {
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    LineFilter(OutputStream out) {
      super(out);
    }

    @Override
    public synchronized void write(int b) throws IOException {
      line.write(b);
      if (b == '\n') {
        String text = line.toString().stripTrailing();
        if (!CHATTER.matcher(text).matches()) {
          line.writeTo(out);
          out.flush();
        }
        line.reset();
      }
    }

    @Override
    public synchronized void flush() throws IOException {
      out.flush();
    }
  }
}
