"""The README's "Screening large manifests" examples run as written: the shell
commands, check_batches in Python and the Dask example (the Spark example runs in
test_spark.py, on that module's Spark session)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from readme_examples import example, run_shell_example


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    cwd = tmp_path_factory.mktemp("readme")
    done = run_shell_example(cwd)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "rows checked" in done.stdout
    return cwd


def test_shell_example(workdir: Path) -> None:
    hits = pq.read_table(workdir / "hits.parquet").to_pylist()
    found = {(r["passenger_id"], r["record_id"], r["match"]) for r in hits if r["hit"]}
    assert (1, "DEMO-D-0001", "exact") in found
    assert (3, "DEMO-D-0001", "ocr") in found
    assert any(pid == 4 and rid.startswith("DEMO-P") for pid, rid, _ in found)
    assert [r["hit"] for r in hits if r["passenger_id"] == 2] == [False]


@pytest.mark.parametrize("name", ["python", "dask"])
def test_python_examples(workdir: Path, name: str) -> None:
    script = workdir / f"example_{name}.py"  # not dask.py: that would shadow dask
    script.write_text(example(name))
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "DEMO-D-0001" in done.stdout
