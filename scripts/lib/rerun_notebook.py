"""Runs a notebook, then edits its construction cell and runs that cell and every cell below it
again in the same kernel, as a learner does after changing a constant; then a probe cell checks
that the edit took effect. Used by scripts/notebooks --check-rerun.

Usage: rerun_notebook.py SOURCE.ipynb WORKDIR
Prints one line; exit status 0, or 1 naming the cell that failed or the probe's wrong answer.
"""
import os
import sys
import time

from nbclient.exceptions import CellExecutionError
from nbformat.v4 import new_code_cell

from execute_notebook import cell_label, with_kernel

# Per notebook: the edits to its construction cell, a probe cell, and what the probe must print.
EDITS = {
    "rnn": ([("int n_neurons = 100;", "int n_neurons = 50;"),
             ("Activation activation = Activation.RELU;", "Activation activation = Activation.SIGMOID;")],
            'System.out.println("units " + cell.units() + ", " + cell.activation() + ", kernel "'
            ' + vars.all().get(0).shape())',
            "units 50, SIGMOID, kernel [51, 50]"),
    "mnist-cnn": ([("int n_fc1 = 64;", "int n_fc1 = 32;")],
                  'System.out.println("fc1 " + fc1_layer.weights().kernel().shape())',
                  "fc1 [6272, 32]"),
}


def rerun(client, nb, name, log):
    edits, probe, expected = EDITS[name]
    with client.setup_kernel(stdout=log, stderr=log):
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                client.execute_cell(cell, index)
        start = next(i for i, c in enumerate(nb.cells) if "construction" in c.metadata.get("tags", []))
        for old, new in edits:
            if old not in nb.cells[start].source:
                return f"the construction cell has no `{old}`"
            nb.cells[start].source = nb.cells[start].source.replace(old, new)
        for index in range(start, len(nb.cells)):
            if nb.cells[index].cell_type == "code":
                client.execute_cell(nb.cells[index], index)
        nb.cells.append(new_code_cell(probe))
        probe_cell = nb.cells[-1]
        client.execute_cell(probe_cell, len(nb.cells) - 1)
        printed = "".join(o.get("text", "") for o in probe_cell.outputs)
        if expected not in printed:
            return f"after the edit the probe printed {printed.strip()!r}, not {expected!r}"
    return None


def main(argv):
    source, workdir = argv[1], argv[2]
    name = os.path.splitext(os.path.basename(source))[0]
    os.makedirs(workdir, exist_ok=True)
    start = time.monotonic()
    with open(os.path.join(workdir, name + ".rerun.log"), "w", encoding="utf-8") as log:
        def body(client, nb):
            try:
                return rerun(client, nb, name, log)
            except CellExecutionError as error:
                bad = next((c for c in nb.cells if any(o.get("output_type") == "error"
                                                       for o in c.get("outputs", []))), None)
                label = cell_label(bad) if bad is not None else "?"
                return f"{label}: {str(error).strip().splitlines()[-1]}"
        _, failed = with_kernel(source, os.path.abspath(workdir), log, body)
    seconds = time.monotonic() - start
    if failed:
        print(f"notebooks: {name}.ipynb edited and run again: FAILED after {seconds:.1f} s: {failed}",
              file=sys.stderr)
        return 1
    print(f"{name}.ipynb edited ({' '.join(n for _, n in EDITS[name][0])}) and run again: "
          f"{seconds:.1f} s, ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
