"""``hotlist audit verify`` and ``hotlist audit search`` (issue 13 point 4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hotlist.audit import AuditLog
from hotlist.cli import main

from .helpers import small_hotlist


def test_verify_and_search_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], keys: tuple[bytes, bytes]
) -> None:
    secret = b"k" * 32
    folder = tmp_path / "audit"
    log = AuditLog(folder, secret=secret, signing_key=keys[0])
    hl = small_hotlist()
    hl.audit = log
    gate = hl.session(
        operator="officer-17", role="frontline", purpose="border control", post="CDG-T2"
    )
    r = gate.check(document="X1234567", country="FRA")
    gate.confirm(r.hits[0], outcome="confirmed", note="NCB ok")
    log.close()
    public = tmp_path / "audit.pub"
    public.write_bytes(keys[1])
    secret_file = tmp_path / "secret"
    secret_file.write_bytes(secret)

    assert main(["audit", "verify", str(folder), "--public-key", str(public)]) == 0
    assert capsys.readouterr().out.startswith("OK: ")
    assert (
        main(
            [
                "audit",
                "search",
                str(folder),
                "--document",
                "X1234567",
                "--secret-file",
                str(secret_file),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "officer-17 (frontline) at CDG-T2" in out and "ALARM documents:D1" in out
    assert "confirmed by officer-17 (NCB ok)" in out
    assert (
        main(
            [
                "audit",
                "search",
                str(folder),
                "--document",
                "Y0000000",
                "--secret-file",
                str(secret_file),
            ]
        )
        == 1
    )
    assert main(["audit", "search", str(folder), "--document", "X1234567"]) == 2  # no secret
    capsys.readouterr()

    seg = sorted(folder.glob("audit-*.log"))[0]
    lines = seg.read_bytes().split(b"\n")
    lines[1] = lines[1].replace(b'"alarm":true', b'"alarm":false')
    seg.write_bytes(b"\n".join(lines))
    assert main(["audit", "verify", str(folder)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("FAILED: audit-000001.log:3 (entry 3)")
