package dev.tfjava.course.serve.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tensorflow.serving.BatchingParametersOuterClass;

/**
 * TF Serving's {@code BatchingParameters} ({@code --batching_parameters_file}), with its defaults
 * ({@code bundle_factory_util.h}): at most {@code maxBatchSize} instances per batch, a batch
 * waits up to {@code batchTimeout} to fill, at most {@code maxEnqueuedBatches} batches wait per
 * queue (past that a request is refused at once), {@code numBatchThreads} threads run batches, a
 * batch is padded up to the next of {@code allowedBatchSizes} (none: no padding).
 *
 * @param padVariableLengthInputs accepted as TF Serving does; requests are only batched with
 *     requests of the same inner dimensions, so nothing is ever padded (docs/serving.md)
 */
public record BatchingParameters(int maxBatchSize, Duration batchTimeout, int maxEnqueuedBatches,
    int numBatchThreads, String threadPoolName, List<Integer> allowedBatchSizes,
    boolean padVariableLengthInputs) {

  private static final String OPTION = "--batching-parameters-file";
  private static final long MAX_BATCH_SIZE = 1 << 20;
  private static final long MAX_TIMEOUT_MICROS = 60_000_000;
  private static final long MAX_ENQUEUED = 1 << 20;
  private static final long MAX_THREADS = 1024;

  public BatchingParameters {
    allowedBatchSizes = List.copyOf(allowedBatchSizes);
  }

  /** TF Serving's defaults: 1000 per batch, no wait, 10 batches queued, one thread per core. */
  public static BatchingParameters defaults() {
    return new BatchingParameters(1000, Duration.ZERO, 10,
        Runtime.getRuntime().availableProcessors(), "batch_threads", List.of(), false);
  }

  /**
   * Reads a text-format {@code BatchingParameters}, e.g. {@code max_batch_size { value: 32 }
   * batch_timeout_micros { value: 1000 }}; absent fields take TF Serving's defaults.
   *
   * @throws dev.tfjava.course.CourseException bad input (one line naming the file and field) for
   *     an unreadable or malformed file or a value out of range
   */
  public static BatchingParameters read(Path file) {
    BatchingParametersOuterClass.BatchingParameters message = ConfigFiles.read(OPTION, file,
        BatchingParametersOuterClass.BatchingParameters.newBuilder()).build();
    BatchingParameters defaults = defaults();
    if (message.getEnableLargeBatchSplitting().getValue() || message.hasMaxExecutionBatchSize()) {
      throw ConfigFiles.invalid(OPTION, file, "enable_large_batch_splitting and"
          + " max_execution_batch_size are not supported (a request larger than max_batch_size"
          + " runs on its own, in slices); remove them");
    }
    int maxBatch = (int) int64(file, "max_batch_size", message.hasMaxBatchSize()
        ? message.getMaxBatchSize().getValue() : defaults.maxBatchSize(), 1, MAX_BATCH_SIZE);
    long timeout = int64(file, "batch_timeout_micros",
        message.getBatchTimeoutMicros().getValue(), 0, MAX_TIMEOUT_MICROS);
    int enqueued = (int) int64(file, "max_enqueued_batches", message.hasMaxEnqueuedBatches()
        ? message.getMaxEnqueuedBatches().getValue() : defaults.maxEnqueuedBatches(), 1,
        MAX_ENQUEUED);
    int threads = (int) int64(file, "num_batch_threads", message.hasNumBatchThreads()
        ? message.getNumBatchThreads().getValue() : defaults.numBatchThreads(), 1, MAX_THREADS);
    String pool = message.getThreadPoolName().getValue().isEmpty() ? defaults.threadPoolName()
        : message.getThreadPoolName().getValue();
    List<Integer> sizes = new ArrayList<>();
    for (long size : message.getAllowedBatchSizesList()) {
      long previous = sizes.isEmpty() ? 0 : sizes.get(sizes.size() - 1);
      if (size <= previous) {
        throw ConfigFiles.invalid(OPTION, file, "allowed_batch_sizes must be positive and"
            + " increasing, got " + size + " after " + previous);
      }
      sizes.add((int) Math.min(size, MAX_BATCH_SIZE + 1));
    }
    if (!sizes.isEmpty() && sizes.get(sizes.size() - 1) != maxBatch) {
      throw ConfigFiles.invalid(OPTION, file, "the last allowed_batch_sizes entry ("
          + sizes.get(sizes.size() - 1) + ") must equal max_batch_size (" + maxBatch + ")");
    }
    return new BatchingParameters(maxBatch, Duration.ofNanos(timeout * 1000), enqueued, threads,
        pool, sizes, message.getPadVariableLengthInputs());
  }

  /** {@code value} when it is in [min, max]; else a one-line error naming the field. */
  private static long int64(Path file, String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw ConfigFiles.invalid(OPTION, file, name + " must be " + min + "-" + max + ", got "
          + value);
    }
    return value;
  }

  /** The batch size a batch of {@code rows} instances runs at: the next allowed size, or rows. */
  public int paddedSize(int rows) {
    for (int size : allowedBatchSizes) {
      if (size >= rows) {
        return size;
      }
    }
    return rows;
  }
}
