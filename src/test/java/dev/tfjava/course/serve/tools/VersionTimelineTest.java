package dev.tfjava.course.serve.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * bench-reload's availability check on a scripted status history: it accepts exactly the answers
 * that could have come from a version while the status page showed it AVAILABLE, and flags the
 * others (answered before the version was seen loading, sent after it was seen END).
 */
class VersionTimelineTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void answersOutsideAVersionsAvailableTimeAreFlagged() throws Exception {
    VersionTimeline timeline = new VersionTimeline("127.0.0.1", 1, "lstm");
    timeline.published(1);
    timeline.published(2);
    long t = System.nanoTime();
    // Polls as (sent, received) pairs, 10 time units apart.
    timeline.record(statuses("[]"), t + 100, t + 105);
    timeline.record(statuses("[{\"version\":\"1\",\"state\":\"AVAILABLE\"}]"), t + 200, t + 205);
    timeline.record(statuses("[{\"version\":\"2\",\"state\":\"END\",\"status\":{\"error_code\":"
        + "\"UNKNOWN\",\"error_message\":\"junk\"}},{\"version\":\"1\",\"state\":\"AVAILABLE\"}]"),
        t + 300, t + 305);
    timeline.record(statuses("[{\"version\":\"3\",\"state\":\"AVAILABLE\"},"
        + "{\"version\":\"1\",\"state\":\"END\"}]"), t + 400, t + 405);
    timeline.finish(3);

    assertTrue(timeline.availableDuring(1, t + 150, t + 160), "answered after the empty poll"
        + " was sent: version 1 may have loaded in between");
    assertTrue(timeline.availableDuring(1, t + 404, t + 500), "sent before END was seen");
    assertFalse(timeline.availableDuring(1, t + 90, t + 99), "answered before a poll that"
        + " found version 1 not loaded yet was even sent");
    assertFalse(timeline.availableDuring(1, t + 406, t + 410), "sent after END was seen");
    assertFalse(timeline.availableDuring(3, t + 410, t + 420), "never published");
    assertFalse(timeline.availableDuring(2, t + 250, t + 260), "version 2 only failed to load");
    assertTrue(timeline.seenAvailable(1));
    assertFalse(timeline.seenAvailable(2));
    assertEquals("UNKNOWN: junk", timeline.error(2).orElseThrow());
  }

  private static JsonNode statuses(String json) throws Exception {
    return JSON.readTree(json);
  }
}
