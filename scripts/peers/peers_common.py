"""What the peers share and what needs no framework: the data, the time series, CPU accounting."""
import argparse
import gzip
import json
import os
import struct

import numpy as np


def machine_cpu():
    """(busy CPU seconds of the whole machine, CPU seconds of this process)."""
    with open("/proc/stat") as fh:
        ticks = [int(v) for v in fh.readline().split()[1:9]]
    busy = (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")
    own = os.times()
    return busy, own.user + own.system


def other_cpu_since(mark):
    busy, own = machine_cpu()
    return (busy - mark[0]) - (own - mark[1])


def idx(path):
    with gzip.open(path) as fh:
        raw = fh.read()
    ndim = raw[3]
    dims = struct.unpack(">%dI" % ndim, raw[4:4 + 4 * ndim])
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * ndim).reshape(dims)


STEPS, UNITS = 20, 100


def series(t):
    return t * np.sin(t) / 3 + 2 * np.sin(t * 5)


def batch_of(rng, size):
    t0 = rng.rand(size, 1) * (30 - 2 * STEPS * 0.1)
    ts = series(t0 + np.arange(STEPS + 1) * 0.1)
    return (ts[:, :-1].reshape(-1, STEPS, 1).astype(np.float32),
            ts[:, 1:].reshape(-1, STEPS, 1).astype(np.float32))


def arguments(doc):
    """The peers' common command line: a lesson and the sizes of its work."""
    p = argparse.ArgumentParser(description=doc,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("lesson", choices=["cnn", "rnn", "lstm", "gru"])
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--iters", type=int, default=1500)
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--json")
    return p


def report(args, result):
    """Prints the result as one JSON line and writes it to --json when given."""
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(result, fh, indent=1)
    print(json.dumps(result))
