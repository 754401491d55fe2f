import org.rapaio.jupyter.kernel.channels.Channels;
import org.rapaio.jupyter.kernel.channels.LoopThread;

/**
 * Hands the kernel's heartbeat, control and shell loops over to threads that cannot miss their
 * running flag. LoopThread.start (3.0.1) calls Thread.start before it sets the flag, so a thread
 * scheduled at once sees false and ends without a word; the kernel then never reads that socket.
 * Whether that happened cannot be told for sure from outside, so every loop is stopped after its
 * current turn and the same loop body started again on a LoopThread whose flag is set first. The
 * messages wait in the socket meanwhile; the old and new thread never run the body together.
 */
final class ChannelLoops {
  private ChannelLoops() {}

  static void restartSafely(KernelInternals internals, Channels channels)
      throws ReflectiveOperationException, InterruptedException {
    // Control before shell: the shell loop may be busy with a first request for a while.
    for (String channel : KernelInternals.LOOP_CHANNELS) {
      LoopThread old = internals.loop(channels, channel);
      old.shutdown();
      old.join();
      if (channels.isMarkedForShutdown()) {
        return; // a shutdown_request was handled meanwhile: the kernel is closing
      }
      LoopThread loop = new LoopThread(old.getName(), internals.sleep(old), internals.body(old));
      internals.setRunning(loop);
      internals.setLoop(channels, channel, loop);
      loop.start();
    }
  }
}
