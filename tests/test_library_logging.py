"""The library logs on ``logging.getLogger("hotlist")`` but prints nothing itself:
an application that configured no logging sees no stray lines on stderr (the
error it catches says it all), while one that did configure logging gets the event."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import hotlist

CODE = """
import logging, sys, hotlist
if sys.argv[2] == "configured":
    logging.basicConfig(level=logging.WARNING, format="LOGGED %(name)s %(message)s")
try:
    hotlist.open(sys.argv[1])
except hotlist.IntegrityError:
    print("caught")
"""


def test_integrity_failure_is_logged_only_where_logging_is_configured(tmp_path: Path) -> None:
    hl = hotlist.load(hotlist.sample_data_path(), progress=False)
    snap = hl.save(tmp_path / "snap")
    damaged = snap / "documents.arrow"
    data = bytearray(damaged.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    runs = {
        how: subprocess.run(
            [sys.executable, "-c", CODE, str(snap), how],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        for how in ("bare", "configured")
    }
    assert runs["bare"].stdout.strip() == "caught"
    assert runs["bare"].stderr == ""
    assert runs["configured"].stdout.strip() == "caught"
    assert "LOGGED hotlist" in runs["configured"].stderr
    assert "documents.arrow" in runs["configured"].stderr
