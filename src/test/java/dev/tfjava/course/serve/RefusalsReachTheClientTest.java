package dev.tfjava.course.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The case at its real size, on a server with the default limits (16 MiB bodies, 64 MiB
 * in flight): clients that write a whole 85 MB body before they read get the JSON 413, not
 * "Broken pipe", and one refused by the byte budget its JSON 503; a client that sends
 * {@code Expect: 100-continue} gets the refusal instead of 100. (The bounds of the lingering
 * close are tested at a small scale in {@link HostileClientsTest}.)
 */
class RefusalsReachTheClientTest {
  private static final String LSTM = "/v1/models/lstm:predict";
  /** The body: 85 MB, five times the default limit. */
  private static final long BIG = 85_000_000;
  /** Four maximum-size bodies: the holders below fill it with a few connections. */
  private static final long IN_FLIGHT = 4 * (ServingServer.DEFAULT_MAX_BODY_MB << 20);

  @TempDir
  static Path models;
  static ServingFixture serving;

  @BeforeAll
  static void start() {
    serving = ServingFixture.start(models, ServingFixture.settings()
        .withMaxInFlightBytes(IN_FLIGHT));
  }

  @AfterAll
  static void stop() {
    serving.close();
  }

  @Test
  void httpUrlConnectionWritingAll85MbBeforeReadingGetsThe413() {
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      ServingFixture.Answer answer = postWholeBodyThenRead(BIG);
      assertTrue(ServingFixture.assertError(413, answer)
          .contains(Long.toString(ServingServer.DEFAULT_MAX_BODY_MB << 20)), answer.body());
      assertEquals(200, serving.post(LSTM, window()).status());
    });
  }

  @Test
  void aClientWritingItsWholeBodyBeforeReadingGetsThe503WhenTheByteBudgetIsFull() {
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      long limit = ServingServer.DEFAULT_MAX_BODY_MB << 20;
      long holders = IN_FLIGHT / limit;
      List<RawHttp> holding = new ArrayList<>();
      try {
        // Maximum-size bodies on their way fill the budget of bytes in flight.
        for (int i = 0; i < holders; i++) {
          RawHttp holder = new RawHttp(serving.server.port(), Duration.ofSeconds(10));
          holding.add(holder);
          holder.send(RawHttp.postHead(LSTM, limit) + "{\"instances\": [");
        }
        Thread.sleep(200);
        ServingFixture.Answer answer = postWholeBodyThenRead(limit);
        assertTrue(ServingFixture.assertError(503, answer).contains("bytes in flight"),
            answer.body());
      } finally {
        for (RawHttp holder : holding) {
          holder.close();
        }
      }
      // The budget comes back as the server sees the holders go (on its own threads).
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      int status;
      while ((status = serving.post(LSTM, window()).status()) == 503
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertEquals(200, status);
    });
  }

  @Test
  void aSocketWritingAll85MbBeforeReadingGetsThe413Json() {
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      try (RawHttp client = new RawHttp(serving.server.port(), Duration.ofSeconds(20))) {
        client.send(RawHttp.postHead(LSTM, BIG));
        writeSpaces(client.socket.getOutputStream(), BIG);
        RawHttp.Response answer = client.read();
        assertEquals(413, answer.status(), answer.body());
        assertEquals("close", answer.header("Connection"));
        assertTrue(answer.json().path("error").asText().contains("--max-body-mb"), answer.body());
        // Then the end of the stream (the server half-closed), not a reset.
        assertEquals(-1, client.socket.getInputStream().read());
      }
    });
  }

  @Test
  void expectContinueGetsTheRefusalInsteadOf100() {
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      // curl sends this header for large bodies. (JDK 17's HttpClient would be the obvious Java
      // client here, but it hangs on any answer to Expect but 100: JDK-8286171, fixed in 19.)
      // The first answer to the head is the refusal, for a route error too, and the end of the
      // stream follows it: the client is not asked for a body nobody would read.
      String[][] cases = {{"413", LSTM, Long.toString(BIG)},
          {"404", "/v1/models/lstm:nonsense", "1000"}};
      for (String[] c : cases) {
        try (RawHttp client = new RawHttp(serving.server.port(), Duration.ofSeconds(10))) {
          client.send("POST " + c[1] + " HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
              + "Content-Length: " + c[2] + "\r\n\r\n");
          RawHttp.Response first = client.read();
          assertEquals(Integer.parseInt(c[0]), first.status(), c[1] + ": " + first.body());
          assertTrue(first.json().path("error").isTextual(), first.body());
          assertEquals(-1, client.socket.getInputStream().read());
        }
      }
      // An accepted request still gets its 100 first.
      String body = window();
      try (RawHttp client = new RawHttp(serving.server.port(), Duration.ofSeconds(10))) {
        client.send("POST " + LSTM + " HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
            + "Content-Length: " + body.length() + "\r\n\r\n");
        assertEquals(100, client.read().status());
        client.send(body);
        assertEquals(200, client.read().status());
      }
    });
  }

  /**
   * POSTs {@code length} bytes with {@code HttpURLConnection} in streaming mode, which writes the
   * whole body before it reads the answer (as Python's urllib does).
   */
  private static ServingFixture.Answer postWholeBodyThenRead(long length) throws IOException {
    HttpURLConnection http = (HttpURLConnection) serving.uri(LSTM).toURL().openConnection();
    try {
      http.setDoOutput(true);
      http.setRequestMethod("POST");
      http.setRequestProperty("Content-Type", "application/json");
      http.setFixedLengthStreamingMode(length);
      http.setReadTimeout(20_000);
      try (OutputStream out = http.getOutputStream()) {
        writeSpaces(out, length);
      }
      int status = http.getResponseCode();
      try (InputStream in = status < 400 ? http.getInputStream() : http.getErrorStream()) {
        return new ServingFixture.Answer(status, new String(in.readAllBytes(),
            StandardCharsets.UTF_8), null);
      }
    } finally {
      http.disconnect();
    }
  }

  private static String window() {
    return ServingFixture.windowInstances(ServingFixture.windows(1, 12.2));
  }

  /** Writes {@code n} spaces in 64 KiB writes, as a client streaming a file would. */
  static void writeSpaces(OutputStream out, long n) throws IOException {
    byte[] chunk = new byte[64 << 10];
    Arrays.fill(chunk, (byte) ' ');
    for (long left = n; left > 0; left -= chunk.length) {
      out.write(chunk, 0, (int) Math.min(chunk.length, left));
    }
    out.flush();
  }
}
