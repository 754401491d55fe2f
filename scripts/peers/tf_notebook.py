#!/usr/bin/env python3
"""The course notebooks' models in Python TensorFlow (tf.compat.v1 graph mode), for
scripts/bench-peers: the same work as the Java lessons, timed the same way, on the same machine.

  tf_notebook.py cnn  [--epochs 2] [--data DIR] [--json F] [--trace N]
  tf_notebook.py rnn|lstm|gru [--iters 1500] [--json F] [--trace N]

cnn: Unit 2's CNN (conv 32 3x3 SAME + ReLU, max-pool 2x2, dense 64 + ReLU, dropout 0.5, dense 10,
softmax cross-entropy, Adam 1e-3), batches of 50 shuffled per epoch from the IDX files (the last
55,000 training images; the first 5,000 are validation); after each epoch the accuracy of the
55,000 training and 10,000 test images in batches of 1,000 (the evaluation time).
rnn/lstm/gru: Unit 3's model (100 ReLU units over 20 steps through a while loop, as dynamic_rnn
runs it; a dense layer 100 -> 1 on every step; MSE, Adam 1e-3), 1,500 iterations of batch 50 on
t*sin(t)/3 + 2*sin(5t); then 300 values generated as the notebook does (one run of the 20-step
window per value; the first run, where TensorFlow prepares the fetch, is not timed).
--trace N: after a warm-up, N steps with FULL_TRACE: kernels and kernel time per op type (the
graph after Grappler), the same table as the Java side's StepProfile.
Threads: TensorFlow's own pools, as tf.Session() gives a notebook; oneDNN: TensorFlow's default
unless TF_ENABLE_ONEDNN_OPTS says otherwise.
"""
import collections
import json
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from peers_common import (STEPS, UNITS, arguments, batch_of, idx, machine_cpu,  # noqa: E402
                          other_cpu_since, report)

v1 = tf.compat.v1
v1.disable_v2_behavior()
v1.logging.set_verbosity(v1.logging.ERROR)


def glorot(shape):
    return v1.glorot_uniform_initializer()(shape)


def weights(name, kernel_shape, bias_init=0.0):
    with v1.variable_scope(name):
        kernel = v1.get_variable("kernel", initializer=glorot(kernel_shape))
        bias = v1.get_variable("bias", initializer=tf.fill([kernel_shape[-1]], bias_init))
    return kernel, bias


# ----------------------------------------------------------------------------------- CNN
def cnn_graph():
    X = v1.placeholder(tf.float32, [None, 784], name="X")
    y = v1.placeholder(tf.float32, [None, 10], name="y")
    keep = v1.placeholder_with_default(1.0, [], name="keep_prob")
    k1, b1 = weights("conv1", [3, 3, 1, 32])
    conv = tf.nn.relu(tf.nn.bias_add(
        tf.nn.conv2d(tf.reshape(X, [-1, 28, 28, 1]), k1, [1, 1, 1, 1], "SAME"), b1))
    pool = tf.nn.max_pool2d(conv, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
    k2, b2 = weights("fc1", [32 * 14 * 14, 64])
    fc1 = tf.nn.relu(tf.nn.bias_add(tf.matmul(tf.reshape(pool, [-1, 32 * 14 * 14]), k2), b2))
    k3, b3 = weights("output", [64, 10])
    logits = tf.nn.bias_add(tf.matmul(v1.nn.dropout(fc1, keep_prob=keep), k3), b3)
    loss = tf.reduce_mean(v1.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))
    train = v1.train.AdamOptimizer(0.001).minimize(loss)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), tf.argmax(y, 1)), tf.float32))
    return X, y, keep, loss, train, accuracy


def run_cnn(args):
    d = args.data
    images = idx(os.path.join(d, "train-images-idx3-ubyte.gz")).reshape(-1, 784) / np.float32(255)
    labels = np.eye(10, dtype=np.float32)[idx(os.path.join(d, "train-labels-idx1-ubyte.gz"))]
    x_test = idx(os.path.join(d, "t10k-images-idx3-ubyte.gz")).reshape(-1, 784) / np.float32(255)
    y_test = np.eye(10, dtype=np.float32)[idx(os.path.join(d, "t10k-labels-idx1-ubyte.gz"))]
    x_train, y_train = images[5000:].astype(np.float32), labels[5000:]
    x_test = x_test.astype(np.float32)
    v1.set_random_seed(args.seed)
    X, y, keep, loss, train, accuracy = cnn_graph()
    order = np.random.RandomState(args.seed)
    batch, steps = 50, x_train.shape[0] // 50

    def evaluate(sess, xs, ys):
        right = 0.0
        for i in range(0, len(xs), 1000):
            right += float(sess.run(accuracy, {X: xs[i:i + 1000], y: ys[i:i + 1000]})) * len(xs[i:i + 1000])
        return right / len(xs)

    epochs = []
    with v1.Session() as sess:
        sess.run(v1.global_variables_initializer())
        if args.trace:
            return trace(sess, train, {X: x_train[:50], y: y_train[:50], keep: 0.5}, args.trace)
        for epoch in range(args.epochs):
            mark = machine_cpu()
            start = time.perf_counter()
            perm = order.permutation(len(x_train))
            for s in range(steps):
                rows = perm[s * batch:(s + 1) * batch]
                sess.run([train, loss], {X: x_train[rows], y: y_train[rows], keep: 0.5})
            train_s = time.perf_counter() - start
            start = time.perf_counter()
            train_acc = evaluate(sess, x_train, y_train)
            test_acc = evaluate(sess, x_test, y_test)
            eval_s = time.perf_counter() - start
            epochs.append(dict(epoch=epoch, train_s=train_s, eval_s=eval_s, train_acc=train_acc,
                               test_acc=test_acc, foreign_cpu_s=other_cpu_since(mark)))
            print(json.dumps(epochs[-1]), flush=True)
    return dict(epochs=epochs)


# ------------------------------------------------------------------------------ sequences
def cell_step(kind, w, x, state):
    """One step of TF1's BasicRNNCell / BasicLSTMCell / GRUCell (ReLU), kernel over [x, h]."""
    if kind == "rnn":
        h = tf.nn.relu(tf.nn.bias_add(tf.matmul(tf.concat([x, state[0]], 1), w[0]), w[1]))
        return h, [h]
    if kind == "lstm":
        c, h = state
        i, j, f, o = tf.split(tf.nn.bias_add(tf.matmul(tf.concat([x, h], 1), w[0]), w[1]), 4, 1)
        c = c * tf.sigmoid(f + 1.0) + tf.sigmoid(i) * tf.nn.relu(j)
        h = tf.nn.relu(c) * tf.sigmoid(o)
        return h, [c, h]
    (h,) = state
    r, u = tf.split(tf.sigmoid(tf.nn.bias_add(tf.matmul(tf.concat([x, h], 1), w[0]), w[1])), 2, 1)
    cand = tf.nn.relu(tf.nn.bias_add(tf.matmul(tf.concat([x, r * h], 1), w[2]), w[3]))
    h = u * h + (1 - u) * cand
    return h, [h]


def sequence_graph(kind):
    X = v1.placeholder(tf.float32, [None, STEPS, 1], name="X")
    y = v1.placeholder(tf.float32, [None, STEPS, 1], name="y")
    if kind == "gru":
        w = list(weights("gates", [1 + UNITS, 2 * UNITS], 1.0)) + list(
            weights("candidate", [1 + UNITS, UNITS]))
    else:
        w = list(weights("cell", [1 + UNITS, (4 if kind == "lstm" else 1) * UNITS]))
    zero = tf.zeros(tf.stack([tf.shape(X)[0], UNITS]))
    state0 = [zero, zero] if kind == "lstm" else [zero]
    xs = tf.transpose(X, [1, 0, 2])  # time-major, as dynamic_rnn's loop reads it
    outs = tf.TensorArray(tf.float32, size=STEPS)

    def body(t, outs, *state):
        h, state = cell_step(kind, w, xs[t], list(state))
        return (t + 1, outs.write(t, h)) + tuple(state)

    loop = tf.while_loop(lambda t, *_: t < STEPS, body, (tf.constant(0), outs) + tuple(state0))
    hs = tf.transpose(loop[1].stack(), [1, 0, 2])
    k, b = weights("dense", [UNITS, 1])
    outputs = tf.reshape(tf.matmul(tf.reshape(hs, [-1, UNITS]), k) + b, [-1, STEPS, 1])
    loss = tf.reduce_mean(tf.square(outputs - y))
    train = v1.train.AdamOptimizer(0.001).minimize(loss)
    return X, y, outputs, loss, train


def run_sequence(args):
    v1.set_random_seed(args.seed)
    rng = np.random.RandomState(args.seed)
    X, y, outputs, loss, train = sequence_graph(args.lesson)
    mses = {}
    with v1.Session() as sess:
        sess.run(v1.global_variables_initializer())
        if args.trace:
            xb, yb = batch_of(rng, 50)
            return trace(sess, train, {X: xb, y: yb}, args.trace)
        mark = machine_cpu()
        start = time.perf_counter()
        for it in range(args.iters):
            xb, yb = batch_of(rng, 50)
            sess.run(train, {X: xb, y: yb})
            if it % 100 == 0:
                mses[it] = float(sess.run(loss, {X: xb, y: yb}))
        train_s = time.perf_counter() - start
        window = [0.0] * STEPS
        for i in range(301):  # run 0 (TensorFlow's set-up for this fetch) is not timed
            if i == 1:
                start = time.perf_counter()
            pred = sess.run(outputs, {X: np.array(window[-STEPS:], np.float32).reshape(1, STEPS, 1)})
            window.append(float(pred[0, -1, 0]))
        gen_ms = (time.perf_counter() - start) / 300 * 1000
    last = max(mses)
    return dict(train_s=train_s, gen_ms_per_value=gen_ms, mse_iteration=last, mse=mses[last],
                foreign_cpu_s=other_cpu_since(mark))


# --------------------------------------------------------------------------------- trace
def trace(sess, train, feed, steps):
    for _ in range(20):
        sess.run(train, feed)
    start = time.perf_counter()
    for _ in range(200):
        sess.run(train, feed)
    ms = (time.perf_counter() - start) / 200 * 1000
    options = v1.RunOptions(trace_level=v1.RunOptions.FULL_TRACE, output_partition_graphs=True)
    per_type = collections.defaultdict(lambda: [0.0, 0])
    ops = collections.Counter()
    for s in range(steps):
        meta = v1.RunMetadata()
        sess.run(train, feed, options=options, run_metadata=meta)
        kind = {n.name: n.op for g in meta.partition_graphs for n in g.node}
        if s == 0:
            ops.update(kind.values())
        for dev in meta.step_stats.dev_stats:
            for n in dev.node_stats:
                acc = per_type[kind.get(n.node_name.split(":")[0], "?" + n.node_name)]
                acc[0] += n.op_end_rel_micros - n.op_start_rel_micros
                acc[1] += 1
    total = sum(a[0] for a in per_type.values())
    print(f"untraced {ms:.3f} ms/step; {sum(ops.values())} nodes after Grappler;"
          f" {sum(a[1] for a in per_type.values()) / steps:.0f} kernels/step,"
          f" kernel time {total / 1000 / steps:.3f} ms/step")
    for name, (us, n) in sorted(per_type.items(), key=lambda e: -e[1][0]):
        print(f"{name:32s} {n / steps:12.1f} {us / steps:9.1f} {100 * us / total:5.1f}%")
    print("ops after Grappler:", dict(sorted(ops.items())))
    return dict(ms_per_step=ms)


def main():
    p = arguments(__doc__)
    p.add_argument("--trace", type=int, default=0)
    args = p.parse_args()
    result = run_cnn(args) if args.lesson == "cnn" else run_sequence(args)
    result.update(lesson=args.lesson, tensorflow=tf.__version__,
                  onednn=os.environ.get("TF_ENABLE_ONEDNN_OPTS", "default"))
    report(args, result)


if __name__ == "__main__":
    main()
