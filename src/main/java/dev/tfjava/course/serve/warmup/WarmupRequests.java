package dev.tfjava.course.serve.warmup;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.tfjava.course.io.TfRecords;
import dev.tfjava.course.serve.core.TensorValues;
import dev.tfjava.course.serve.grpc.TensorProtoCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.Signature;
import tensorflow.serving.Model;
import tensorflow.serving.Predict;
import tensorflow.serving.PredictionLogOuterClass.PredictLog;
import tensorflow.serving.PredictionLogOuterClass.PredictionLog;

/**
 * TF Serving's warm-up file ({@code servables/tensorflow/saved_model_warmup_util.cc}):
 * {@code <version>/assets.extra/tf_serving_warmup_requests}, a TFRecord file of
 * {@code tensorflow.serving.PredictionLog}, at most {@value #MAX_RECORDS} of them. This server
 * serves predict signatures only, so every record must be a {@code predict_log}.
 */
public final class WarmupRequests {
  /** Where TF Serving looks for the file, relative to a version folder. */
  public static final String FILE = "assets.extra/tf_serving_warmup_requests";
  /** TF Serving's limit ({@code kMaxNumRecords}). */
  public static final int MAX_RECORDS = 1000;
  /** One record of a warm-up file; the course's largest real request is far smaller. */
  static final int MAX_RECORD_BYTES = 64 << 20;

  private WarmupRequests() {}

  /** The warm-up file of a version folder (it may not exist). */
  public static Path file(Path versionDir) {
    return versionDir.resolve(FILE);
  }

  /**
   * The predict requests of {@code versionDir}'s warm-up file; empty when it has none.
   *
   * @throws IllegalArgumentException naming the file and record when it is corrupt, holds more
   *     than {@value #MAX_RECORDS} records, a record that is not a PredictionLog, or a log that
   *     is not a predict_log
   */
  public static List<Predict.PredictRequest> read(Path versionDir) {
    Path file = file(versionDir);
    if (!Files.exists(file)) {
      return List.of();
    }
    List<byte[]> records;
    try {
      records = TfRecords.read(file, MAX_RECORDS, MAX_RECORD_BYTES);
    } catch (TfRecords.CorruptRecordException e) {
      throw new IllegalArgumentException("warm-up file " + file + ": " + e.getMessage()
          + " (TF Serving reads at most " + MAX_RECORDS + " TFRecords of PredictionLog)", e);
    }
    List<Predict.PredictRequest> requests = new ArrayList<>();
    for (byte[] record : records) {
      int number = requests.size() + 1;
      PredictionLog log;
      try {
        log = PredictionLog.parseFrom(record);
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalArgumentException("warm-up file " + file + ": record " + number
            + " does not parse as a tensorflow.serving.PredictionLog: " + e.getMessage(), e);
      }
      if (!log.hasPredictLog()) {
        throw new IllegalArgumentException("warm-up file " + file + ": record " + number
            + " is a " + log.getLogTypeCase().name().toLowerCase(java.util.Locale.ROOT)
            + ", not a predict_log (this server serves predict signatures only)");
      }
      requests.add(log.getPredictLog().getRequest());
    }
    return requests;
  }

  /** A predict request of {@code model}'s serving_default for {@code inputs}, by alias. */
  public static Predict.PredictRequest predict(String model, Map<String, TensorValues> inputs) {
    Predict.PredictRequest.Builder request = Predict.PredictRequest.newBuilder()
        .setModelSpec(Model.ModelSpec.newBuilder().setName(model)
            .setSignatureName(Signature.DEFAULT_KEY));
    inputs.forEach((alias, values) -> request.putInputs(alias, TensorProtoCodec.encode(values)));
    return request.build();
  }

  /** Writes {@code requests} as {@code versionDir}'s warm-up file, one predict_log each. */
  public static void write(Path versionDir, List<Predict.PredictRequest> requests) {
    TfRecords.write(file(versionDir), requests.stream()
        .map(request -> PredictionLog.newBuilder()
            .setPredictLog(PredictLog.newBuilder().setRequest(request)).build().toByteArray())
        .toList());
  }
}
