"""What the peers share and what needs no framework: the data, the time series, CPU accounting."""
import gzip
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
