package dev.tfjava.course.serve.core;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Which requests the server takes on: at most {@code maxRequests} at once (running or waiting for
 * a worker, bodies still arriving included) and at most {@code maxBytes} of request bodies held at
 * once, shared by every front door. REST decides both from the request head (the Content-Length),
 * before a byte of the body is read, so an overloaded server answers 503 at once instead of
 * buffering what it cannot run.
 */
public final class Admission {
  private final int maxRequests;
  private final long maxBytes;
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicLong bytes = new AtomicLong();
  private final LongAdder refusedRequests = new LongAdder();
  private final LongAdder refusedBytes = new LongAdder();

  public Admission(int maxRequests, long maxBytes) {
    this.maxRequests = maxRequests;
    this.maxBytes = maxBytes;
  }

  /** Takes one request slot; false when all are taken. */
  public boolean tryEnter() {
    while (true) {
      int now = requests.get();
      if (now >= maxRequests) {
        refusedRequests.increment();
        return false;
      }
      if (requests.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  /** Gives a slot back. */
  public void leave() {
    requests.decrementAndGet();
  }

  /** Reserves {@code n} body bytes; false when that would pass the budget. */
  public boolean tryReserve(long n) {
    while (true) {
      long now = bytes.get();
      if (now + n > maxBytes) {
        refusedBytes.increment();
        return false;
      }
      if (bytes.compareAndSet(now, now + n)) {
        return true;
      }
    }
  }

  /** Returns {@code n} reserved bytes. */
  public void release(long n) {
    bytes.addAndGet(-n);
  }

  /** The budget of body bytes held at once. */
  public long maxBytes() {
    return maxBytes;
  }

  /** Bytes reserved now (for tests, logs and metrics). */
  public long bytesInFlight() {
    return bytes.get();
  }

  /** Request slots taken now. */
  public int requestsInFlight() {
    return requests.get();
  }

  public int maxRequests() {
    return maxRequests;
  }

  /** Requests refused so far because every slot was taken. */
  public long refusedForRequests() {
    return refusedRequests.sum();
  }

  /** Requests refused so far because their body would have passed the byte budget. */
  public long refusedForBytes() {
    return refusedBytes.sum();
  }
}
