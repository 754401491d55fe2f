"""Executes one notebook with the project's Java kernel, as Jupyter's nbclient does for nbconvert.

Usage: execute_notebook.py SOURCE.ipynb TARGET.ipynb [--refresh ROOT]

Writes TARGET (and TARGET with .html) even when a cell fails, so the error can be read there, and
prints one line: the notebook, the time, and on failure the cell (its index and its In [n] line).
With --refresh, outputs are made portable for committing: ROOT and the home folder become . and ~,
and the per-cell timestamps nbclient records are dropped. Exit status: 0, or 1 when a cell failed.
"""
import atexit
import os
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbconvert import HTMLExporter

KERNEL = "tfjava-course"
# The rapaio kernel sometimes binds its sockets and then never answers the first kernel_info
# request (about one start in ten here); it answers within seconds when it works, so a start that
# has not answered in 30 s is abandoned and the kernel started again.
STARTUP_SECONDS = 30
STARTS = 3


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
        client = NotebookClient(nb, timeout=None, startup_timeout=STARTUP_SECONDS,
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
