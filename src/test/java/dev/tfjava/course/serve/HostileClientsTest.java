package dev.tfjava.course.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server against clients that do not play by the rules, on loopback, each case bounded in
 * time: trickling clients do not starve others and get a JSON 408; an over-budget request gets a
 * JSON 503 before it sends its body; a client that goes on sending after its refusal is cut off
 * at the lingering close's bounds; every framing error gets a JSON body, never an HTML page or a
 * reset.
 */
class HostileClientsTest {
  private static final String LSTM = "/v1/models/lstm:predict";
  private static final long BODY_LIMIT = 256 * 1024;
  /** Room for one maximum-size body and a bit. */
  private static final long IN_FLIGHT_LIMIT = 300 * 1024;

  @TempDir
  static Path models;
  static ServingFixture serving;

  @BeforeAll
  static void start() {
    serving = ServingFixture.start(models, ServingFixture.settings()
        .withMaxBodyBytes(BODY_LIMIT)
        .withMaxInFlightBytes(IN_FLIGHT_LIMIT)
        .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(30)));
  }

  @AfterAll
  static void stop() {
    serving.close();
  }

  private static String window() {
    return ServingFixture.windowInstances(ServingFixture.windows(1, 12.2));
  }

  private static RawHttp connect() throws IOException {
    return new RawHttp(serving.server.port(), Duration.ofSeconds(10));
  }

  /** Asserts a JSON {@code {"error": ...}} answer with {@code status}; returns the message. */
  private static String assertJsonError(int status, RawHttp.Response response) {
    assertEquals(status, response.status(), response.body());
    assertEquals("application/json", response.header("Content-Type"), response.headers());
    String message = response.json().path("error").asText("");
    assertFalse(message.isBlank(), response.body());
    return message;
  }

  @Test
  void fiftyTricklingClientsDoNotStarveAWellBehavedOne() {
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      // A separate server whose head/body deadlines outlast the test: the trickling clients stay.
      Path second = models.resolveSibling(models.getFileName() + "-slow");
      try (ServingFixture slow = ServingFixture.start(second, ServingFixture.settings()
          .withTimeouts(Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(60)))) {
        List<RawHttp> trickling = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
          trickling.add(new RawHttp(slow.server.port(), Duration.ofSeconds(10)));
        }
        // Half trickle their head, half a head and then their body.
        byte[] head = RawHttp.postHead(LSTM, 1000).getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 25; i < 50; i++) {
          trickling.get(i).send(head);
        }
        AtomicBoolean stop = new AtomicBoolean();
        Thread trickle = new Thread(() -> {
          for (int tick = 0; !stop.get() && tick < 30; tick++) {
            for (RawHttp client : trickling) {
              try {
                client.send("P");
              } catch (IOException e) {
                // closed by the server: fine for this test
              }
            }
            try {
              Thread.sleep(1000);
            } catch (InterruptedException e) {
              return;
            }
          }
        });
        trickle.start();
        try {
          Thread.sleep(1500); // every trickler has its connection and a byte or two in
          HttpRequest request = HttpRequest.newBuilder(slow.uri(LSTM))
              .timeout(Duration.ofSeconds(10))
              .POST(HttpRequest.BodyPublishers.ofString(window())).build();
          for (int i = 0; i < 10; i++) {
            HttpResponse<String> answer = slow.client.send(request,
                HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), answer.body());
          }
        } finally {
          stop.set(true);
          trickle.interrupt();
          trickle.join();
          for (RawHttp client : trickling) {
            client.close();
          }
        }
      }
    });
  }

  @Test
  void aHeadOrBodyThatDoesNotArriveInTimeIs408Json() {
    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
      try (RawHttp client = connect()) {
        client.send("POST " + LSTM + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        assertTrue(assertJsonError(408, client.read()).contains("head"));
      }
      try (RawHttp client = connect()) {
        client.send(RawHttp.postHead(LSTM, 100) + "{\"instances\"");
        assertTrue(assertJsonError(408, client.read()).contains("body"));
      }
      assertEquals(200, serving.post(LSTM, window()).status());
    });
  }

  @Test
  void overBudgetIs503BeforeTheBodyIsSent() {
    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
      long length = 200 * 1024;
      try (RawHttp holder = connect(); RawHttp late = connect()) {
        // The first request's body is on its way (its bytes are reserved); the second does not
        // fit beside it and is told so from its head alone.
        holder.send(RawHttp.postHead(LSTM, length) + "{\"instances\": [");
        Thread.sleep(200);
        late.send(RawHttp.postHead(LSTM, length));
        RawHttp.Response answer = late.read();
        assertTrue(assertJsonError(503, answer).contains("bytes in flight"), answer.body());
        assertEquals("close", answer.header("Connection"));
      }
      // The budget came back when the holder went away.
      assertEquals(200, serving.post(LSTM, window()).status());
    });
  }

  @Test
  void oversizeContentLengthIs413BeforeTheBodyIsSent() {
    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
      try (RawHttp client = connect()) {
        client.send(RawHttp.postHead(LSTM, 1L << 30));
        assertTrue(assertJsonError(413, client.read()).contains(Long.toString(BODY_LIMIT)));
      }
    });
  }

  @Test
  void aClientThatNeverStopsSendingIsCutOffAtTheLingeringBounds() {
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      // 8 bodies' worth (2 MiB here) at full speed: cut off long before the time bound, after
      // what the server read plus what the two sockets' buffers hold.
      long fast = sendAfterTheRefusalUntilCutOff(64 << 10, 0);
      assertTrue(fast > 8 * BODY_LIMIT && fast < 8 * BODY_LIMIT + (32 << 20), fast + " bytes");
      // A trickle far below the byte bound: cut off at the time bound (the 2 s body timeout).
      long start = System.nanoTime();
      long slow = sendAfterTheRefusalUntilCutOff(1024, 50);
      double seconds = (System.nanoTime() - start) / 1e9;
      assertTrue(seconds > 1.5 && seconds < 10, seconds + " s");
      assertTrue(slow < 8 * BODY_LIMIT, slow + " bytes");
      assertEquals(200, serving.post(LSTM, window()).status());
    });
  }

  /**
   * Sends an oversize head, reads the 413, then keeps sending {@code chunk} bytes every
   * {@code pauseMillis} until the server cuts the connection; returns the bytes sent.
   */
  private static long sendAfterTheRefusalUntilCutOff(int chunk, long pauseMillis)
      throws Exception {
    try (RawHttp client = connect()) {
      client.send(RawHttp.postHead(LSTM, 1L << 40));
      assertJsonError(413, client.read());
      byte[] bytes = new byte[chunk];
      long sent = 0;
      try {
        while (true) {
          client.send(bytes);
          sent += chunk;
          Thread.sleep(pauseMillis);
        }
      } catch (IOException e) {
        return sent; // reset or broken pipe: the server closed
      }
    }
  }

  @Test
  void everyFramingErrorGetsAJsonBody() {
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      String body = window();
      String[][] cases = {
          {"400", "GARBAGE\r\n\r\n"},
          {"414", "GET /v1/models/" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n"},
          {"431", "GET /v1/models/lstm HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20_000)
              + "\r\n\r\n"},
          {"400", "POST " + LSTM + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
              + "ZZZ\r\nabc\r\n0\r\n\r\n"},
          {"400", "POST " + LSTM + " HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n" + body},
          {"400", "POST " + LSTM + " HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
              + "Content-Length: 7\r\n\r\n12345"},
          {"400", "GET /v1/models/%zz HTTP/1.1\r\nHost: x\r\n\r\n"},
      };
      for (String[] c : cases) {
        try (RawHttp client = connect()) {
          client.send(c[1]);
          assertJsonError(Integer.parseInt(c[0]), client.read());
        }
      }
      // A body shorter than its Content-Length, the client then closing its side.
      try (RawHttp client = connect()) {
        client.send(RawHttp.postHead(LSTM, 100) + "{\"inst");
        client.socket.shutdownOutput();
        assertJsonError(400, client.read());
      }
      // A body longer than its Content-Length: the extra bytes are a malformed next request.
      try (RawHttp client = connect()) {
        client.send(RawHttp.postHead(LSTM, body.length()) + body + "trailing junk\r\n\r\n");
        assertEquals(200, client.read().status());
        assertJsonError(400, client.read());
      }
      assertEquals(200, serving.post(LSTM, body).status());
    });
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() {
    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
      String body = window();
      try (RawHttp client = connect()) {
        client.send(RawHttp.postHead(LSTM, body.length()) + body
            + "GET /v1/models/lstm HTTP/1.1\r\nHost: x\r\n\r\n"
            + RawHttp.postHead(LSTM, 2) + "{}");
        assertTrue(client.read().body().startsWith("{\"predictions\""));
        assertTrue(client.read().body().contains("model_version_status"));
        assertJsonError(400, client.read());
      }
    });
  }
}
