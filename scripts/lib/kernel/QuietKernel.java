import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.regex.Pattern;

/**
 * Starts the rapaio Java kernel (3.0.1) without its start-up chatter in the Jupyter server's
 * terminal: the kernel prints every class-path entry to stdout ("Parsing classpath: ...", "Add
 * ... to classpath", one line per jar), which this drops; its log (the connection file with its
 * HMAC key, a line per message) is quieted by the logging.properties that scripts/notebooks puts
 * before the kernel's jar on the class path. NOTEBOOK_KERNEL_DEBUG=1 starts the kernel without
 * this launcher (docs/notebooks.md). Compiled by scripts/notebooks against the kernel's jar.
 */
public final class QuietKernel {
  private static final Pattern CHATTER =
      Pattern.compile("Parsing classpath: .*|Add .* to classpath");

  private QuietKernel() {}

  public static void main(String[] args) throws Exception {
    System.setOut(new PrintStream(new LineFilter(System.out), true));
    org.rapaio.jupyter.kernel.MainApp.main(args);
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
