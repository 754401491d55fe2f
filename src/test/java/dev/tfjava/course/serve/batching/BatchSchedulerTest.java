package dev.tfjava.course.serve.batching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfjava.course.serve.config.BatchingParameters;
import dev.tfjava.course.serve.core.Deadline;
import dev.tfjava.course.serve.core.ErrorCode;
import dev.tfjava.course.serve.core.ModelSpec;
import dev.tfjava.course.serve.core.PredictRequest;
import dev.tfjava.course.serve.core.PredictResponse;
import dev.tfjava.course.serve.core.ServingException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The scheduler's queueing rules with a runner that records batches (and can be held): tasks
 * stack up to max_batch_size while the threads are busy, a full queue refuses at once, a
 * caller's deadline holds while its task waits, and a task whose caller left is never run.
 */
class BatchSchedulerTest {
  private static final BatchKey KEY = new BatchKey(null, "serving_default", Set.of("y"),
      List.of("x:DT_FLOAT[3]"));

  /** A runner that blocks until released and records the sizes of the batches it ran. */
  private static final class HeldRunner {
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch started = new CountDownLatch(1);
    final List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());

    void run(BatchKey key, List<BatchTask> tasks) {
      started.countDown();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      List<Integer> rows = new ArrayList<>();
      for (BatchTask task : tasks) {
        if (task.take()) {
          rows.add(task.rows);
          task.answer.complete(new PredictResponse("m", 1, "serving_default", Map.of()));
        }
      }
      batches.add(rows);
    }
  }

  private static BatchingParameters parameters(int maxBatch, int maxEnqueued) {
    return new BatchingParameters(maxBatch, Duration.ZERO, maxEnqueued, 1, "batch_threads",
        List.of(), false);
  }

  private static BatchTask task(int rows) {
    return new BatchTask(new PredictRequest(ModelSpec.latest("m"), "", s -> Map.of(), List.of(),
        true), Map.of(), rows);
  }

  @Test
  void tasksStackWhileTheThreadIsBusyAndAFullQueueRefusesAtOnce() {
    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
      HeldRunner runner = new HeldRunner();
      BatchScheduler scheduler = new BatchScheduler(parameters(4, 2), runner::run);
      BatchTask first = task(1);
      scheduler.submit(KEY, first);
      assertTrue(runner.started.await(10, TimeUnit.SECONDS), "the first batch runs at once");
      // The thread is held: these fill two batches of at most 4 instances, in order.
      List<BatchTask> queued = new ArrayList<>();
      for (int rows : new int[] {2, 1, 1, 3, 1}) {
        BatchTask t = task(rows);
        scheduler.submit(KEY, t);
        queued.add(t);
      }
      long before = System.nanoTime();
      ServingException full = assertThrows(ServingException.class,
          () -> scheduler.submit(KEY, task(4)));
      assertTrue(System.nanoTime() - before < TimeUnit.MILLISECONDS.toNanos(500), "at once");
      assertEquals(ErrorCode.UNAVAILABLE, full.code());
      assertTrue(full.getMessage().contains("queue to which this task was submitted is full"),
          full.getMessage());
      runner.release.countDown();
      first.await(Deadline.NONE);
      for (BatchTask t : queued) {
        t.await(Deadline.NONE);
      }
      scheduler.close();
      assertEquals(List.of(List.of(1), List.of(2, 1, 1), List.of(3, 1)), runner.batches);
    });
  }

  @Test
  void aDeadlineHoldsWhileTheTaskWaitsAndALeftTaskNeverRuns() {
    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
      HeldRunner runner = new HeldRunner();
      BatchScheduler scheduler = new BatchScheduler(parameters(1, 10), runner::run);
      scheduler.submit(KEY, task(1));
      assertTrue(runner.started.await(10, TimeUnit.SECONDS));
      BatchTask late = task(1);
      scheduler.submit(KEY, late);
      long before = System.nanoTime();
      ServingException e = assertThrows(ServingException.class,
          () -> late.await(Deadline.after(Duration.ofMillis(200))));
      long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before);
      assertEquals(ErrorCode.DEADLINE_EXCEEDED, e.code());
      assertTrue(waited >= 150 && waited < 5000, "answered at its deadline: " + waited + " ms");
      assertTrue(late.abandoned());
      runner.release.countDown();
      scheduler.close();
      assertEquals(List.of(List.of(1), List.of()), runner.batches, "the late task was not run");
      assertFalse(late.answer.isDone());
    });
  }

  @Test
  void aClosedSchedulerRefusesNewTasks() {
    BatchScheduler scheduler = new BatchScheduler(parameters(8, 10), (key, tasks) -> { });
    scheduler.close();
    assertEquals(ErrorCode.UNAVAILABLE,
        assertThrows(ServingException.class, () -> scheduler.submit(KEY, task(1))).code());
  }
}
