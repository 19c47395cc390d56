"""`import hotlist` stays light: the CLI answers from a snapshot in well under a
second only if importing the package does not drag in pandas, polars or the
optional extras (those load on first use)."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("pandas", "polars", "duckdb", "pyspark", "dask", "cryptography", "uvicorn", "matplotlib")


def test_import_hotlist_loads_no_heavy_optional_module() -> None:
    code = f"import sys, hotlist; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "", f"import hotlist imported {out.stdout.strip()}"
