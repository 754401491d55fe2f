#!/usr/bin/env python3
"""The course notebooks' models in PyTorch (eager, autograd), for scripts/bench-peers: the same
work as the Java lessons and as tf_notebook.py, timed the same way, with the same JSON keys.

  torch_notebook.py cnn  [--epochs 2] [--data DIR] [--json F]
  torch_notebook.py rnn|lstm|gru [--iters 1500] [--json F]

cnn: conv 32 3x3 SAME + ReLU, max-pool 2x2, dense 64 + ReLU, dropout 0.5, dense 10, softmax
cross-entropy, Adam 1e-3 (epsilon 1e-8 as TensorFlow's), batches of 50 shuffled per epoch from the
last 55,000 training images; after each epoch the accuracy of the 55,000 training and 10,000 test
images (the evaluation time) in batches of 50, as the course's reference peer evaluates: in
batches of 1,000 PyTorch 2.13's CPU evaluation took 45 s instead of about 4.
rnn/lstm/gru: 100 ReLU units over 20 steps (TF1's BasicRNNCell / BasicLSTMCell / GRUCell
equations, kernel over [x, h]), a dense layer 100 -> 1 on every step, MSE, Adam 1e-3, 1,500
iterations of batch 50 on t*sin(t)/3 + 2*sin(5t); then 300 values generated as the notebook does
(the whole 20-step window per value; the first value is not timed).
Threads: PyTorch's default (one per core), as a notebook gets it.
"""
import json
import os
import sys
import time

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peers_common import (STEPS, UNITS, arguments, batch_of, idx, machine_cpu,  # noqa: E402
                          other_cpu_since, report)


def glorot(fan_in, fan_out):
    limit = (6.0 / (fan_in + fan_out)) ** 0.5
    return nn.Parameter(torch.empty(fan_in, fan_out).uniform_(-limit, limit))


def bias(width, value=0.0):
    return nn.Parameter(torch.full((width,), value))


# ----------------------------------------------------------------------------------- CNN
EVAL_BATCH = 50


class Cnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, padding=1)
        self.fc1 = nn.Linear(32 * 14 * 14, 64)
        self.output = nn.Linear(64, 10)
        self.dropout = nn.Dropout(0.5)

    def forward(self, x):
        x = torch.relu(self.conv1(x.view(-1, 1, 28, 28)))
        x = nn.functional.max_pool2d(x, 2).flatten(1)
        return self.output(self.dropout(torch.relu(self.fc1(x))))


def run_cnn(args):
    d = args.data
    images = idx(os.path.join(d, "train-images-idx3-ubyte.gz")).reshape(-1, 784) / np.float32(255)
    labels = idx(os.path.join(d, "train-labels-idx1-ubyte.gz")).astype(np.int64)
    x_test = idx(os.path.join(d, "t10k-images-idx3-ubyte.gz")).reshape(-1, 784) / np.float32(255)
    y_test = idx(os.path.join(d, "t10k-labels-idx1-ubyte.gz")).astype(np.int64)
    x_train = torch.from_numpy(images[5000:].astype(np.float32))
    y_train = torch.from_numpy(labels[5000:])
    x_test, y_test = torch.from_numpy(x_test.astype(np.float32)), torch.from_numpy(y_test)
    torch.manual_seed(args.seed)
    model = Cnn()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001, eps=1e-8)
    loss_fn = nn.CrossEntropyLoss()
    order = np.random.RandomState(args.seed)
    batch, steps = 50, x_train.shape[0] // 50

    def evaluate(xs, ys):
        model.eval()
        right = 0
        with torch.no_grad():
            for i in range(0, len(xs), EVAL_BATCH):
                right += int((model(xs[i:i + EVAL_BATCH]).argmax(1) == ys[i:i + EVAL_BATCH]).sum())
        model.train()
        return right / len(xs)

    epochs = []
    for epoch in range(args.epochs):
        mark = machine_cpu()
        start = time.perf_counter()
        perm = torch.from_numpy(order.permutation(len(x_train)))
        for s in range(steps):
            rows = perm[s * batch:(s + 1) * batch]
            optimizer.zero_grad()
            loss = loss_fn(model(x_train[rows]), y_train[rows])
            loss.backward()
            optimizer.step()
        train_s = time.perf_counter() - start
        start = time.perf_counter()
        train_acc = evaluate(x_train, y_train)
        test_acc = evaluate(x_test, y_test)
        eval_s = time.perf_counter() - start
        epochs.append(dict(epoch=epoch, train_s=train_s, eval_s=eval_s, train_acc=train_acc,
                           test_acc=test_acc, foreign_cpu_s=other_cpu_since(mark)))
        print(json.dumps(epochs[-1]), flush=True)
    return dict(epochs=epochs)


# ------------------------------------------------------------------------------ sequences
class Sequence(nn.Module):
    """TF1's cells with ReLU, unrolled over the steps, and a dense layer on every step."""

    def __init__(self, kind):
        super().__init__()
        self.kind = kind
        if kind == "gru":
            self.w = nn.ParameterList([glorot(1 + UNITS, 2 * UNITS), bias(2 * UNITS, 1.0),
                                       glorot(1 + UNITS, UNITS), bias(UNITS)])
        else:
            width = (4 if kind == "lstm" else 1) * UNITS
            self.w = nn.ParameterList([glorot(1 + UNITS, width), bias(width)])
        self.dense = nn.ParameterList([glorot(UNITS, 1), bias(1)])

    def step(self, x, state):
        w = self.w
        if self.kind == "rnn":
            h = torch.relu(torch.cat([x, state[0]], 1) @ w[0] + w[1])
            return h, [h]
        if self.kind == "lstm":
            c, h = state
            i, j, f, o = (torch.cat([x, h], 1) @ w[0] + w[1]).chunk(4, 1)
            c = c * torch.sigmoid(f + 1.0) + torch.sigmoid(i) * torch.relu(j)
            h = torch.relu(c) * torch.sigmoid(o)
            return h, [c, h]
        (h,) = state
        r, u = torch.sigmoid(torch.cat([x, h], 1) @ w[0] + w[1]).chunk(2, 1)
        cand = torch.relu(torch.cat([x, r * h], 1) @ w[2] + w[3])
        h = u * h + (1 - u) * cand
        return h, [h]

    def forward(self, xs):
        zero = xs.new_zeros(xs.shape[0], UNITS)
        state = [zero, zero] if self.kind == "lstm" else [zero]
        hs = []
        for t in range(xs.shape[1]):
            h, state = self.step(xs[:, t], state)
            hs.append(h)
        return torch.stack(hs, 1) @ self.dense[0] + self.dense[1]


def run_sequence(args):
    torch.manual_seed(args.seed)
    rng = np.random.RandomState(args.seed)
    model = Sequence(args.lesson)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001, eps=1e-8)
    mses = {}
    mark = machine_cpu()
    start = time.perf_counter()
    for it in range(args.iters):
        xb, yb = (torch.from_numpy(a) for a in batch_of(rng, 50))
        optimizer.zero_grad()
        loss = ((model(xb) - yb) ** 2).mean()
        loss.backward()
        optimizer.step()
        if it % 100 == 0:
            with torch.no_grad():
                mses[it] = float(((model(xb) - yb) ** 2).mean())
    train_s = time.perf_counter() - start
    window = [0.0] * STEPS
    with torch.no_grad():
        for i in range(301):  # value 0 is not timed, as on the other sides
            if i == 1:
                start = time.perf_counter()
            x = torch.tensor(window[-STEPS:], dtype=torch.float32).reshape(1, STEPS, 1)
            window.append(float(model(x)[0, -1, 0]))
    gen_ms = (time.perf_counter() - start) / 300 * 1000
    last = max(mses)
    return dict(train_s=train_s, gen_ms_per_value=gen_ms, mse_iteration=last, mse=mses[last],
                foreign_cpu_s=other_cpu_since(mark))


def main():
    args = arguments(__doc__).parse_args()
    result = run_cnn(args) if args.lesson == "cnn" else run_sequence(args)
    result.update(lesson=args.lesson, torch=torch.__version__, threads=torch.get_num_threads())
    report(args, result)


if __name__ == "__main__":
    main()
