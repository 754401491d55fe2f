package dev.tfjava.course.notebook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A page of a headless Chromium, driven over the DevTools protocol (JSON messages on the page's
 * WebSocket, the JDK's own client): navigate, evaluate JavaScript, take screenshots. What
 * Selenium's driver does for these few commands, without a driver binary.
 */
final class DevTools implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private WebSocket socket;

  private DevTools() {}

  /**
   * Connects to the first page of the Chromium whose profile is {@code userDataDir}: Chromium
   * writes the port it chose ({@code --remote-debugging-port=0}) to DevToolsActivePort there.
   */
  static DevTools connect(Path userDataDir, Duration wait) throws IOException, InterruptedException {
    Path portFile = userDataDir.resolve("DevToolsActivePort");
    long deadline = System.nanoTime() + wait.toNanos();
    while (!Files.isRegularFile(portFile) || Files.readAllLines(portFile).isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new IOException("Chromium wrote no " + portFile + " within " + wait);
      }
      Thread.sleep(200);
    }
    int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
    HttpClient http = HttpClient.newHttpClient();
    JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
        HttpResponse.BodyHandlers.ofString()).body());
    String page = null;
    for (JsonNode target : targets) {
      if (target.path("type").asText().equals("page")) {
        page = target.get("webSocketDebuggerUrl").asText();
        break;
      }
    }
    if (page == null) {
      throw new IOException("Chromium on port " + port + " has no page: " + targets);
    }
    DevTools tools = new DevTools();
    tools.socket = http.newWebSocketBuilder().buildAsync(URI.create(page), tools.listener()).join();
    return tools;
  }

  private WebSocket.Listener listener() {
    return new WebSocket.Listener() {
      private final StringBuilder text = new StringBuilder();

      @Override
      public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
          answer(text.toString());
          text.setLength(0);
        }
        webSocket.request(1);
        return null;
      }
    };
  }

  private void answer(String message) {
    try {
      JsonNode node = JSON.readTree(message);
      if (node.has("id")) {
        CompletableFuture<JsonNode> call = pending.remove(node.get("id").asInt());
        if (call != null) {
          call.complete(node);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("DevTools sent no JSON: " + message, e);
    }
  }

  /** Sends one command and returns its result; a protocol error is an exception. */
  JsonNode call(String method, ObjectNode params) throws IOException {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    pending.put(id, answer);
    ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
    message.set("params", params == null ? JSON.createObjectNode() : params);
    socket.sendText(JSON.writeValueAsString(message), true).join();
    JsonNode reply;
    try {
      reply = answer.get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IOException("DevTools " + method + " did not answer: " + e, e);
    }
    if (reply.has("error")) {
      throw new IOException("DevTools " + method + ": " + reply.get("error"));
    }
    return reply.get("result");
  }

  void navigate(String url) throws IOException {
    call("Page.navigate", JSON.createObjectNode().put("url", url));
  }

  /** Evaluates a JavaScript expression in the page; its value as JSON (strings as text nodes). */
  JsonNode evaluate(String expression) throws IOException {
    JsonNode result = call("Runtime.evaluate", JSON.createObjectNode()
        .put("expression", expression).put("returnByValue", true).put("awaitPromise", true));
    if (result.has("exceptionDetails")) {
      throw new IOException("the page threw on `" + expression + "`: "
          + result.get("exceptionDetails").path("exception").path("description").asText(
              result.get("exceptionDetails").toString()));
    }
    return result.path("result").path("value");
  }

  /** Writes a PNG of what the page shows now. */
  void screenshot(Path file) throws IOException {
    JsonNode shot = call("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"));
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, Base64.getDecoder().decode(shot.get("data").asText()));
  }

  @Override
  public void close() {
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").exceptionally(e -> null).join();
  }
}
