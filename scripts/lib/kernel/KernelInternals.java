import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.rapaio.jupyter.kernel.MainApp;
import org.rapaio.jupyter.kernel.channels.AbstractChannel;
import org.rapaio.jupyter.kernel.channels.Channels;
import org.rapaio.jupyter.kernel.channels.LoopThread;

/**
 * The private fields of rapaio-jupyter-kernel 3.0.1 that the launcher needs (no public API gives
 * a channel or restarts a loop). Checked once at start: another kernel version, or a field
 * gone, stops the kernel with one line naming what was expected.
 */
final class KernelInternals {
  static final String EXPECTED_VERSION = "3.0.1";
  static final List<String> LOOP_CHANNELS = List.of("heartbeat", "control", "shell");
  private static final String POM =
      "META-INF/maven/io.github.padreati/rapaio-jupyter-kernel/pom.properties";

  private final Map<String, Field> channels;
  private final Map<String, Field> loops;
  private final Field sleep;
  private final Field body;
  private final Field running;

  private KernelInternals() throws ReflectiveOperationException {
    // HandlerGate's premises: connect fills this map, and a loop reads under the channel's monitor.
    field(Channels.class, "handlers", Map.class);
    if (!Modifier.isSynchronized(AbstractChannel.class.getMethod("readMessage").getModifiers())) {
      throw new NoSuchMethodException("AbstractChannel.readMessage is not synchronized");
    }
    channels = Map.of("heartbeat", field(Channels.class, "heartbeat", Object.class),
        "control", field(Channels.class, "control", Object.class),
        "shell", field(Channels.class, "shell", Object.class));
    loops = Map.of("heartbeat", loopField(channels.get("heartbeat")),
        "control", loopField(channels.get("control")),
        "shell", loopField(channels.get("shell")));
    sleep = field(LoopThread.class, "sleep", long.class);
    body = field(LoopThread.class, "loopBody", Runnable.class);
    running = field(LoopThread.class, "running", boolean.class);
  }

  /** The fields, or exit 2 with one line when this is not the kernel they were written for. */
  static KernelInternals forThisKernel() {
    String version = version();
    if (!EXPECTED_VERSION.equals(version)) {
      KernelLauncher.fail("written for rapaio-jupyter-kernel " + EXPECTED_VERSION + ", found "
          + version + ": check that version's Channels.connect and LoopThread, then update"
          + " scripts/lib/kernel (EXPECTED_VERSION in KernelInternals.java)");
    }
    try {
      return new KernelInternals();
    } catch (ReflectiveOperationException | RuntimeException e) {
      KernelLauncher.fail("rapaio-jupyter-kernel " + version + " is not laid out as expected: " + e);
      throw new AssertionError(e);
    }
  }

  private static String version() {
    try (InputStream in = MainApp.class.getClassLoader().getResourceAsStream(POM)) {
      if (in == null) {
        return "a jar without " + POM;
      }
      Properties pom = new Properties();
      pom.load(in);
      return pom.getProperty("version", "no version in " + POM);
    } catch (IOException e) {
      return "an unreadable " + POM + " (" + e + ")";
    }
  }

  private static Field field(Class<?> owner, String name, Class<?> type)
      throws NoSuchFieldException {
    Field field = owner.getDeclaredField(name);
    if (!type.isAssignableFrom(field.getType())) {
      throw new NoSuchFieldException(owner.getName() + "." + name + " is a " + field.getType());
    }
    field.setAccessible(true);
    return field;
  }

  private static Field loopField(Field channel) throws NoSuchFieldException {
    return field(channel.getType(), "loopThread", LoopThread.class);
  }

  /** One of the kernel's channels (a thread: heartbeat, control, shell). */
  Object channel(Channels target, String name) {
    try {
      return channels.get(name).get(target);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The loop thread of one of {@link #LOOP_CHANNELS}. */
  LoopThread loop(Channels target, String channel) throws IllegalAccessException {
    return (LoopThread) loops.get(channel).get(channels.get(channel).get(target));
  }

  void setLoop(Channels target, String channel, LoopThread loop) throws IllegalAccessException {
    loops.get(channel).set(channels.get(channel).get(target), loop);
  }

  long sleep(LoopThread loop) throws IllegalAccessException {
    return sleep.getLong(loop);
  }

  Runnable body(LoopThread loop) throws IllegalAccessException {
    return (Runnable) body.get(loop);
  }

  /** Sets the flag before LoopThread.start, so the new thread cannot read it unset. */
  void setRunning(LoopThread loop) throws IllegalAccessException {
    running.setBoolean(loop, true);
  }
}
