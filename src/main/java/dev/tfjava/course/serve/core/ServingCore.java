package dev.tfjava.course.serve.core;

import java.util.concurrent.ExecutorService;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * What every front door (REST, gRPC) shares: the models, the one entry for predict calls, the
 * admission limits, the worker pool that runs TensorFlow, whether the server is stopping, and
 * the log. A door turns its wire format into core requests, takes a slot from {@code admission}
 * before queueing work on {@code workers}, answers UNAVAILABLE once {@code closing} is true, and
 * reports every call it answers or refuses to {@code metrics}.
 */
public record ServingCore(ModelRepository repository, PredictService predictions,
    Admission admission, ExecutorService workers, BooleanSupplier closing,
    Consumer<String> log, MetricsRecorder metrics) {}
