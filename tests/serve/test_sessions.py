"""Every request runs through a session of the library: the role decides what a
hit shows, and with --audit each check is in the audit log with who, where, why."""

from __future__ import annotations

import secrets
from pathlib import Path

import httpx
from serve_helpers import Keys, Server, serve

from hotlist import audit

X = {"document": "L898902C3", "country": "UTO"}


def test_roles_decide_what_a_hit_shows_and_what_a_key_may_do(server: Server, keys: Keys) -> None:
    roles = audit.load_roles(None)
    frontline_fields = set(roles["frontline"].record_fields("documents") or ())

    def check(name: str) -> httpx.Response:
        return httpx.post(f"{server.url}/v1/check", json=X, headers=keys.auth(name), timeout=30)

    front = check("gate").json()
    desk = check("desk").json()
    doc_front = next(h for h in front["hits"] if h["dataset"] == "documents")
    doc_desk = next(h for h in desk["hits"] if h["dataset"] == "documents")
    assert set(doc_front["record"]) == frontline_fields
    assert "notes" not in doc_front["record"]
    assert "notes" in doc_desk["record"]  # the analyst sees the whole record
    assert doc_front["severity"] == doc_desk["severity"] == "alarm"
    assert doc_front["action"] == doc_desk["action"]

    r = check("auditor")  # a role without the right to check
    assert r.status_code == 403
    assert "check" in r.json()["detail"]
    r = check("nobody")  # a key whose role does not exist opens no session
    assert r.status_code == 403
    assert "no-such-role" in r.json()["detail"]


def test_every_check_is_audited_with_who_where_and_why(
    sample_snapshot: Path, keys: Keys, tmp_path: Path
) -> None:
    log = tmp_path / "audit"
    secret = tmp_path / "audit.secret"
    secret.write_text(secrets.token_hex(32))
    args = [str(sample_snapshot), "--keys", str(keys.path)]
    args += ["--audit", str(log), "--audit-secret", str(secret)]
    with serve(args, tmp_path) as server:
        status = httpx.get(f"{server.url}/v1/status", headers=keys.auth("gate")).json()
        assert status["audited"] is True
        r = httpx.post(f"{server.url}/v1/check", json=X, headers=keys.auth("gate"))
        assert r.status_code == 200
        r = httpx.post(
            f"{server.url}/v1/check-many",
            json=[X, {"vin": "1M8GDM9AXKP042788"}],
            headers=keys.auth("desk"),
        )
        assert r.status_code == 200
    # the server has stopped: its audit log is closed and must verify
    report = audit.verify(log)
    assert report.ok, report
    found = audit.search(log, secret.read_text().strip(), document="L898902C3")
    who = sorted((h.operator, h.role, h.post, h.purpose) for h in found if h.kind != "decision")
    assert who == [
        ("desk", "analyst", "NCB", "border control"),
        ("gate", "frontline", "CDG-T2", "border control"),
    ]
    assert all(h.hits for h in found)
    text = b"".join(p.read_bytes() for p in log.glob("*.log"))
    assert b"L898902C3" not in text  # query values only as keyed hashes
