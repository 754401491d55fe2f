package dev.tfjava.course.serve.rest;

import io.netty.channel.ChannelHandlerContext;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The one deadline a connection has at a time (head, body, idle, writing), on its event loop. A
 * deadline replaced or cancelled never fires, even when its task was already queued: each carries
 * a generation, and only the latest one's runs.
 */
final class PhaseTimer {
  private ScheduledFuture<?> timer;
  private long generation;

  /** Replaces the deadline: {@code onTimeout} runs on the loop after {@code delay}. */
  void schedule(ChannelHandlerContext ctx, Duration delay, Runnable onTimeout) {
    cancel();
    long mine = ++generation;
    timer = ctx.executor().schedule(() -> {
      if (mine == generation) {
        onTimeout.run();
      }
    }, delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  void cancel() {
    generation++;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
