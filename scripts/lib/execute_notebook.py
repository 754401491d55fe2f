"""Executes one notebook with the project's Java kernel, as Jupyter's nbclient does for nbconvert.

Usage: execute_notebook.py SOURCE.ipynb TARGET.ipynb [--refresh ROOT]

Writes TARGET (and TARGET with .html) even when a cell fails, so the error can be read there, and
prints one line: the notebook, the time, and on failure the cell (its index and its In [n] line).
With --refresh, outputs are made portable for committing: ROOT and the home folder become . and ~,
and the per-cell timestamps nbclient records are dropped. Exit status: 0, or 1 when a cell failed.
"""
import asyncio
import atexit
import os
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbconvert import HTMLExporter

KERNEL = "tfjava-course"
# The rapaio kernel (3.0.1) does not always answer after it starts. One cause is a race: it binds
# its sockets and starts its shell loop before it fills the map of message handlers, and a request
# arriving in between kills the shell thread (NullPointerException in Channels.getHandler); Jupyter's
# client sends kernel_info at once, queued even before the kernel binds. PatientClient therefore
# connects only once every port listens and the kernel had SETTLE_SECONDS more. Some starts still
# never handle a message (no error logged; about one in five on a machine loaded 5x over, none in
# ten on a quieter one); a started kernel answers within seconds, so a start that has not answered
# in STARTUP_SECONDS is abandoned and the kernel started again, up to STARTS times. (The silent
# ones are a second race, in LoopThread.start; scripts/notebooks now starts the kernel through
# scripts/lib/kernel/KernelLauncher, which removes both, so this stays only as a guard.)
STARTUP_SECONDS = 20
SETTLE_SECONDS = 3
STARTS = 5


def listening_ports():
    """The local TCP ports in LISTEN state (Linux's /proc/net), or None where that is unknown."""
    ports = set()
    found = False
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table, encoding="ascii") as lines:
                found = True
                for line in list(lines)[1:]:
                    fields = line.split()
                    if fields[3] == "0A":  # TCP_LISTEN
                        ports.add(int(fields[1].rsplit(":", 1)[1], 16))
        except OSError:
            continue
    return ports if found else None


class PatientClient(NotebookClient):
    """nbclient's client, connecting to the kernel only once it is ready to take requests."""

    async def async_start_new_kernel_client(self):
        km = self.km
        wanted = {km.shell_port, km.iopub_port, km.stdin_port, km.control_port, km.hb_port}
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            ports = listening_ports()
            if ports is None:  # no /proc: give the JVM the few seconds it needs
                await asyncio.sleep(5)
                break
            if wanted <= ports:
                await asyncio.sleep(SETTLE_SECONDS)
                break
            await asyncio.sleep(0.2)
        return await super().async_start_new_kernel_client()


def cell_label(cell):
    first = cell.source.splitlines()[0] if cell.source else ""
    return first.lstrip("/ ").split(":")[0] if first.startswith("// In [") else first[:60]


def portable(nb, root):
    home = os.path.expanduser("~")
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        for output in cell.get("outputs", []):
            if "text" in output:
                output["text"] = output["text"].replace(root, ".").replace(home, "~")
            for mime, value in output.get("data", {}).items():
                if mime.startswith("text/") and isinstance(value, str):
                    output["data"][mime] = value.replace(root, ".").replace(home, "~")


def with_kernel(source, workdir, log, body):
    """Reads the notebook and runs body(client, nb), starting the kernel again if it never answers.

    Returns the notebook (as body left it) and body's result.
    """
    for attempt in range(1, STARTS + 1):
        nb = nbformat.read(source, as_version=4)
        client = PatientClient(nb, timeout=None, startup_timeout=STARTUP_SECONDS,
                                kernel_name=KERNEL, resources={"metadata": {"path": workdir}})
        try:
            return nb, body(client, nb)
        except RuntimeError as error:  # the kernel never answered kernel_info
            if "didn't respond" not in str(error) or attempt == STARTS:
                raise
            atexit.unregister(client._cleanup_kernel)  # nothing left to clean up
            print(f"executor: the kernel did not answer (start {attempt}); starting it again",
                  file=log, flush=True)
    raise AssertionError("unreachable")


def execute(client, nb, log):
    """Runs every cell; None, or what failed: the cell's index, its In [n] line, the error."""
    try:
        client.execute(stdout=log, stderr=log)
    except CellExecutionError as error:
        index = next((i for i, c in enumerate(nb.cells)
                      if any(o.get("output_type") == "error" for o in c.get("outputs", []))), None)
        label = cell_label(nb.cells[index]) if index is not None else "?"
        reason = str(error).strip().splitlines()[-1] if str(error).strip() else "error"
        return f"cell {index} ({label}): {reason}"
    return None


def main(argv):
    source, target = argv[1], argv[2]
    refresh_root = argv[4] if len(argv) > 4 and argv[3] == "--refresh" else None
    workdir = os.path.dirname(os.path.abspath(target))
    name = os.path.basename(source)
    start = time.monotonic()
    # The kernel inherits stdout and stderr: its own log goes to NAME.kernel.log.
    with open(os.path.splitext(target)[0] + ".kernel.log", "w", encoding="utf-8") as log:
        nb, failed = with_kernel(source, workdir, log, lambda client, nb: execute(client, nb, log))
    seconds = time.monotonic() - start
    if refresh_root:
        portable(nb, refresh_root)
    nbformat.write(nb, target)
    html, _ = HTMLExporter().from_notebook_node(nb)
    with open(os.path.splitext(target)[0] + ".html", "w", encoding="utf-8") as out:
        out.write(html)
    if failed:
        print(f"notebooks: {name} FAILED after {seconds:.1f} s in {failed}", file=sys.stderr)
        return 1
    print(f"{name:<22} {seconds:7.1f} s  {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
