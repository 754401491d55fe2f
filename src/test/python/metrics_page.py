"""The serving metrics page read by Prometheus' own Python client parser (run by interop_test.py).

`lessons serve` over the Java lessons' SavedModels: the page at /monitoring/prometheus/metrics
parses with prometheus_client's text parser, carries TF Serving's request count and latency
families under their exact names and labels, and its request count and latency rise with traffic.
"""
import json
import re
import subprocess
import threading
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

PAGE = "/monitoring/prometheus/metrics"


def _families(base):
    with urllib.request.urlopen(base + PAGE, timeout=30) as answer:
        content_type = answer.headers.get("Content-Type")
        text = answer.read().decode("utf-8")
    return content_type, {f.name: f for f in text_string_to_metric_families(text)}


def _value(families, family, sample, labels):
    for s in families[family].samples if family in families else []:
        if s.name == sample and s.labels == labels:
            return s.value
    return 0.0


def metrics_page(lessons, models, inputs, check):
    """Serves `models`, posts three MNIST predicts of `inputs`, checks the page with `check`."""
    serve = subprocess.Popen([lessons, "serve", "--models", models, "--port", "0"],
                             stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        port = None
        for line in serve.stderr:
            found = re.search(r"listening on http://[^:]+:(\d+)/", line)
            if found:
                port = found.group(1)
                break
        check("lessons serve starts", port is not None)
        if port is None:
            return
        threading.Thread(target=serve.stderr.read, daemon=True).start()
        base = "http://127.0.0.1:" + port
        _, before = _families(base)
        body = json.dumps({"instances": inputs.tolist()}).encode()
        for _ in range(3):
            request = urllib.request.Request(base + "/v1/models/mnist_cnn:predict", data=body,
                                             headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=60) as answer:
                answer.read()
        content_type, after = _families(base)
        check("metrics page: Prometheus text format 0.0.4",
              content_type.startswith("text/plain; version=0.0.4"), content_type)
        ok = {"model_name": "mnist_cnn", "status": "OK"}
        rest = {"model_name": "mnist_cnn", "API": "predict", "entrypoint": "REST"}
        name = ":tensorflow:serving:request_count"
        check("metrics page: %s{model_name,status} rose by 3" % name,
              _value(after, name, name, ok) - _value(before, name, name, ok) == 3,
              str(after.get(name)))
        name = ":tensorflow:serving:request_latency"
        check("metrics page: %s{model_name,API,entrypoint} is a histogram" % name,
              name in after and after[name].type == "histogram", str(after.get(name)))
        rose = _value(after, name, name + "_count", rest) - _value(before, name, name + "_count",
                                                                    rest)
        check("metrics page: %s_count rose by 3" % name, rose == 3, str(rose))
        buckets = [s for s in after.get(name).samples if s.name == name + "_bucket"
                   and s.labels.get("model_name") == "mnist_cnn"]
        check("metrics page: TF Serving's 33 latency buckets and +Inf", len(buckets) == 34,
              str(len(buckets)))
        for family in (":tensorflow:serving:runtime_latency",
                       ":tensorflow:serving:request_example_counts",
                       ":tensorflow:cc:saved_model:load_attempt_count",
                       "jvm_memory_used_bytes", "process_resident_memory_bytes"):
            check("metrics page: has " + family, family in after)
    finally:
        serve.terminate()
        serve.wait(timeout=30)
