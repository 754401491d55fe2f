package dev.tfjava.course.serve.grpc;

import dev.tfjava.course.serve.core.ServingCore;
import dev.tfjava.course.serve.core.VersionStatus;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import tensorflow.serving.GetModelStatus;
import tensorflow.serving.ModelManagement;
import tensorflow.serving.ModelServiceGrpc;

/**
 * TF Serving's {@code tensorflow.serving.ModelService}: GetModelStatus from the core's model
 * repository. HandleReloadConfigRequest answers UNIMPLEMENTED: this server re-reads its model
 * config file itself ({@code --model-config-file-poll-wait-seconds}).
 */
final class ModelService extends ModelServiceGrpc.ModelServiceImplBase {
  private final ServingCore core;
  private final GrpcCalls calls;

  ModelService(ServingCore core, GrpcCalls calls) {
    this.core = core;
    this.calls = calls;
  }

  @Override
  public void getModelStatus(GetModelStatus.GetModelStatusRequest request,
      StreamObserver<GetModelStatus.GetModelStatusResponse> observer) {
    String model = request.getModelSpec().getName();
    calls.run("GetModelStatus", model, request.getSerializedSize(), observer, deadline -> {
      GetModelStatus.GetModelStatusResponse.Builder response =
          GetModelStatus.GetModelStatusResponse.newBuilder();
      for (VersionStatus version : core.repository().status(
          ProtoSpecs.toCore(request.hasModelSpec(), request.getModelSpec()))) {
        response.addModelVersionStatus(GetModelStatus.ModelVersionStatus.newBuilder()
            .setVersion(version.version())
            .setStateValue(version.state().number())
            .setStatus(tensorflow.serving.Status.StatusProto.newBuilder()
                .setErrorCodeValue(version.errorCode().number())
                .setErrorMessage(version.errorMessage())));
      }
      return response.build();
    });
  }

  @Override
  public void handleReloadConfigRequest(ModelManagement.ReloadConfigRequest request,
      StreamObserver<ModelManagement.ReloadConfigResponse> observer) {
    observer.onError(GrpcCalls.status(Status.UNIMPLEMENTED, "HandleReloadConfigRequest is not"
        + " implemented by this server: it re-reads --model-config-file itself every"
        + " --model-config-file-poll-wait-seconds"));
  }
}
