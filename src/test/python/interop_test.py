"""Interoperability checks between this port and Python TensorFlow (run by scripts/interop-tests).

Java -> Python: every Java lesson's checkpoint restores into the notebook's graph through the
notebook's own tf.train.Saver() and reproduces the Java outputs; tf.train.latest_checkpoint finds
it; the SavedModels load with the v1 and v2 loaders, answer as `lessons predict` does and list their
variables; TensorBoard's EventAccumulator reads the event files.
Python -> Java: the notebook's graph trained a little in Python, saved with its Saver and exported
as a SavedModel; each Java lesson --restore's the checkpoint and reproduces the Python outputs, and
`lessons predict` answers for the Python SavedModel; a checkpoint of the wrong lesson is refused
with exit 2 and one line, writing nothing.
gRPC (grpc_interop.py, when grpcio is installed): Python's grpcio against `lessons serve`'s TF
Serving gRPC API, with stubs generated from the project's copy of TF Serving's .proto files.
Serving: `lessons serve`'s metrics page parses with Prometheus' Python client (metrics_page.py).

usage: interop_test.py --lessons scripts/lessons --work DIR
"""
import argparse
import json
import os
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator  # noqa: E402

import grpc_interop  # noqa: E402
import notebook_graphs as nb  # noqa: E402
from metrics_page import metrics_page  # noqa: E402

tf1 = tf.compat.v1
tf1.disable_v2_behavior()
tf1.logging.set_verbosity(tf1.logging.ERROR)

SEQUENCE_LESSONS = ["rnn", "lstm", "gru"]
FAILURES = []


def check(name, ok, detail=""):
    print(("ok    " if ok else "FAIL  ") + name + ("" if ok else ": " + detail), flush=True)
    if not ok:
        FAILURES.append(name)


def close(name, expected, actual, tol):
    expected = np.asarray(expected, np.float64).ravel()
    actual = np.asarray(actual, np.float64).ravel()
    if expected.shape != actual.shape:
        check(name, False, "shapes %s vs %s" % (expected.shape, actual.shape))
        return
    diff = float(np.max(np.abs(expected - actual))) if expected.size else 0.0
    check(name + " (max diff %.2g <= %g)" % (diff, tol), diff <= tol, "max diff %g" % diff)


def java(args, lessons, expect=0):
    """Runs `lessons ARGS`; returns (exit code, stdout, stderr)."""
    run = subprocess.run([lessons] + args, capture_output=True, text=True)
    if run.returncode != expect:
        print(run.stdout[-3000:], run.stderr[-3000:], sep="\n", file=sys.stderr)
    return run.returncode, run.stdout, run.stderr


def java_lesson(lesson, lessons, work, extra):
    """A quick Java run of one lesson into work/java; returns its metrics.json."""
    out = os.path.join(work, "java", "out", lesson)
    args = [lesson, "--quick", "--models", os.path.join(work, "java", "models"),
            "--checkpoints", os.path.join(work, "java", "checkpoints"), "--out", out,
            "--logdir", os.path.join(work, "java", "logs", lesson)] + extra
    code, _, _ = java(args, lessons)
    check("java %s exits 0" % lesson, code == 0, "exit %d" % code)
    return metrics_of(out)


def metrics_of(out):
    """A lesson's metrics.json; a sequence lesson's one model entry."""
    with open(os.path.join(out, "metrics.json")) as f:
        metrics = json.load(f)
    return metrics["models"][0] if "models" in metrics else metrics


def predict(lessons, model_dir, inputs):
    """`lessons predict` on a row-format request: the predictions as Java computes them."""
    request = os.path.join(model_dir, "..", os.path.basename(model_dir) + "-request.json")
    with open(request, "w") as f:
        json.dump({"instances": inputs.tolist()}, f)
    code, out, err = java(["predict", "--model", model_dir, "--input", request], lessons)
    check("lessons predict %s exits 0" % model_dir, code == 0, err.strip()[-300:])
    return json.loads(out)["predictions"]


def rows(predictions, key):
    """TF Serving's row format: one object per row when a model has several outputs."""
    return np.array([p[key] if isinstance(p, dict) else p for p in predictions])


def cnn_probe():
    return np.random.RandomState(0).rand(5, 784).astype(np.float32)


def saved_model_checks(name, version_dir, inputs, input_key, output_key, expected):
    """v1 and v2 loaders: same outputs as `expected` (lessons predict), variables listed."""
    with tf.Graph().as_default() as g, tf1.Session(graph=g) as sess:
        meta = tf1.saved_model.loader.load(sess, ["serve"], version_dir)
        sig = meta.signature_def["serving_default"]
        got = sess.run(sig.outputs[output_key].name, {sig.inputs[input_key].name: inputs})
        close(name + ": v1 loader equals lessons predict", expected, got, 1e-6)
        names = [v.op.name for v in tf1.global_variables()]
        trainable = [v.op.name for v in tf1.trainable_variables()]
        check(name + ": global_variables() lists the variables (%d, %d trainable)"
              % (len(names), len(trainable)),
              len(trainable) > 0 and any(n.endswith("beta1_power") for n in names)
              and set(trainable) < set(names),
              str(names))
    # The v2 loader runs in a separate process (eager mode cannot come back in this one).
    code = ("import sys, numpy as np, tensorflow as tf\n"
            "m = tf.saved_model.load(sys.argv[1])\n"
            "x = np.load(sys.argv[2])\n"
            "out = m.signatures['serving_default'](**{sys.argv[3]: tf.constant(x)})[sys.argv[4]]\n"
            "np.save(sys.argv[2] + '.out.npy', out.numpy())\n")
    probe = os.path.join(os.path.dirname(version_dir), "probe-%s.npy" % name)
    np.save(probe, inputs)
    run = subprocess.run([sys.executable, "-c", code, version_dir, probe, input_key, output_key],
                         capture_output=True, text=True)
    check(name + ": v2 loader runs serving_default", run.returncode == 0, run.stderr[-500:])
    if run.returncode == 0:
        close(name + ": v2 loader equals lessons predict", expected,
              np.load(probe + ".out.npy"), 1e-6)


def java_to_python(lessons, work):
    models = os.path.join(work, "java", "models")
    checkpoints = os.path.join(work, "java", "checkpoints")
    for lesson in ["mnist-cnn"] + SEQUENCE_LESSONS:
        model = nb.MODEL_OF_LESSON[lesson]
        extra = ["--offline", "--cache", os.path.join(work, "cache")] if lesson == "mnist-cnn" \
            else ["--iterations", "60", "--generate", "40"]
        metrics = java_lesson(lesson, lessons, work, extra)
        folder = os.path.join(checkpoints, model)
        latest = tf1.train.latest_checkpoint(folder)
        check("%s: tf.train.latest_checkpoint finds the Java checkpoint" % lesson,
              latest is not None and os.path.abspath(latest) == os.path.abspath(
                  metrics["checkpoint"]), "%s vs %s" % (latest, metrics["checkpoint"]))
        check("%s: the prefix is the notebook's" % lesson,
              os.path.basename(metrics["checkpoint"]).startswith(nb.CHECKPOINT_PREFIX[model] + "-"))
        version = metrics["saved_model"]
        if lesson == "mnist-cnn":
            probe = cnn_probe()
            java_probs = rows(predict(lessons, os.path.dirname(version), probe), "Y_prob")
            with tf.Graph().as_default(), tf1.Session() as sess:
                g = nb.cnn_graph()
                g["saver"].restore(sess, latest)  # the notebook's own Saver, Adam state included
                close(lesson + ": notebook graph + Saver.restore reproduces Java's Y_prob",
                      java_probs, sess.run(g["Y_prob"], {g["X"]: probe}), 1e-5)
            saved_model_checks(lesson, version, probe, "X", "Y_prob", java_probs)
        else:
            with tf.Graph().as_default(), tf1.Session() as sess:
                g = nb.sequence_graph(model)
                g["saver"].restore(sess, latest)
                y_pred = sess.run(g["outputs"], {g["X"]: nb.test_instance()})
                close(lesson + ": notebook graph + Saver.restore reproduces Java's y_pred",
                      metrics["y_pred"], y_pred, 1e-5)
                generated = nb.generate(sess, g, 40)
                close(lesson + ": and the notebook's generation loop Java's sequence",
                      metrics["generated"][:60], generated[:60], 1e-4)
            java_outputs = rows(predict(lessons, os.path.dirname(version), nb.test_instance()),
                                "outputs")
            close(lesson + ": lessons predict equals the training run's y_pred", metrics["y_pred"],
                  java_outputs, 1e-5)
            saved_model_checks(lesson, version, nb.test_instance(), "X", "outputs", java_outputs)
        events(lesson, os.path.join(work, "java", "logs", lesson))


def events(lesson, logdir):
    files = [os.path.join(d, f) for d, _, fs in os.walk(logdir) for f in fs
             if f.startswith("events.out.tfevents.")]
    check(lesson + ": one event file per run", len(files) == 1, str(files))
    for path in files:
        acc = EventAccumulator(path, size_guidance={"histograms": 0, "scalars": 0})
        acc.Reload()
        tags = acc.Tags()
        check(lesson + ": EventAccumulator reads scalars %s, histograms, the graph"
              % sorted(tags["scalars"])[:3],
              len(tags["scalars"]) > 0 and len(tags["histograms"]) > 0 and tags["graph"],
              str(tags))


def python_to_java(lessons, work):
    py = os.path.join(work, "python")
    for lesson in ["mnist-cnn"] + SEQUENCE_LESSONS:
        model = nb.MODEL_OF_LESSON[lesson]
        folder = os.path.join(py, "checkpoints", model)
        export = os.path.join(py, "models", model, "1")
        os.makedirs(folder, exist_ok=True)
        with tf.Graph().as_default(), tf1.Session() as sess:
            tf1.set_random_seed(7)
            if lesson == "mnist-cnn":
                g = nb.cnn_graph()
                sess.run(g["init"])
                rng = np.random.RandomState(1)
                for _ in range(5):  # a few steps, so that Adam's slots hold real values
                    x = rng.rand(50, 784).astype(np.float32)
                    y = np.eye(10, dtype=np.float32)[rng.randint(0, 10, 50)]
                    sess.run(g["train"], {g["X"]: x, g["y"]: y, g["keep_prob"]: 0.5})
                inputs, output, key = cnn_probe(), g["Y_prob"], "Y_prob"
            else:
                g = nb.sequence_graph(model)
                sess.run(g["init"])
                rng = np.random.RandomState(1)
                for _ in range(20):
                    x, y = nb.next_batch(rng, 50)
                    sess.run(g["train"], {g["X"]: x, g["y"]: y})
                inputs, output, key = nb.test_instance(), g["outputs"], "outputs"
            expected = sess.run(output, {g["X"]: inputs})
            prefix = g["saver"].save(sess, os.path.join(folder, nb.CHECKPOINT_PREFIX[model]))
            builder = tf1.saved_model.Builder(export)
            signature = tf1.saved_model.predict_signature_def({"X": g["X"]}, {key: output})
            builder.add_meta_graph_and_variables(sess, ["serve"],
                                                 signature_def_map={"serving_default": signature})
            builder.save()
        # --restore a prefix the notebook wrote; 0 steps: restore, evaluate, export.
        steps = ["--epochs", "0", "--offline", "--cache", os.path.join(work, "cache")] \
            if lesson == "mnist-cnn" else ["--iterations", "0", "--generate", "5"]
        out = os.path.join(py, "java-out", lesson)
        args = [lesson, "--restore", prefix, "--models", os.path.join(py, "java-models"),
                "--checkpoints", os.path.join(py, "java-checkpoints"), "--out", out,
                "--no-tensorboard"] + steps
        code, _, err = java(args, lessons)
        check("%s --restore <notebook checkpoint> %s exits 0" % (lesson, " ".join(steps[:2])),
              code == 0, err.strip()[-300:])
        if code != 0:
            continue
        metrics = metrics_of(out)
        version = metrics["saved_model"]
        if lesson != "mnist-cnn":
            close(lesson + ": Java's y_pred after --restore equals Python's", expected,
                  metrics["y_pred"], 1e-5)
        got = rows(predict(lessons, os.path.dirname(version), inputs), key)
        close(lesson + ": the Java re-export of the Python weights predicts as Python",
              expected, got, 1e-5)
        served = rows(predict(lessons, os.path.dirname(export), inputs), key)
        close(lesson + ": lessons predict answers for the Python SavedModel as Python",
              expected, served, 1e-5)
        # A folder with the notebook's 'checkpoint' state file works too; continuing trains on.
        cont = ["--epochs", "1", "--quick", "--offline", "--cache", os.path.join(work, "cache")] \
            if lesson == "mnist-cnn" else ["--iterations", "3", "--generate", "3"]
        code, _, err = java([lesson, "--restore", folder, "--models", os.path.join(py, "jm2"),
                             "--checkpoints", os.path.join(py, "jc2"), "--out", out + "-cont",
                             "--no-tensorboard"] + cont, lessons)
        check("%s --restore <folder> continues training" % lesson, code == 0, err[-300:])
    wrong_lesson(lessons, work)


def wrong_lesson(lessons, work):
    py = os.path.join(work, "python")
    rnn_checkpoint = os.path.join(py, "checkpoints", "basic_rnn")
    models = os.path.join(py, "refused-models")
    checkpoints = os.path.join(py, "refused-checkpoints")
    code, out, err = java(["lstm", "--restore", rnn_checkpoint, "--iterations", "0", "--models",
                           models, "--checkpoints", checkpoints, "--out",
                           os.path.join(py, "refused-out"), "--no-tensorboard"], lessons, expect=2)
    lines = [l for l in err.splitlines() if l.strip() and "tensorflow" not in l.lower()
             and not l.startswith(("WARNING", "I0000", "W0000", "To enable"))]
    check("lstm --restore <rnn checkpoint>: exit 2, one line naming the variable", code == 2
          and len(lines) == 1 and "rnn/basic_lstm_cell/kernel" in lines[0], "%d %s" % (code, lines))
    check("... and nothing written to the models or checkpoints folders",
          not os.path.exists(models) and not os.path.exists(checkpoints))
    for damaged in ["truncated", "missing"]:
        copy = os.path.join(py, damaged)
        os.makedirs(copy, exist_ok=True)
        src = os.path.join(rnn_checkpoint, nb.CHECKPOINT_PREFIX["basic_rnn"])
        for suffix in [".index", ".data-00000-of-00001"]:
            with open(src + suffix, "rb") as f:
                data = f.read()
            if suffix.startswith(".data") and damaged == "truncated":
                data = data[:len(data) // 2]
            if not (suffix.startswith(".data") and damaged == "missing"):
                with open(os.path.join(copy, "m" + suffix), "wb") as f:
                    f.write(data)
        code, _, err = java(["rnn", "--restore", os.path.join(copy, "m"), "--iterations", "0",
                             "--models", models, "--checkpoints", checkpoints, "--out",
                             os.path.join(py, "refused-out"), "--no-tensorboard"], lessons,
                            expect=2)
        check("rnn --restore <%s data file>: exit 2" % damaged, code == 2, err[-300:])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--lessons", required=True)
    p.add_argument("--work", required=True)
    args = p.parse_args()
    start = time.time()
    java_to_python(os.path.abspath(args.lessons), os.path.abspath(args.work))
    metrics_page(os.path.abspath(args.lessons), os.path.join(os.path.abspath(args.work), "java",
                                                             "models"), cnn_probe(), check)
    python_to_java(os.path.abspath(args.lessons), os.path.abspath(args.work))
    probes = {"mnist_cnn": (cnn_probe(), "Y_prob")}
    probes.update({nb.MODEL_OF_LESSON[lesson]: (nb.test_instance().astype(np.float32), "outputs")
                   for lesson in SEQUENCE_LESSONS})
    grpc_interop.grpc_checks(os.path.abspath(args.lessons), os.path.abspath(args.work), check,
                             close, predict, probes)
    print("interop: %d failed, %.0f s" % (len(FAILURES), time.time() - start))
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
