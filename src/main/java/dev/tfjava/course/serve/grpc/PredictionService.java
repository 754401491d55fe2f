package dev.tfjava.course.serve.grpc;

import com.google.protobuf.Any;
import dev.tfjava.course.serve.core.ModelLease;
import dev.tfjava.course.serve.core.PredictResponse;
import dev.tfjava.course.serve.core.ServingCore;
import dev.tfjava.course.serve.core.ServingException;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import tensorflow.serving.Classification;
import tensorflow.serving.GetModelMetadata;
import tensorflow.serving.Inference;
import tensorflow.serving.Predict;
import tensorflow.serving.PredictionServiceGrpc;
import tensorflow.serving.RegressionOuterClass;

/**
 * TF Serving's {@code tensorflow.serving.PredictionService}: Predict and GetModelMetadata on the
 * core; Classify, Regress and MultiInference answer UNIMPLEMENTED, since the course's models
 * export predict signatures only. Each method turns protobuf into a core request and back.
 */
final class PredictionService extends PredictionServiceGrpc.PredictionServiceImplBase {
  /** The one metadata field TF Serving supports. */
  static final String SIGNATURE_DEF = "signature_def";

  private final ServingCore core;
  private final GrpcCalls calls;
  private final long maxElements;

  PredictionService(ServingCore core, GrpcCalls calls, long maxMessageBytes) {
    this.core = core;
    this.calls = calls;
    this.maxElements = GrpcServer.maxElements(maxMessageBytes);
  }

  @Override
  public void predict(Predict.PredictRequest request,
      StreamObserver<Predict.PredictResponse> observer) {
    String model = request.getModelSpec().getName();
    calls.run("Predict", model, request.getSerializedSize(), observer, deadline -> {
      PredictResponse answer = core.predictions().predict(
          ProtoRequests.toCore(request, maxElements), deadline);
      Predict.PredictResponse.Builder response = Predict.PredictResponse.newBuilder()
          .setModelSpec(ProtoSpecs.answered(answer.model(), answer.version(),
              answer.signatureName()));
      answer.outputs().forEach((alias, values) ->
          response.putOutputs(alias, TensorProtoCodec.encode(values)));
      return response.build();
    });
  }

  @Override
  public void getModelMetadata(GetModelMetadata.GetModelMetadataRequest request,
      StreamObserver<GetModelMetadata.GetModelMetadataResponse> observer) {
    String model = request.getModelSpec().getName();
    calls.run("GetModelMetadata", model, request.getSerializedSize(), observer, deadline -> {
      if (!request.hasModelSpec()) {
        throw ServingException.invalidArgument("Missing ModelSpec");
      }
      if (request.getMetadataFieldCount() == 0) {
        throw ServingException.invalidArgument(
            "GetModelMetadataRequest must specify at least one metadata_field");
      }
      for (String field : request.getMetadataFieldList()) {
        if (!field.equals(SIGNATURE_DEF)) {
          throw ServingException.invalidArgument("Metadata field " + field + " is not supported");
        }
      }
      try (ModelLease lease = core.repository().acquire(
          ProtoSpecs.toCore(true, request.getModelSpec()))) {
        GetModelMetadata.SignatureDefMap signatures = GetModelMetadata.SignatureDefMap
            .newBuilder().putAllSignatureDef(lease.model().signatureDefs()).build();
        return GetModelMetadata.GetModelMetadataResponse.newBuilder()
            .setModelSpec(ProtoSpecs.answered(lease.model().name(), lease.model().version()))
            .putMetadata(SIGNATURE_DEF, Any.pack(signatures))
            .build();
      }
    });
  }

  @Override
  public void classify(Classification.ClassificationRequest request,
      StreamObserver<Classification.ClassificationResponse> observer) {
    observer.onError(unimplemented("Classify"));
  }

  @Override
  public void regress(RegressionOuterClass.RegressionRequest request,
      StreamObserver<RegressionOuterClass.RegressionResponse> observer) {
    observer.onError(unimplemented("Regress"));
  }

  @Override
  public void multiInference(Inference.MultiInferenceRequest request,
      StreamObserver<Inference.MultiInferenceResponse> observer) {
    observer.onError(unimplemented("MultiInference"));
  }

  private static RuntimeException unimplemented(String method) {
    return GrpcCalls.status(Status.UNIMPLEMENTED, method + " is not implemented by this server:"
        + " the course's models export predict signatures (tensorflow/serving/predict) only;"
        + " call Predict");
  }
}
