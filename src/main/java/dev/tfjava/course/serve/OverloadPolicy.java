package dev.tfjava.course.serve;

import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * What the worker pool does with a request when every worker is busy and the queue is full (or
 * the pool is shutting down): it runs the exchange right away on the accepting thread with a flag
 * set, and the handler answers 503 without doing any work. The JDK's HTTP server would otherwise
 * just drop the connection, which a client cannot tell from a crash.
 */
final class OverloadPolicy implements RejectedExecutionHandler {
  private static final ThreadLocal<Boolean> REJECTED = ThreadLocal.withInitial(() -> false);

  @Override
  public void rejectedExecution(Runnable exchange, ThreadPoolExecutor pool) {
    REJECTED.set(true);
    try {
      exchange.run();
    } finally {
      REJECTED.set(false);
    }
  }

  /** Whether the exchange now running on this thread was turned away by the pool. */
  static boolean rejectedOnThisThread() {
    return REJECTED.get();
  }
}
