package dev.tfjava.course.serve.rest;

import java.util.function.Supplier;

/**
 * The monitoring page the REST port serves besides TF Serving's API: {@code GET path} answers
 * {@code page} with {@code contentType} (TF Serving's {@code /monitoring/prometheus/metrics}).
 */
public record MetricsRoute(String path, String contentType, Supplier<byte[]> page) {}
