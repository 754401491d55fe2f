package dev.tfjava.course.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.Consumer;

/**
 * Answers TF Serving's REST API on one exchange: routes the request, reads the body within the
 * size limit, and turns every outcome into a JSON response, {@code {"error": ...}} with the right
 * status for a {@link ServingException} and 500 for anything unexpected (which is also logged with
 * its stack trace). Nothing a client sends can escape this method.
 */
final class RestHandler implements HttpHandler {
  /** How much of an oversize body is read and thrown away before answering 413. */
  private static final long SWALLOW_BYTES = 32L << 20;

  private final ModelRepository repository;
  private final Predictor predictor;
  private final long maxBodyBytes;
  private final Consumer<String> log;

  RestHandler(ModelRepository repository, long maxBodyBytes, Consumer<String> log) {
    this.repository = repository;
    this.predictor = new Predictor(repository);
    this.maxBodyBytes = maxBodyBytes;
    this.log = log;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      int status = 200;
      byte[] body;
      try {
        if (OverloadPolicy.rejectedOnThisThread()) {
          throw new ServingException(503, "The server is overloaded (all workers busy and the"
              + " queue full) or shutting down; retry later");
        }
        body = answer(exchange);
      } catch (ServingException e) {
        status = e.status();
        body = ServingJson.error(e.getMessage());
        if (e.allowedMethod() != null) {
          exchange.getResponseHeaders().set("Allow", e.allowedMethod());
        }
        if (status == 413 || status == 503) {
          // The unread body would otherwise be parsed as the next request on this connection.
          exchange.getResponseHeaders().set("Connection", "close");
        }
      } catch (RuntimeException e) {
        status = 500;
        body = ServingJson.error("Internal error: " + e);
        log.accept("internal error on " + exchange.getRequestMethod() + " "
            + exchange.getRequestURI() + ": " + stackTrace(e));
      }
      send(exchange, status, body);
    }
  }

  private byte[] answer(HttpExchange exchange) throws IOException {
    RestRoute route = RestRoute.parse(exchange.getRequestMethod(),
        exchange.getRequestURI().getPath());
    return switch (route.kind()) {
      case STATUS -> ModelStatusResponse.write(repository.status(route.model(), route.version()));
      case METADATA -> {
        try (ModelLease lease = repository.acquire(route.model(), route.version())) {
          yield ModelMetadataResponse.write(lease.model());
        }
      }
      case PREDICT -> predictor.predict(route.model(), route.version(), readBody(exchange));
    };
  }

  /**
   * The request body, refusing (413) one over the limit. An oversize body is still read and
   * discarded up to {@link #SWALLOW_BYTES} so that the client, which is usually still sending,
   * gets the 413 rather than a broken pipe; past that the connection is simply closed.
   */
  private byte[] readBody(HttpExchange exchange) throws IOException {
    String declared = exchange.getRequestHeaders().getFirst("Content-Length");
    long length;
    try {
      length = declared == null ? -1 : Long.parseLong(declared.trim());
    } catch (NumberFormatException e) {
      throw ServingException.badRequest("Bad Content-Length: " + declared);
    }
    try (InputStream in = exchange.getRequestBody()) {
      if (length > maxBodyBytes) {
        swallow(in);
        throw tooLarge();
      }
      // Chunked bodies have no length up front: read one byte past the limit to notice them.
      byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
      if (body.length > maxBodyBytes) {
        swallow(in);
        throw tooLarge();
      }
      return body;
    }
  }

  private static void swallow(InputStream in) throws IOException {
    // read(), not skip(): the JDK's body stream inherits skip() from FilterInputStream, which
    // skips on the raw connection past the end of the body and blocks for the next request.
    byte[] sink = new byte[64 * 1024];
    long left = SWALLOW_BYTES;
    int n;
    while (left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) > 0) {
      left -= n;
    }
  }

  private ServingException tooLarge() {
    return new ServingException(413, "The request body is larger than the server's limit of "
        + maxBodyBytes + " bytes (serve --max-body-mb)");
  }

  private void send(HttpExchange exchange, int status, byte[] body) {
    try {
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    } catch (IOException e) {
      // The client went away; there is nobody left to tell.
    }
  }

  private static String stackTrace(Throwable e) {
    java.io.StringWriter text = new java.io.StringWriter();
    e.printStackTrace(new java.io.PrintWriter(text));
    return text.toString();
  }
}
