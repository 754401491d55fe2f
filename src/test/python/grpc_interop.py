"""TF Serving's gRPC API of `lessons serve`, called from Python's grpcio with stubs generated from
the project's copy of TF Serving's .proto files (run by interop_test.py when grpcio is installed).

Checks: Predict with tf.make_tensor_proto (tensor_content) and with typed float_val equals
`lessons predict` for the exported models; output_filter; GetModelMetadata's SignatureDefMap;
GetModelStatus; NOT_FOUND / FAILED_PRECONDITION / INVALID_ARGUMENT; `serve --write-model-config`
parses with Python protobuf's text_format into TF Serving's ModelServerConfig, and, with
version_labels added, `serve --model-config-file` routes a version_label.
"""
import glob
import os
import re
import subprocess
import sys
import time

import numpy as np
import tensorflow as tf


def generate_stubs(root, out):
    """TF Serving's Python modules from src/main/protobuf; TensorFlow's own come from the wheel.

    TF Java names the error-code file tsl/protobuf/error_codes.proto, TF 2.21's Python
    xla/tsl/...; a shim of tensorflow/core/protobuf/error_codes.proto declaring the same enum
    without the public import lets the generated status_pb2 import the wheel's module either way.
    protoc runs in its own process (grpc_tools' protobuf and TensorFlow's in one process crash).
    """
    import grpc_tools
    shim = os.path.join(out, "shim", "tensorflow", "core", "protobuf")
    os.makedirs(shim, exist_ok=True)
    with open(os.path.join(root, "src/main/protobuf-imports/tsl/protobuf/error_codes.proto")) as f:
        text = f.read()
    with open(os.path.join(shim, "error_codes.proto"), "w") as f:
        f.write(text)
    sources = sorted(glob.glob(os.path.join(root, "src/main/protobuf/tensorflow_serving/**/*.proto"),
                               recursive=True))
    subprocess.run([sys.executable, "-m", "grpc_tools.protoc",
                    "-I" + os.path.join(out, "shim"),
                    "-I" + os.path.join(root, "src/main/protobuf"),
                    "-I" + os.path.join(root, "src/main/protobuf-imports"),
                    "-I" + os.path.join(os.path.dirname(grpc_tools.__file__), "_proto"),
                    "--python_out=" + out, "--grpc_python_out=" + out] + sources, check=True)
    sys.path.insert(0, out)


def warmup_checks(models, check):
    """Each exported version's warm-up file, read as TF Serving reads it: TensorFlow's own
    TFRecord reader, then TF Serving's PredictionLog; a one-instance and an 8-instance request."""
    import tensorflow as tf
    from tensorflow_serving.apis import prediction_log_pb2
    for model in sorted(os.listdir(models)):
        if not os.path.isdir(os.path.join(models, model)):
            continue  # the request bodies written beside the models
        versions = [v for v in os.listdir(os.path.join(models, model)) if v.isdigit()]
        if not versions:
            continue
        version = os.path.join(models, model, max(versions, key=int))
        path = os.path.join(version, "assets.extra", "tf_serving_warmup_requests")
        if not os.path.isfile(path):
            check(model + ": the SavedModel carries tf_serving_warmup_requests", False, path)
            continue
        # The notebooks' graph mode is on in this process: TF's TFRecord reader without eager.
        logs = [prediction_log_pb2.PredictionLog.FromString(r)
                for r in tf.compat.v1.io.tf_record_iterator(path)]
        batches = [tf.make_ndarray(log.predict_log.request.inputs["X"]).shape[0]
                   if log.HasField("predict_log") else None for log in logs]
        check(model + ": warm-up file is TFRecords of PredictionLog predict_logs (batches %s)"
              % batches, batches == [1, 8], path)


class Server:
    """`lessons serve` on free ports; the ports are read from its log line."""

    def __init__(self, lessons, work, args):
        self.log = open(os.path.join(work, "grpc-serve.log"), "w+")
        self.process = subprocess.Popen([lessons, "serve", "--port", "0", "--grpc-port", "0"] + args,
                                        stdout=subprocess.DEVNULL, stderr=self.log)
        deadline = time.time() + 180
        while time.time() < deadline:
            self.log.seek(0)
            m = re.search(r"listening on http://[^:]+:(\d+)/.* and gRPC [^:]+:(\d+) ", self.log.read())
            if m:
                self.rest, self.grpc = int(m.group(1)), int(m.group(2))
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.5)
        self.log.seek(0)
        raise RuntimeError("lessons serve did not start: " + self.log.read()[-2000:])

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


def code_of(call):
    import grpc
    try:
        call()
    except grpc.RpcError as e:
        return e.code(), e.details()
    return None, ""


def grpc_checks(lessons, work, check, close, predict, probes):
    """`probes`: {model: (input array, output alias)} for the models under work/java/models."""
    try:
        import grpc  # noqa: F401
        import grpc_tools  # noqa: F401
    except ImportError:
        print("skipped gRPC checks: grpcio / grpcio-tools not installed", flush=True)
        return
    import grpc
    from google.protobuf import text_format
    root = os.path.abspath(os.path.join(os.path.dirname(lessons), ".."))
    generate_stubs(root, os.path.join(work, "grpc-stubs"))
    from tensorflow_serving.apis import (get_model_metadata_pb2, get_model_status_pb2,
                                         model_service_pb2_grpc, predict_pb2,
                                         prediction_service_pb2_grpc)
    from tensorflow_serving.config import model_server_config_pb2

    models = os.path.join(work, "java", "models")
    warmup_checks(models, check)
    config_file = os.path.join(work, "models.config")
    run = subprocess.run([lessons, "serve", "--models", models, "--write-model-config", config_file],
                         capture_output=True, text=True)
    check("serve --write-model-config exits 0", run.returncode == 0, run.stderr[-300:])
    with open(config_file) as f:
        config = text_format.Parse(f.read(), model_server_config_pb2.ModelServerConfig())
    names = sorted(c.name for c in config.model_config_list.config)
    check("the written config parses with protobuf's text_format into TF Serving's"
          " ModelServerConfig, one entry per model", names == sorted(probes), str(names))
    check("... with absolute base paths and platform tensorflow",
          all(os.path.isabs(c.base_path) and c.model_platform == "tensorflow"
              for c in config.model_config_list.config))
    versions = {c.name: max(int(v) for v in os.listdir(c.base_path) if v.isdigit())
                for c in config.model_config_list.config}
    for c in config.model_config_list.config:
        c.version_labels["stable"] = versions[c.name]
    with open(config_file, "w") as f:
        f.write(text_format.MessageToString(config))

    server = Server(lessons, work, ["--model-config-file", config_file])
    try:
        channel = grpc.insecure_channel("127.0.0.1:%d" % server.grpc, options=[
            ("grpc.max_send_message_length", -1), ("grpc.max_receive_message_length", -1)])
        stub = prediction_service_pb2_grpc.PredictionServiceStub(channel)
        for model, (inputs, alias) in sorted(probes.items()):
            expected = predict(lessons, os.path.join(models, model), inputs)
            expected = np.array([p[alias] if isinstance(p, dict) else p for p in expected])
            for form in ["tensor_content", "float_val"]:
                request = predict_pb2.PredictRequest()
                request.model_spec.name = model
                if form == "tensor_content":
                    request.inputs["X"].CopyFrom(tf.make_tensor_proto(inputs))
                else:
                    t = request.inputs["X"]
                    t.dtype = tf.float32.as_datatype_enum
                    for d in inputs.shape:
                        t.tensor_shape.dim.add().size = d
                    t.float_val.extend(inputs.ravel().tolist())
                response = stub.Predict(request, timeout=60)
                close("grpcio Predict %s (%s) equals lessons predict" % (model, form), expected,
                      tf.make_ndarray(response.outputs[alias]), 1e-5)
                check("... and names the version that answered (%s)" % model,
                      response.model_spec.version.value == versions[model])
            labelled = predict_pb2.PredictRequest()
            labelled.CopyFrom(request)
            labelled.model_spec.version_label = "stable"
            check("grpcio Predict with version_label stable is answered by that version (%s)"
                  % model, stub.Predict(labelled, timeout=60).model_spec.version.value
                  == versions[model])

        cnn_inputs = probes["mnist_cnn"][0]
        request = predict_pb2.PredictRequest()
        request.model_spec.name = "mnist_cnn"
        request.inputs["X"].CopyFrom(tf.make_tensor_proto(cnn_inputs))
        request.output_filter.append("Y_prob")
        check("output_filter returns only the outputs asked for",
              list(stub.Predict(request, timeout=60).outputs.keys()) == ["Y_prob"])

        meta_request = get_model_metadata_pb2.GetModelMetadataRequest()
        meta_request.model_spec.name = "mnist_cnn"
        meta_request.metadata_field.append("signature_def")
        meta = stub.GetModelMetadata(meta_request, timeout=60)
        signatures = get_model_metadata_pb2.SignatureDefMap()
        meta.metadata["signature_def"].Unpack(signatures)
        x = signatures.signature_def["serving_default"].inputs["X"]
        check("GetModelMetadata: SignatureDefMap in an Any, X float [-1, 784]",
              x.dtype == tf.float32.as_datatype_enum
              and [d.size for d in x.tensor_shape.dim] == [-1, 784], str(x))

        status_stub = model_service_pb2_grpc.ModelServiceStub(channel)
        status_request = get_model_status_pb2.GetModelStatusRequest()
        status_request.model_spec.name = "lstm"
        status = status_stub.GetModelStatus(status_request, timeout=60).model_version_status
        check("GetModelStatus: the served version AVAILABLE", len(status) == 1
              and status[0].state == get_model_status_pb2.ModelVersionStatus.AVAILABLE
              and status[0].version == versions["lstm"], str(status))

        def predict_with(mutate):
            r = predict_pb2.PredictRequest()
            r.CopyFrom(request)
            del r.output_filter[:]
            mutate(r)
            return lambda: stub.Predict(r, timeout=60)

        code, details = code_of(predict_with(lambda r: setattr(r.model_spec, "name", "nope")))
        check("unknown model: NOT_FOUND", code == grpc.StatusCode.NOT_FOUND, "%s %s" % (code, details))
        code, details = code_of(predict_with(
            lambda r: setattr(r.model_spec, "signature_name", "nope")))
        check("unknown signature: FAILED_PRECONDITION",
              code == grpc.StatusCode.FAILED_PRECONDITION, "%s %s" % (code, details))

        def rename(r):
            r.inputs["Y"].CopyFrom(r.inputs["X"])
            del r.inputs["X"]
        code, details = code_of(predict_with(rename))
        check("wrong input name: INVALID_ARGUMENT", code == grpc.StatusCode.INVALID_ARGUMENT
              and "input size does not match signature" in details, "%s %s" % (code, details))
        code, details = code_of(predict_with(
            lambda r: setattr(r.model_spec, "version_label", "canary")))
        check("unknown version label: INVALID_ARGUMENT",
              code == grpc.StatusCode.INVALID_ARGUMENT, "%s %s" % (code, details))
        channel.close()
    finally:
        server.stop()
