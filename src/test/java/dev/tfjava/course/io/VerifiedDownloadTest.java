package dev.tfjava.course.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads from a loopback HTTP server the test runs: verified, atomic, clean on failure. */
class VerifiedDownloadTest {
  private static final byte[] PAYLOAD = "the bytes of a data file\n".repeat(5000).getBytes();

  @TempDir
  Path dir;

  private HttpServer server;
  private URI base;

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/good/", exchange -> {
      exchange.sendResponseHeaders(200, PAYLOAD.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(PAYLOAD);
      }
    });
    server.createContext("/cut/", exchange -> {
      // Promises the whole file, sends half, then hangs up.
      exchange.sendResponseHeaders(200, PAYLOAD.length);
      OutputStream out = exchange.getResponseBody();
      out.write(PAYLOAD, 0, PAYLOAD.length / 2);
      out.flush();
      exchange.close();
    });
    server.start();
    base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  private String payloadMd5() throws IOException {
    Path reference = dir.resolve("reference");
    Files.write(reference, PAYLOAD);
    String md5 = VerifiedDownload.md5(reference);
    Files.delete(reference);
    return md5;
  }

  private List<Path> filesIn(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.toList();
    }
  }

  @Test
  void downloadsAndVerifies() throws IOException {
    Path target = dir.resolve("cache/file.gz");
    VerifiedDownload.download(List.of(base.resolve("good/")), "file.gz", payloadMd5(), target);
    assertArrayEquals(PAYLOAD, Files.readAllBytes(target));
    assertEquals(List.of(target), filesIn(target.getParent()));
  }

  @Test
  void md5MismatchLeavesNothingAndSaysWhy() throws IOException {
    Path target = dir.resolve("cache/file.gz");
    String wrong = "0123456789abcdef0123456789abcdef";
    IOException e = assertThrows(IOException.class,
        () -> VerifiedDownload.download(List.of(base.resolve("good/")), "file.gz", wrong, target));
    assertTrue(e.getMessage().contains("MD5 mismatch: got " + payloadMd5() + ", expected " + wrong),
        e.getMessage());
    assertEquals(List.of(), filesIn(target.getParent()));
  }

  @Test
  void cutConnectionLeavesNothingThenTheNextMirrorServes() throws IOException {
    Path target = dir.resolve("cache/file.gz");
    Path cutOnly = dir.resolve("cache/other.gz");
    IOException e = assertThrows(IOException.class, () -> VerifiedDownload.download(
        List.of(base.resolve("cut/")), "other.gz", payloadMd5(), cutOnly));
    assertTrue(e.getMessage().startsWith("could not download other.gz (" + base + "cut/other.gz: "),
        e.getMessage());
    assertEquals(List.of(), filesIn(cutOnly.getParent()));

    VerifiedDownload.download(List.of(base.resolve("cut/"), base.resolve("good/")), "file.gz",
        payloadMd5(), target);
    assertArrayEquals(PAYLOAD, Files.readAllBytes(target));
    assertEquals(List.of(target), filesIn(target.getParent()));
  }

  @Test
  void fileUrlsWorkForLocalMirrors() throws IOException {
    Path mirror = dir.resolve("mirror");
    Files.createDirectories(mirror);
    Files.write(mirror.resolve("file.gz"), PAYLOAD);
    Path target = dir.resolve("cache/file.gz");
    VerifiedDownload.download(List.of(mirror.toUri()), "file.gz", payloadMd5(), target);
    assertArrayEquals(PAYLOAD, Files.readAllBytes(target));
  }
}
