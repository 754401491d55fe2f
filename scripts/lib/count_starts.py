"""Starts the project's Java kernel N times as a Jupyter UI does and counts the starts that answer.

Usage: count_starts.py N LOG [TIMEOUT_SECONDS]   (the kernel spec tfjava-course on JUPYTER_PATH)

Each start is what the Notebook server and the page do when a notebook opens: jupyter_client's
KernelManager starts the kernel, a client sends kernel_info at once (no waiting for the kernel's
ports, unlike scripts/lib/execute_notebook.py) and then waits for the reply. Prints one line per
start (answered in how many seconds, or not) and a total with the load average; the kernels' own
output goes to LOG. Exit 0 either way.
"""
import os
import queue
import sys
import time

from jupyter_client import KernelManager

KERNEL = "tfjava-course"


def one_start(timeout, log):
    """Seconds until kernel_info was answered, or None when it was not within timeout."""
    km = KernelManager(kernel_name=KERNEL)
    km.start_kernel(stdout=log, stderr=log)
    start = time.monotonic()
    client = km.client()
    client.start_channels()
    try:
        msg_id = client.kernel_info()
        deadline = start + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                reply = client.get_shell_msg(timeout=left)
            except queue.Empty:
                return None
            if reply["parent_header"].get("msg_id") == msg_id:
                return time.monotonic() - start
    finally:
        client.stop_channels()
        km.shutdown_kernel(now=True)


def main(argv):
    starts = int(argv[1])
    timeout = float(argv[3]) if len(argv) > 3 else 30.0
    answered = 0
    with open(argv[2], "w", encoding="utf-8") as log:
        for i in range(1, starts + 1):
            print(f"--- start {i}", file=log, flush=True)
            seconds = one_start(timeout, log)
            report(i, seconds, timeout)
            answered += seconds is not None
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{answered}/{starts} starts answered kernel_info within {timeout:.0f} s"
          f" (load average {load})")
    return 0


def report(i, seconds, timeout):
    if seconds is None:
        print(f"start {i:>2}: no kernel_info reply within {timeout:.0f} s", flush=True)
    else:
        print(f"start {i:>2}: kernel_info answered in {seconds:.1f} s", flush=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
