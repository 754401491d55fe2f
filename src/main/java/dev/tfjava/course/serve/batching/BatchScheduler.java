package dev.tfjava.course.serve.batching;

import dev.tfjava.course.serve.config.BatchingParameters;
import dev.tfjava.course.serve.core.ServingException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;

/**
 * TF Serving's shared batch scheduler, in small: one queue of batches per {@link BatchKey}, all
 * served by {@code num_batch_threads} threads. A task joins the newest batch of its queue if it
 * fits ({@code max_batch_size} instances), else opens a new one; a queue already holding
 * {@code max_enqueued_batches} batches refuses the task at once (UNAVAILABLE, HTTP 503). A batch
 * is run when a thread is free and the batch is full, or a newer batch is behind it, or its first
 * task has waited {@code batch_timeout_micros} (0: as soon as a thread is free, so under load a
 * batch holds whatever arrived while the threads were busy). The oldest ready batch goes first.
 */
final class BatchScheduler implements AutoCloseable {
  /** One batch being filled or waiting for a thread. */
  private static final class Batch {
    final List<BatchTask> tasks = new ArrayList<>();
    final long openedAt = System.nanoTime();
    int rows;
  }

  private final BatchingParameters parameters;
  private final BiConsumer<BatchKey, List<BatchTask>> runner;
  private final long timeoutNanos;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Map<BatchKey, ArrayDeque<Batch>> queues = new LinkedHashMap<>();
  private final List<Thread> threads = new ArrayList<>();
  private boolean closed;

  /** Starts the batch threads; {@code runner} runs one batch (and answers its tasks). */
  BatchScheduler(BatchingParameters parameters, BiConsumer<BatchKey, List<BatchTask>> runner) {
    this.parameters = parameters;
    this.runner = runner;
    this.timeoutNanos = parameters.batchTimeout().toNanos();
    for (int i = 1; i <= parameters.numBatchThreads(); i++) {
      Thread thread = new Thread(this::work, parameters.threadPoolName() + "-" + i);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
  }

  /**
   * Queues {@code task} (at most {@code max_batch_size} instances).
   *
   * @throws ServingException UNAVAILABLE when its queue is full or the scheduler is closed
   */
  void submit(BatchKey key, BatchTask task) {
    lock.lock();
    try {
      if (closed) {
        throw ServingException.unavailable("The server is shutting down; retry later");
      }
      ArrayDeque<Batch> queue = queues.computeIfAbsent(key, k -> new ArrayDeque<>());
      Batch open = queue.peekLast();
      if (open == null || open.rows + task.rows > parameters.maxBatchSize()) {
        if (queue.size() >= parameters.maxEnqueuedBatches()) {
          throw ServingException.unavailable("The batch scheduling queue to which this task was"
              + " submitted is full (" + parameters.maxEnqueuedBatches() + " batches of up to "
              + parameters.maxBatchSize() + " instances); retry later");
        }
        open = new Batch();
        queue.addLast(open);
      }
      open.tasks.add(task);
      open.rows += task.rows;
      changed.signal();
    } finally {
      lock.unlock();
    }
  }

  /** A batch thread: takes the oldest ready batch, runs it, again, until closed and drained. */
  private void work() {
    while (true) {
      Map.Entry<BatchKey, Batch> next = nextBatch();
      if (next == null) {
        return;
      }
      runner.accept(next.getKey(), next.getValue().tasks);
    }
  }

  private Map.Entry<BatchKey, Batch> nextBatch() {
    lock.lock();
    try {
      while (true) {
        long now = System.nanoTime();
        long wait = Long.MAX_VALUE;
        Map.Entry<BatchKey, ArrayDeque<Batch>> oldest = null;
        for (Map.Entry<BatchKey, ArrayDeque<Batch>> entry : queues.entrySet()) {
          Batch front = entry.getValue().peekFirst();
          long due = front.openedAt + timeoutNanos - now;
          boolean ready = closed || entry.getValue().size() > 1
              || front.rows >= parameters.maxBatchSize() || due <= 0;
          if (!ready) {
            wait = Math.min(wait, due);
          } else if (oldest == null || front.openedAt < oldest.getValue().peekFirst().openedAt) {
            oldest = entry;
          }
        }
        if (oldest != null) {
          Batch batch = oldest.getValue().pollFirst();
          BatchKey key = oldest.getKey();
          if (oldest.getValue().isEmpty()) {
            // No key outlives its requests: a retired version's queue goes with its last batch.
            queues.remove(key);
          }
          return Map.entry(key, batch);
        }
        if (closed) {
          return null;
        }
        if (wait == Long.MAX_VALUE) {
          changed.await();
        } else {
          changed.awaitNanos(wait);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } finally {
      lock.unlock();
    }
  }

  /** Refuses new tasks, runs every queued batch, and waits (up to {@code seconds}) for the threads. */
  void close(long seconds) {
    lock.lock();
    try {
      closed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    for (Thread thread : threads) {
      try {
        thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public void close() {
    close(10);
  }
}
