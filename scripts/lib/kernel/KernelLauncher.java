import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import org.rapaio.jupyter.kernel.MainApp;
import org.rapaio.jupyter.kernel.channels.Channels;
import org.rapaio.jupyter.kernel.core.ConnectionProperties;
import org.rapaio.jupyter.kernel.core.Transform;

/**
 * Starts the rapaio Java kernel (3.0.1) as its MainApp does, without its start-up race, so that
 * the first kernel_info a Jupyter UI sends is answered.
 *
 * <p>The race, in the kernel's Channels.connect: it binds the sockets and starts the shell,
 * control and heartbeat loops first, and only then fills its map of message handlers, so a request
 * that arrives in between (Jupyter's first kernel_info does) finds no map and kills the shell loop
 * (a NullPointerException) or an empty one ("Unhandled message"). And LoopThread.start sets its
 * running flag after Thread.start, so a loop whose thread runs first sees false and ends at once,
 * silently. Here {@link HandlerGate} holds the shell and control loops back until the kernel's map
 * is complete, and {@link ChannelLoops} hands each loop over to a thread that cannot miss its flag.
 * The rest is the kernel's own code.
 *
 * <p>Usage: {@code KernelLauncher [--quiet] CONNECTION_FILE}, or {@code KernelLauncher --check}
 * (exit 0 when this kernel jar is the version these classes were written for). Compiled by
 * scripts/notebooks against the kernel's jar (docs/notebooks.md).
 */
public final class KernelLauncher {
  private static final Logger LOGGER = Logger.getLogger(MainApp.class.getSimpleName());

  private KernelLauncher() {}

  public static void main(String[] args) throws Exception {
    KernelInternals internals = KernelInternals.forThisKernel();
    if (args.length == 1 && args[0].equals("--check")) {
      return;
    }
    int first = 0;
    if (args.length > 0 && args[0].equals("--quiet")) {
      QuietKernel.dropClassPathListing();
      first = 1;
    }
    if (args.length != first + 1) {
      fail("usage: KernelLauncher [--quiet] CONNECTION_FILE | --check");
    }
    run(internals, Path.of(args[first]));
  }

  private static void run(KernelInternals internals, Path connectionFile) throws Exception {
    // As MainApp.runKernel: the first logging.properties on the class path (scripts/notebooks puts
    // a quiet one before the jar unless NOTEBOOK_KERNEL_DEBUG=1).
    LogManager.getLogManager().readConfiguration(
        MainApp.class.getClassLoader().getResourceAsStream("logging.properties"));
    if (!Files.isRegularFile(connectionFile)) {
      fail("connection file '" + connectionFile + "' isn't a file");
    }
    String contents = Files.readString(connectionFile);
    LOGGER.info("Kernel connection file content: " + contents);
    ConnectionProperties properties = Transform.fromJson(contents, ConnectionProperties.class);
    if ("ipc".equals(properties.transport())) {
      LOGGER.severe("ipc protocol is not supported.");
    }

    Channels channels = new Channels(properties);
    try {
      HandlerGate.closedDuring(List.of(internals.channel(channels, "shell"),
          internals.channel(channels, "control")), () -> channels.connect(MainApp.kernel));
    } catch (RuntimeException e) {
      fail("could not bind the kernel's sockets: " + e);
    }
    ChannelLoops.restartSafely(internals, channels);
    channels.joinUntilClose();
  }

  static void fail(String message) {
    System.err.println("kernel launcher: " + message);
    System.exit(2);
  }
}
