package dev.tfjava.course.serve.rest;

import com.fasterxml.jackson.core.JsonParser;
import dev.tfjava.course.serve.core.ErrorCode;
import dev.tfjava.course.serve.core.MetricsRecorder;
import dev.tfjava.course.serve.core.ModelLease;
import dev.tfjava.course.serve.core.ModelRepository;
import dev.tfjava.course.serve.core.PredictService;
import dev.tfjava.course.serve.core.ServingException;
import dev.tfjava.course.serve.inference.ExampleInference;
import dev.tfjava.course.serve.inference.ExamplesJson;
import dev.tfjava.course.serve.inference.SerializedExamples;
import dev.tfjava.course.serve.json.JsonPredictRequest;
import dev.tfjava.course.serve.json.JsonPredictor;
import dev.tfjava.course.serve.json.ModelMetadataJson;
import dev.tfjava.course.serve.json.ModelStatusJson;
import dev.tfjava.course.serve.json.ServingJson;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufUtil;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * TF Serving's REST API as a function from a routed request to a response, transport aside: every
 * outcome becomes a status and a JSON body, {@code {"error": ...}} with TF Serving's status for a
 * {@link ServingException}, 503 when memory ran out, and 500 for anything unexpected (also logged
 * with its stack trace). Nothing a client sends can escape {@link #answer}, whose future always
 * completes with a response. Every call on a
 * model is reported to the metrics with TF Serving's labels: API {@code predict} for
 * {@code :predict} (none for status and metadata, as in TF Serving), entrypoint {@code REST}.
 */
final class RestApi {
  /** A status and body to send (JSON unless {@code contentType} says otherwise). */
  record Response(int status, byte[] body, String allow, String contentType) {
    Response(int status, byte[] body, String allow) {
      this(status, body, allow, "application/json");
    }

    static Response error(int status, String message) {
      return new Response(status, ServingJson.error(message), null);
    }

    static Response error(HttpError e) {
      return new Response(e.status(), ServingJson.error(e.getMessage()), e.allow());
    }
  }

  private static final String ENTRYPOINT = "REST";

  /**
   * The most bytes a REST call's serialized tf.Examples may take: a small body with a large
   * context and many examples would otherwise multiply into the heap.
   */
  static final long MAX_EXAMPLE_BYTES = 64L << 20;

  private final ModelRepository repository;
  private final JsonPredictor predictor;
  private final Consumer<String> log;
  private final MetricsRecorder metrics;
  private final Optional<MetricsRoute> metricsRoute;

  RestApi(ModelRepository repository, PredictService predictions, Consumer<String> log) {
    this(repository, predictions, log, MetricsRecorder.NONE, Optional.empty());
  }

  RestApi(ModelRepository repository, PredictService predictions, Consumer<String> log,
      MetricsRecorder metrics, Optional<MetricsRoute> metricsRoute) {
    this.repository = repository;
    this.predictor = new JsonPredictor(predictions);
    this.log = log;
    this.metrics = metrics;
    this.metricsRoute = metricsRoute;
  }

  /** The route of a request line (the metrics page's path included). */
  RestRoute route(String method, String path) {
    return RestRoute.parse(method, path, metricsRoute.map(MetricsRoute::path));
  }

  /**
   * Answers {@code route}; {@code body} is the request body, read (not released) before this
   * returns. The future never fails: every outcome is a response. A predict answer that comes
   * later (from a batch) is written on {@code later}, not on the thread that ran the batch.
   */
  CompletableFuture<Response> answer(RestRoute route, ByteBuf body, String what,
      Executor later) {
    if (route.kind() == RestRoute.Kind.METRICS) {
      MetricsRoute page = metricsRoute.orElseThrow();
      return CompletableFuture.completedFuture(
          new Response(200, page.page().get(), null, page.contentType()));
    }
    long started = System.nanoTime();
    CompletableFuture<byte[]> json;
    try {
      json = switch (route.kind()) {
        case STATUS -> CompletableFuture.completedFuture(
            ModelStatusJson.write(repository.status(route.spec())));
        case METADATA -> {
          try (ModelLease lease = repository.acquire(route.spec())) {
            yield CompletableFuture.completedFuture(ModelMetadataJson.write(lease.model()));
          }
        }
        case PREDICT -> predictor.submit(route.spec(), later, new JsonPredictRequest.Body() {
          @Override public JsonParser open() throws IOException {
            return ServingJson.parser(new ByteBufInputStream(body.duplicate()));
          }

          @Override public ByteBuffer bytes() {
            return body.nioBuffer(); // a view of the received body, not a copy
          }
        });
        case CLASSIFY, REGRESS -> CompletableFuture.completedFuture(
            examples(route, ByteBufUtil.getBytes(body)));
        case METRICS -> throw new IllegalStateException("the metrics page has no model");
      };
    } catch (RuntimeException | OutOfMemoryError e) {
      json = CompletableFuture.failedFuture(e);
    }
    return json.handle((bytes, error) -> {
      Outcome outcome = error == null ? new Outcome(new Response(200, bytes, null), ErrorCode.OK)
          : failed(unwrap(error), what);
      metrics.answered(route.spec().name(),
          route.kind() == RestRoute.Kind.STATUS || route.kind() == RestRoute.Kind.METADATA ? ""
              : route.kind().name().toLowerCase(java.util.Locale.ROOT), ENTRYPOINT, outcome.code(),
          System.nanoTime() - started);
      return outcome.http();
    });
  }

  /** {@code :classify} or {@code :regress}: tf.Examples from JSON through the signature. */
  private byte[] examples(RestRoute route, byte[] body) {
    ExamplesJson.Request request = ExamplesJson.parse(body);
    String key = ExampleInference.key(request.signatureName());
    try (ModelLease lease = repository.acquire(route.spec())) {
      List<byte[]> examples = SerializedExamples.of(request.input(), MAX_EXAMPLE_BYTES);
      return route.kind() == RestRoute.Kind.CLASSIFY
          ? ExamplesJson.write(ExampleInference.classify(lease.model(), key, examples))
          : ExamplesJson.write(ExampleInference.regress(lease.model(), key, examples));
    }
  }

  /** A response and the TF error code it stands for (what TF Serving's request count labels). */
  private record Outcome(Response http, ErrorCode code) {}

  private Outcome failed(Throwable e, String what) {
    if (e instanceof ServingException serving) {
      return new Outcome(Response.error(HttpError.of(serving)), serving.code());
    }
    if (e instanceof OutOfMemoryError) {
      // The heap or JavaCPP's native cap: this request is lost, the server is not.
      log.accept("out of memory on " + what + ": " + e.getMessage());
      return new Outcome(Response.error(503, "The server ran out of memory for this request;"
          + " retry later or send smaller batches"), ErrorCode.RESOURCE_EXHAUSTED);
    }
    log.accept("internal error on " + what + ": " + stackTrace(e));
    return new Outcome(Response.error(500, "Internal error: " + e), ErrorCode.INTERNAL);
  }

  /** The failure itself, not the wrapper a dependent stage of a future adds. */
  private static Throwable unwrap(Throwable e) {
    Throwable cause = e;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  private static String stackTrace(Throwable e) {
    java.io.StringWriter text = new java.io.StringWriter();
    e.printStackTrace(new java.io.PrintWriter(text));
    return text.toString();
  }
}
