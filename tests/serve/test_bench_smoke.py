"""benchmarks/bench_service.py still runs end to end: tiny data, short cells, no timing asserted."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_service.py"


def test_bench_service_smoke(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH), "--smoke", "--out", str(tmp_path / "service.json")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "HOTLIST_BENCH_DATA": str(tmp_path / "data")},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    table = done.stdout[done.stdout.index("| check |") :]
    rows = [
        line
        for line in table.splitlines()
        if line.startswith(("| document", "| vehicle", "| person"))
    ]
    assert len(rows) == 6  # three kinds at 1 and 8 clients
    assert all(line.split("|")[6].strip() == "0" for line in rows)  # no failed request
    assert "hotlist serve app" in done.stdout
