package dev.tfjava.course.lessons;

import java.nio.file.Path;
import java.util.List;

/**
 * What running a lesson gave: its typed result (what metrics.json is written from), the lines it
 * printed as the notebook does, and the metrics file.
 *
 * @param <R> the lesson's result type
 */
public record LessonRun<R>(R result, List<String> printed, Path metricsFile) {}
