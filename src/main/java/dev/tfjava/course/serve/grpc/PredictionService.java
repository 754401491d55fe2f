package dev.tfjava.course.serve.grpc;

import com.google.protobuf.Any;
import dev.tfjava.course.serve.core.LoadedModel;
import dev.tfjava.course.serve.core.ModelLease;
import dev.tfjava.course.serve.core.PredictResponse;
import dev.tfjava.course.serve.core.ServingCore;
import dev.tfjava.course.serve.core.ServingException;
import dev.tfjava.course.serve.inference.ExampleInference;
import dev.tfjava.course.serve.inference.SerializedExamples;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import tensorflow.serving.Classification;
import tensorflow.serving.GetModelMetadata;
import tensorflow.serving.Inference;
import tensorflow.serving.InputOuterClass;
import tensorflow.serving.Predict;
import tensorflow.serving.PredictionServiceGrpc;
import tensorflow.serving.RegressionOuterClass;

/**
 * TF Serving's {@code tensorflow.serving.PredictionService}: Predict and GetModelMetadata on the
 * core; Classify, Regress and MultiInference on tf.Example inputs ({@link ExampleInference}).
 * Each method turns protobuf into a core request and back.
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
    calls.run("Classify", request.getModelSpec().getName(), request.getSerializedSize(),
        observer, deadline -> {
          String key = ExampleInference.key(request.getModelSpec().getSignatureName());
          try (ModelLease lease = core.repository().acquire(
              ProtoSpecs.toCore(request.hasModelSpec(), request.getModelSpec()))) {
            LoadedModel model = lease.model();
            return Classification.ClassificationResponse.newBuilder()
                .setModelSpec(ProtoSpecs.answered(model.name(), model.version(), key))
                .setResult(ExampleInference.classify(model, key, examples(request.getInput())))
                .build();
          }
        });
  }

  @Override
  public void regress(RegressionOuterClass.RegressionRequest request,
      StreamObserver<RegressionOuterClass.RegressionResponse> observer) {
    calls.run("Regress", request.getModelSpec().getName(), request.getSerializedSize(),
        observer, deadline -> {
          String key = ExampleInference.key(request.getModelSpec().getSignatureName());
          try (ModelLease lease = core.repository().acquire(
              ProtoSpecs.toCore(request.hasModelSpec(), request.getModelSpec()))) {
            LoadedModel model = lease.model();
            return RegressionOuterClass.RegressionResponse.newBuilder()
                .setModelSpec(ProtoSpecs.answered(model.name(), model.version(), key))
                .setResult(ExampleInference.regress(model, key, examples(request.getInput())))
                .build();
          }
        });
  }

  /**
   * TF Serving's MultiInference: every task on the same examples, one model (version) for all
   * ({@code multi_inference.cc}), each task a classify or regress signature.
   */
  @Override
  public void multiInference(Inference.MultiInferenceRequest request,
      StreamObserver<Inference.MultiInferenceResponse> observer) {
    String name = request.getTasksCount() == 0 ? ""
        : request.getTasks(0).getModelSpec().getName();
    calls.run("MultiInference", name, request.getSerializedSize(), observer, deadline -> {
      if (request.getTasksCount() == 0) {
        throw ServingException.invalidArgument("Found no tasks in MultiInference request.");
      }
      Set<String> keys = new TreeSet<>();
      for (Inference.InferenceTask task : request.getTasksList()) {
        if (!task.getModelSpec().getName().equals(name)) {
          throw ServingException.invalidArgument("All ModelSpecs in a MultiInferenceRequest "
              + "must access the same model name.");
        }
        if (!keys.add(ExampleInference.key(task.getModelSpec().getSignatureName()))) {
          throw ServingException.invalidArgument("Duplicate evaluation of signature: "
              + task.getModelSpec().getSignatureName());
        }
      }
      List<byte[]> examples = examples(request.getInput());
      Inference.MultiInferenceResponse.Builder response =
          Inference.MultiInferenceResponse.newBuilder();
      try (ModelLease lease = core.repository().acquire(
          ProtoSpecs.toCore(true, request.getTasks(0).getModelSpec()))) {
        LoadedModel model = lease.model();
        for (Inference.InferenceTask task : request.getTasksList()) {
          String key = ExampleInference.key(task.getModelSpec().getSignatureName());
          Inference.InferenceResult.Builder result = response.addResultsBuilder()
              .setModelSpec(ProtoSpecs.answered(model.name(), model.version(), key));
          switch (task.getMethodName()) {
            case ExampleInference.CLASSIFY -> result.setClassificationResult(
                ExampleInference.classify(model, key, examples));
            case ExampleInference.REGRESS -> result.setRegressionResult(
                ExampleInference.regress(model, key, examples));
            default -> throw ServingException.invalidArgument("Unsupported signature method_name: "
                + task.getMethodName());
          }
        }
      }
      return response.build();
    });
  }

  private List<byte[]> examples(InputOuterClass.Input input) {
    return SerializedExamples.of(input, core.admission().maxBytes());
  }
}
