package dev.tfjava.course.serve.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each version of a model was AVAILABLE, as the server's own status page says: a thread asks
 * {@code GET /v1/models/NAME} every few milliseconds and keeps, per version, the send time of the
 * last poll that found it not yet available, and the receive time of the first that found it END.
 * An answer from version v received before the former, or sent after the latter, came from a
 * version that was not AVAILABLE: both bounds are on the safe side of the poll's own round trip,
 * so the check needs no clock slack (all times are this JVM's {@link System#nanoTime}).
 */
final class VersionTimeline extends Thread {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration EVERY = Duration.ofMillis(25);

  /** One version's bounds, in nanoTime. */
  private static final class Bounds {
    volatile long publishedAt;
    volatile long notYetSent;
    volatile long endReceived = Long.MAX_VALUE;
    volatile boolean seenAvailable;
    volatile String error = "";
  }

  private final URI status;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final Map<Long, Bounds> versions = new ConcurrentHashMap<>();
  private volatile boolean running = true;
  private volatile long polls;
  private volatile String pollFailure = "";
  private long[] notYetSent;
  private long[] endReceived;

  VersionTimeline(String host, int port, String model) {
    super("version-timeline");
    setDaemon(true);
    this.status = URI.create("http://" + host + ":" + port + "/v1/models/" + model);
  }

  /** Called just before version {@code v}'s folder appears: it cannot be available before. */
  void published(long version) {
    Bounds bounds = versions.computeIfAbsent(version, v -> new Bounds());
    bounds.publishedAt = System.nanoTime();
    bounds.notYetSent = bounds.publishedAt;
  }

  @Override
  public void run() {
    while (running) {
      long sent = System.nanoTime();
      try {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(status).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        long received = System.nanoTime();
        record(answer.statusCode() == 200 ? JSON.readTree(answer.body())
            .path("model_version_status") : JSON.createArrayNode(), sent, received);
        polls++;
      } catch (IOException e) {
        pollFailure = e.toString();
      } catch (InterruptedException e) {
        return;
      }
      try {
        Thread.sleep(EVERY.toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void record(JsonNode statuses, long sent, long received) {
    Map<Long, String> states = new java.util.HashMap<>();
    for (JsonNode status : statuses) {
      long version = status.path("version").asLong();
      states.put(version, status.path("state").asText());
      String code = status.at("/status/error_code").asText("OK");
      Bounds bounds = versions.get(version);
      if (bounds != null && !code.equals("OK") && bounds.error.isEmpty()) {
        bounds.error = code + ": " + status.at("/status/error_message").asText();
      }
    }
    versions.forEach((version, bounds) -> {
      String state = states.getOrDefault(version, "");
      if (state.equals("AVAILABLE")) {
        bounds.seenAvailable = true;
      } else if (state.equals("END")) {
        bounds.endReceived = Math.min(bounds.endReceived, received);
      } else if (!bounds.seenAvailable && sent > bounds.notYetSent) {
        bounds.notYetSent = sent;
      }
    });
  }

  /** Stops polling, waits for the thread, and fixes the bounds of versions 1 to {@code last}. */
  void finish(int last) throws InterruptedException {
    running = false;
    join();
    notYetSent = new long[last + 1];
    endReceived = new long[last + 1];
    java.util.Arrays.fill(notYetSent, Long.MAX_VALUE); // never published: never available
    versions.forEach((version, bounds) -> {
      if (version <= last) {
        notYetSent[version.intValue()] = bounds.notYetSent;
        endReceived[version.intValue()] = bounds.endReceived;
      }
    });
  }

  /**
   * Whether {@code version} was AVAILABLE at some moment between {@code sent} and
   * {@code received} as far as the polls can tell (false for a version never published); after
   * {@link #finish}.
   */
  boolean availableDuring(long version, long sent, long received) {
    return version >= 1 && version < notYetSent.length && received >= notYetSent[(int) version]
        && sent <= endReceived[(int) version];
  }

  /** Whether the status page ever listed {@code version} as AVAILABLE. */
  boolean seenAvailable(long version) {
    Bounds bounds = versions.get(version);
    return bounds != null && bounds.seenAvailable;
  }

  /** The error the status page gave {@code version} (its code and message), if any. */
  Optional<String> error(long version) {
    Bounds bounds = versions.get(version);
    return bounds == null || bounds.error.isEmpty() ? Optional.empty() : Optional.of(bounds.error);
  }

  long polls() {
    return polls;
  }

  String pollFailure() {
    return pollFailure;
  }
}
