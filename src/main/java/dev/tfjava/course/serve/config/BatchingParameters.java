package dev.tfjava.course.serve.config;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

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
    DynamicMessage message = ConfigFiles.read(OPTION, file,
        ServingConfigProtos.BATCHING_PARAMETERS);
    Fields fields = new Fields(message, file);
    BatchingParameters defaults = defaults();
    if (fields.bool("enable_large_batch_splitting") || fields.present("max_execution_batch_size")) {
      throw ConfigFiles.invalid(OPTION, file, "enable_large_batch_splitting and"
          + " max_execution_batch_size are not supported (a request larger than max_batch_size"
          + " runs on its own, in slices); remove them");
    }
    int maxBatch = (int) fields.int64("max_batch_size", defaults.maxBatchSize(), 1, MAX_BATCH_SIZE);
    long timeout = fields.int64("batch_timeout_micros", 0, 0, MAX_TIMEOUT_MICROS);
    int enqueued = (int) fields.int64("max_enqueued_batches", defaults.maxEnqueuedBatches(), 1,
        MAX_ENQUEUED);
    int threads = (int) fields.int64("num_batch_threads", defaults.numBatchThreads(), 1,
        MAX_THREADS);
    String pool = fields.string("thread_pool_name", defaults.threadPoolName());
    FieldDescriptor sizesField = message.getDescriptorForType().findFieldByName(
        "allowed_batch_sizes");
    List<Integer> sizes = new java.util.ArrayList<>();
    for (int i = 0; i < message.getRepeatedFieldCount(sizesField); i++) {
      long size = (Long) message.getRepeatedField(sizesField, i);
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
        pool, sizes, fields.bool("pad_variable_length_inputs"));
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

  /** Field access on the parsed message, with range checks that name the field. */
  private record Fields(DynamicMessage message, Path file) {
    boolean present(String name) {
      return message.hasField(field(name));
    }

    /** A wrapper field's {@code value} ({@code Int64Value} etc.), or null when absent. */
    Object wrapped(String name) {
      if (!present(name)) {
        return null;
      }
      Message wrapper = (Message) message.getField(field(name));
      return wrapper.getField(wrapper.getDescriptorForType().findFieldByName("value"));
    }

    long int64(String name, long fallback, long min, long max) {
      Object value = wrapped(name);
      long n = value == null ? fallback : (Long) value;
      if (n < min || n > max) {
        throw ConfigFiles.invalid(OPTION, file, name + " must be " + min + "-" + max + ", got "
            + n);
      }
      return n;
    }

    String string(String name, String fallback) {
      Object value = wrapped(name);
      return value == null || ((String) value).isEmpty() ? fallback : (String) value;
    }

    boolean bool(String name) {
      Object value = message.getField(field(name));
      return value instanceof Message wrapper
          ? (Boolean) wrapper.getField(wrapper.getDescriptorForType().findFieldByName("value"))
          : (Boolean) value;
    }

    private FieldDescriptor field(String name) {
      return message.getDescriptorForType().findFieldByName(name);
    }
  }
}
