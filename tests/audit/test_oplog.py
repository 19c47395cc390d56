"""Operational events on logging.getLogger("hotlist"), never a query value (issue 13 point 6)."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

import hotlist
from hotlist._signing import generate_key_pair, sign_file

QUERIES = [
    {"document": "L898902C3", "country": "UTO"},
    {"document": "QV7731904"},
    {"vin": "1M8GDM9AXKP042788"},
    {"plate": "AB-123-CD", "country": "FRA"},
    {"name": "ERIKSSON, Anna Maria", "dob": "1974-08-12"},
    {"name": "Zyxwvut Qponmlk"},
]


def _messages(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(r.getMessage() + repr(getattr(r, "__dict__", {})) for r in caplog.records)


def test_load_reload_stale_rejected_and_integrity_are_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="hotlist")
    folder = tmp_path / "data"
    shutil.copytree(hotlist.sample_data_path(), folder, ignore=shutil.ignore_patterns("bad"))
    with (folder / "documents.csv").open("a") as f:
        f.write("\nBAD-ROW,,UTO,passport,stolen,2020-01-01\n")  # no number: rejected
    hl = hotlist.load(folder, progress=False, max_age=1)
    events = [getattr(r, "event", None) for r in caplog.records]
    assert "load" in events and "rejected_rows" in events
    rejected = next(r for r in caplog.records if getattr(r, "event", None) == "rejected_rows")
    assert "documents: 1 of" in rejected.getMessage()
    caplog.clear()
    hl.check(document="L898902C3")
    hl.check(document="L898902C3")
    stale = [r for r in caplog.records if getattr(r, "event", None) == "stale"]
    assert len(stale) == 1 and "old" in stale[0].getMessage()  # once per data version
    (folder / "vehicles.jsonl").write_text(
        (folder / "vehicles.jsonl").read_text().splitlines()[0] + "\n"
    )
    caplog.clear()
    hl.reload(folder)
    assert [getattr(r, "event", None) for r in caplog.records].count("reload") == 1
    private, public = generate_key_pair()
    for p in folder.iterdir():
        if p.is_file():
            sign_file(p, private)
    (folder / "persons.jsonl").write_text("{}\n")  # changed after signing
    caplog.clear()
    with pytest.raises(hotlist.IntegrityError):
        hotlist.load(folder, public_key=public, progress=False)
    assert any(getattr(r, "event", None) == "integrity" for r in caplog.records)


def test_no_query_value_is_ever_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    log = hotlist.AuditLog(tmp_path / "audit", secret=b"q" * 32)
    hl = hotlist.load(hotlist.sample_data_path(), progress=False, max_age=1, audit=log)
    gate = hl.session(operator="o", role="analyst", purpose="test")
    for q in QUERIES:
        hl.check(**q)
        gate.check(**q)
    gate.check_many(QUERIES)
    for bad in ({"document": "ZQ\x01XW"}, {"vin": "QQQ"}):
        with pytest.raises(hotlist.InvalidQuery):
            gate.check(**bad)
    log.close()
    text = _messages(caplog)
    assert caplog.records  # the load and staleness were logged
    for q in QUERIES:
        for value in q.values():
            if len(value) > 3:
                assert value not in text, value
    assert "ZQ" not in text and "QQQ" not in text
