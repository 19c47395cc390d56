"""The snapshot, apply, verify and info commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import hotlist
from hotlist import cli


def test_snapshot_info_apply_verify(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dest = tmp_path / "snap"
    assert cli.main(["snapshot", str(hotlist.sample_data_path()), str(dest)]) == 0
    assert "data version" in capsys.readouterr().out
    assert cli.main(["info", str(dest), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    base = info["data_version"]
    assert info["counts"]["documents"] > 0 and info["files"] > 10
    delta = tmp_path / "documents-delta.csv"
    delta.write_text("record_id,op\nDEMO-D-0001,delete\n")
    assert cli.main(["apply", str(dest), str(delta), "--out", str(tmp_path / "new"), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["base_version"] == base and out["datasets"]["documents"]["deleted"] == 1
    assert hotlist.open(tmp_path / "new").data_version == out["data_version"]
    assert hotlist.open(dest).data_version == base  # --out leaves the source alone
    assert cli.main(["apply", str(dest), str(delta), "--base-version", "nope"]) == 2
    assert "nope" in capsys.readouterr().err
    assert cli.main(["apply", str(dest), str(delta)]) == 0  # in place
    assert hotlist.open(dest).data_version == out["data_version"]
    capsys.readouterr()
    assert cli.main(["verify", str(dest)]) == 0
    assert "ok" in capsys.readouterr().out
    target = dest / "vehicles.arrow"
    data = bytearray(target.read_bytes())
    data[100] ^= 0xFF
    target.write_bytes(bytes(data))
    assert cli.main(["verify", str(dest)]) == 2
    assert "vehicles.arrow" in capsys.readouterr().err
