package dev.tfjava.course.serve;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * A loopback socket speaking HTTP/1.1 by hand, for what a polite client never sends: broken
 * framing, trickled bytes, bodies that never come. Every read has a timeout, so a server that
 * does not answer fails the test instead of hanging it.
 */
final class RawHttp implements AutoCloseable {
  /** A response read off the socket. */
  record Response(int status, String headers, String body) {
    JsonNode json() {
      try {
        return ServingFixture.JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (status " + status + "): " + body, e);
      }
    }

    String header(String name) {
      for (String line : headers.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
          return line.substring(colon + 1).trim();
        }
      }
      return null;
    }
  }

  final Socket socket;

  RawHttp(int port, Duration readTimeout) throws IOException {
    socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    socket.setSoTimeout((int) readTimeout.toMillis());
  }

  void send(String text) throws IOException {
    send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  void send(byte[] bytes) throws IOException {
    socket.getOutputStream().write(bytes);
    socket.getOutputStream().flush();
  }

  /** Reads one response: status line, headers, and a Content-Length body (none for 1xx). */
  Response read() throws IOException {
    InputStream in = socket.getInputStream();
    String head = readHead(in);
    if (head.isEmpty()) {
      throw new IOException("the server closed the connection without an answer");
    }
    int status = Integer.parseInt(head.substring(9, 12));
    String headers = head.substring(head.indexOf("\r\n") + 2);
    Response partial = new Response(status, headers, "");
    String length = partial.header("Content-Length");
    if (status < 200) {
      return partial; // 100 Continue: no body, the final answer follows
    }
    byte[] body = length == null ? in.readAllBytes() : in.readNBytes(Integer.parseInt(length));
    return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    int b;
    while (matched < 4 && (b = in.read()) >= 0) {
      head.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  /** A POST head for {@code path} with the given Content-Length. */
  static String postHead(String path, long contentLength) {
    return String.format(Locale.ROOT, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n", path, contentLength);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
