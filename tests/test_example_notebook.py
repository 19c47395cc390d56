"""examples/screening.ipynb runs top to bottom in a real Jupyter kernel (nbclient),
so the example the README shows can never rot."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_example_notebook_runs() -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    from jupyter_client.kernelspec import NATIVE_KERNEL_NAME

    nb = nbformat.read(EXAMPLES / "screening.ipynb", as_version=4)
    # The native kernel runs on this interpreter (the venv's), not a system Python.
    client = nbclient.NotebookClient(
        nb,
        timeout=300,
        kernel_name=NATIVE_KERNEL_NAME,
        resources={"metadata": {"path": str(EXAMPLES)}},
    )
    client.execute()  # raises CellExecutionError, with the cell, on any failure
    code = [c for c in nb.cells if c.cell_type == "code"]
    outputs = [o for c in code for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    kinds = {k for o in outputs for k in o.get("data", {})}
    assert {"text/html", "image/png"} <= kinds  # tables and the plot
    summary = next(
        o["data"]["text/plain"] for o in outputs if "ScreeningSummary" in str(o.get("data", {}))
    )
    assert "with_hit=0" not in summary
    last = code[-1].outputs[0]["data"]["text/html"]
    assert "HIT" in last  # the single check's HTML result
    assert sys.executable  # the kernel ran beside this interpreter
