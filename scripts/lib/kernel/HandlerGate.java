import java.util.List;

/**
 * Holds the kernel's shell and control loops back while Channels.connect binds the sockets and
 * then fills the map of message handlers. Their loops read a request inside
 * AbstractChannel.readMessage, which is synchronized on the channel; holding both channels'
 * monitors during connect makes a request that arrives meanwhile wait in readMessage (still in the
 * socket) until the map is complete, where otherwise it finds no map (a NullPointerException that
 * ends the shell loop) or an empty one ("Unhandled message": connect assigns the map before it
 * fills it). Leaving the monitors also publishes the map to the loop threads.
 */
final class HandlerGate {
  private HandlerGate() {}

  /** Runs {@code connect} holding the monitors of {@code readers} (the shell and control channels). */
  static void closedDuring(List<Object> readers, Runnable connect) {
    closedDuring(readers, 0, connect);
  }

  private static void closedDuring(List<Object> readers, int from, Runnable connect) {
    if (from == readers.size()) {
      connect.run();
      return;
    }
    synchronized (readers.get(from)) {
      closedDuring(readers, from + 1, connect);
    }
  }
}
