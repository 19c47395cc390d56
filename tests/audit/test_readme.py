"""The README's "Deploying at a border post" example, run as written (in a scratch folder)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"
MARKER = "<!-- border-post-example: run by tests/audit/test_readme.py -->"


def _example() -> str:
    text = README.read_text(encoding="utf-8")
    assert MARKER in text
    after = text.split(MARKER, 1)[1]
    match = re.search(r"```python\n(.*?)```", after, re.S)
    assert match is not None
    return match.group(1)


def test_border_post_example_runs_as_written(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _example()],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "True alarm | Stolen document: retain it" in out
    assert "['document_number', 'document_type', 'issuing_country', 'record_id', 'status']" in out
    assert "OK: 6 entries" in out and "signatures verified through entry 6" in out
    assert "officer-17 (frontline) at CDG-T2" in out and "confirmed by officer-17" in out
    assert (tmp_path / "audit" / "checkpoints.log").exists()
