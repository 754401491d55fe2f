package dev.tfjava.course.serve.rest;

import dev.tfjava.course.serve.core.ModelLease;
import dev.tfjava.course.serve.core.ModelRepository;
import dev.tfjava.course.serve.core.PredictService;
import dev.tfjava.course.serve.core.ServingException;
import dev.tfjava.course.serve.json.JsonPredictor;
import dev.tfjava.course.serve.json.ModelMetadataJson;
import dev.tfjava.course.serve.json.ModelStatusJson;
import dev.tfjava.course.serve.json.ServingJson;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.util.function.Consumer;

/**
 * TF Serving's REST API as a function from a routed request to a response, transport aside: every
 * outcome becomes a status and a JSON body, {@code {"error": ...}} with TF Serving's status for a
 * {@link ServingException}, 503 when memory ran out, and 500 for anything unexpected (also logged
 * with its stack trace). Nothing a client sends can escape {@link #answer}.
 */
final class RestApi {
  /** A status and JSON body to send. */
  record Response(int status, byte[] body, String allow) {
    static Response error(int status, String message) {
      return new Response(status, ServingJson.error(message), null);
    }

    static Response error(HttpError e) {
      return new Response(e.status(), ServingJson.error(e.getMessage()), e.allow());
    }
  }

  private final ModelRepository repository;
  private final JsonPredictor predictor;
  private final Consumer<String> log;

  RestApi(ModelRepository repository, PredictService predictions, Consumer<String> log) {
    this.repository = repository;
    this.predictor = new JsonPredictor(predictions);
    this.log = log;
  }

  /** Answers {@code route}; {@code body} is the request body (read, not released, here). */
  Response answer(RestRoute route, ByteBuf body, String what) {
    try {
      byte[] json = switch (route.kind()) {
        case STATUS -> ModelStatusJson.write(repository.status(route.spec()));
        case METADATA -> {
          try (ModelLease lease = repository.acquire(route.spec())) {
            yield ModelMetadataJson.write(lease.model());
          }
        }
        case PREDICT -> predictor.predict(route.spec(),
            () -> ServingJson.parser(new ByteBufInputStream(body.duplicate())));
      };
      return new Response(200, json, null);
    } catch (ServingException e) {
      return Response.error(HttpError.of(e));
    } catch (OutOfMemoryError e) {
      // The heap or JavaCPP's native cap: this request is lost, the server is not.
      log.accept("out of memory on " + what + ": " + e.getMessage());
      return Response.error(503, "The server ran out of memory for this request; retry later"
          + " or send smaller batches");
    } catch (RuntimeException e) {
      log.accept("internal error on " + what + ": " + stackTrace(e));
      return Response.error(500, "Internal error: " + e);
    }
  }

  private static String stackTrace(Throwable e) {
    java.io.StringWriter text = new java.io.StringWriter();
    e.printStackTrace(new java.io.PrintWriter(text));
    return text.toString();
  }
}
