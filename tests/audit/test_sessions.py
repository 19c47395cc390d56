"""Sessions and roles (issue 13 point 2), confirmations and receipts (point 5)."""

from __future__ import annotations

import gc
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import firearms_kind
import hotlist
from hotlist import fields
from hotlist.audit import AuditLog, load_roles, verify
from hotlist.schema import SCHEMAS

from .helpers import DOCUMENTS, PERSONS, VEHICLES, small_hotlist
from .helpers import table as make_table

FRONTLINE = load_roles()["frontline"]

# One query per listed record: every dataset, every record.
QUERIES: list[dict[str, Any]] = (
    [{"document": d["document_number"]} for d in DOCUMENTS]
    + [{"vin": v["vin"]} for v in VEHICLES]
    + [{"plate": v["plate"], "country": v["registration_country"]} for v in VEHICLES]
    + [{"name": p["name"], "dob": p["date_of_birth"]} for p in PERSONS]
    + [{"document": n} for p in PERSONS for n in p["document_numbers"]]
)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in _strings(v)]
    return []


def test_purpose_and_operator_are_required() -> None:
    hl = small_hotlist()
    with pytest.raises(hotlist.InvalidQuery, match="purpose"):
        hl.session(operator="o-1", role="frontline", purpose="")
    with pytest.raises(hotlist.InvalidQuery, match="operator"):
        hl.session(operator=" ", role="frontline", purpose="border control")
    with pytest.raises(hotlist.InvalidQuery, match="unknown role 'boss'"):
        hl.session(operator="o-1", role="boss", purpose="border control")


def test_frontline_never_sees_excluded_fields_over_every_dataset(tmp_path: Path) -> None:
    hl = small_hotlist()
    gate = hl.session(operator="o-1", role="frontline", purpose="border control", post="P1")
    analyst = hl.session(operator="a-1", role="analyst", purpose="investigation")
    full_records = {d["record_id"]: d for d in DOCUMENTS + VEHICLES + PERSONS}
    seen_datasets = set()
    for query in QUERIES:
        r = gate.check(**query)
        assert r.hit, query
        dumped = r.model_dump(mode="json")
        text = json.dumps(dumped)
        for hit in dumped["hits"]:
            ds = hit["dataset"]
            seen_datasets.add(ds)
            allowed = FRONTLINE.fields[ds] | {"record_id"}  # type: ignore[index]
            assert set(hit["record"]) <= allowed
            assert {"severity", "action", "dataset", "record_id"} <= set(hit)
            # no value of an excluded field appears anywhere in the result, unless
            # the query itself carries it or an allowed field holds the same text
            record = full_records[hit["record_id"]]
            shown = {s for k in allowed for s in _strings(record.get(k))}
            asked = set(_strings(list(query.values())))
            for name in SCHEMAS[ds].names:
                if name in allowed:
                    continue
                for s in _strings(record.get(name)):
                    if len(s) >= 4 and not any(s in v for v in shown | asked):
                        assert s not in text, (ds, name, s)
        full = analyst.check(**query)
        assert any(set(h.record) == set(SCHEMAS[h.dataset].names) for h in full.hits)
    assert seen_datasets == {"documents", "vehicles", "persons"}


def test_roles_are_configuration(tmp_path: Path) -> None:
    hl = small_hotlist()
    roles = tmp_path / "roles.toml"
    roles.write_text(
        '[counter]\nrights = ["check"]\nreasons = false\n'
        '[counter.fields]\ndocuments = ["status"]\nvehicles = []\npersons = ["notice_type"]\n'
    )
    gate = hl.session(operator="o", role="counter", purpose="test", roles=str(roles))
    r = gate.check(document="X1234567", country="FRA")
    assert r.hits[0].record == {"record_id": "D1", "status": "stolen"}
    assert r.hits[0].reasons == [] and r.hits[0].severity == "alarm"
    assert gate.role.rights == frozenset({"check"})
    with pytest.raises(hotlist.AccessDenied):
        gate.confirm(r.hits[0])
    auditor = hl.session(operator="x", role="auditor", purpose="audit")
    with pytest.raises(hotlist.AccessDenied, match="may not check"):
        auditor.check(document="X1234567")
    with pytest.raises(hotlist.InvalidQuery, match="unknown right"):
        load_roles({"r": {"rights": ["fly"]}})
    with pytest.raises(hotlist.InvalidQuery, match="no field"):
        load_roles({"r": {"fields": {"documents": ["colour"]}}})


def test_session_checks_are_logged_with_who_where_why(log_dir: Path, secret: bytes) -> None:
    log = AuditLog(log_dir, secret=secret)
    hl = small_hotlist()
    hl.audit = log
    gate = hl.session(
        operator="officer-17", role="frontline", purpose="border control", post="CDG-T2"
    )
    gate.check(document="X1234567", country="FRA")
    gate.check(document="NOTLISTED1", limit=3)
    with pytest.raises(hotlist.InvalidQuery):
        gate.check(document="bad\x01value")
    gate.check_many(
        [{"document": "X1234567"}, {"vin": "1M8GDM9AXKP042788"}, {"document": "NOPE1234"}]
    )
    log.close()
    lines = [
        json.loads(x)
        for p in sorted(log_dir.glob("audit-*.log"))
        for x in p.read_text().splitlines()
    ]
    checks = [e for e in lines if e["kind"] == "check"]
    assert len(checks) == 6  # 3 single checks (one refused) + 3 rows
    for e in checks:
        assert (e["operator"], e["role"], e["post"], e["purpose"]) == (
            "officer-17",
            "frontline",
            "CDG-T2",
            "border control",
        )
        assert e["data_version"] == "test-v1" and e["matcher"].startswith("hotlist ")
        assert set(e["q"]) >= set(e["fields"]) and all(len(h) == 32 for h in e["q"].values())
    first = checks[0]
    assert first["hits"] == [["documents", "D1", "alarm"]] and first["alarm"] is True
    assert first["fields"] == ["country", "document"] and first["latency_us"] >= 0
    assert checks[1]["opts"] == {"limit": 3} and checks[1]["hits"] == []
    assert checks[2]["error"] == "InvalidQuery"
    assert [c.get("row") for c in checks[3:]] == [0, 1, 2]
    assert checks[4]["hits"] == [["vehicles", "V1", "alarm"]]
    raw = "".join(p.read_text() for p in log_dir.glob("*.log"))
    for clear in ("X1234567", "NOTLISTED1", "1M8GDM9AXKP042788", "NOPE1234", "value"):
        assert clear not in raw
    assert verify(log_dir).ok


def test_confirm_links_to_the_check_and_receipts_verify(
    log_dir: Path, secret: bytes, keys: tuple[bytes, bytes]
) -> None:
    private, public = keys
    log = AuditLog(log_dir, secret=secret, signing_key=private)
    hl = small_hotlist()
    hl.audit = log
    gate = hl.session(operator="o-9", role="frontline", purpose="border control", post="P")
    r = gate.check(document="X1234567", country="FRA")
    decision = gate.confirm(r.hits[0], outcome="confirmed", note="NCB confirmed 12:03")
    gate.confirm(r, outcome="false_positive")
    with pytest.raises(hotlist.InvalidQuery, match="outcome"):
        gate.confirm(r, outcome="maybe")
    other = small_hotlist().session(operator="z", role="frontline", purpose="p")
    with pytest.raises(hotlist.HotlistError):
        other.confirm(r.hits[0])
    receipt = r.receipt()
    assert receipt.verify(public)
    st = receipt.statement
    assert st["outcome"] == "alarm" and st["data_version"] == "test-v1"
    assert st["query"]["document"] == log.keyed_hash("document", "X1234567")
    assert "X1234567" not in receipt.to_json()
    forged = type(receipt)({**st, "outcome": "no hit"}, receipt.signature)
    assert not forged.verify(public)
    miss = gate.check(document="NOTLISTED1").receipt()
    assert miss.statement["outcome"] == "no hit" and miss.verify(public)
    log.close()
    found = hotlist.audit.search(log_dir, secret, document="x123 4567")
    assert len(found) == 1 and found[0].post == "P"
    assert [d["outcome"] for d in found[0].decisions] == ["confirmed", "false_positive"]
    assert found[0].decisions[0]["id"] == decision
    assert verify(log_dir, public_key=public).ok


def test_plain_results_have_no_receipt() -> None:
    with pytest.raises(hotlist.HotlistError, match="not audited"):
        small_hotlist().check(document="X1234567").receipt()


def test_check_many_with_renamed_columns_logs_each_row(log_dir: Path, secret: bytes) -> None:
    import pyarrow as pa

    log = AuditLog(log_dir, secret=secret)
    hl = small_hotlist()
    hl.audit = log
    gate = hl.session(operator="a", role="analyst", purpose="manifest screening", post="HQ")
    manifest = pa.table(
        {
            "passenger": ["p1", "p2"],
            "doc_no": ["X1234567", None],
            "vin": [None, "1M8GDM9AXKP042788"],
        }
    )
    out = gate.check_many(manifest, columns={"doc_no": "document"})
    assert out.column("passenger").to_pylist() == ["p1", "p2"]
    log.close()
    rows = [
        json.loads(x)
        for p in sorted(log_dir.glob("audit-*.log"))
        for x in p.read_text().splitlines()
    ]
    checks = [e for e in rows if e["kind"] == "check"]
    assert [c["fields"] for c in checks] == [["document"], ["vin"]]
    assert checks[0]["q"]["document"] == log.keyed_hash("document", "X1234567")
    assert checks[0]["hits"] == [["documents", "D1", "alarm"]] and checks[0]["alarm"]
    assert checks[1]["hits"] == [["vehicles", "V1", "alarm"]]
    assert "p1" not in "".join(p.read_text() for p in log_dir.glob("*.log"))


def test_a_registered_kinds_fields_are_logged_hashed_never_in_clear(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for table in ("_FIELDS", "_LIMITS"):  # the kind's fields stay out of other tests
        monkeypatch.setattr(fields, table, dict(getattr(fields, table)))
    firearms_kind.register()
    try:
        extract = tmp_path / "extract"
        extract.mkdir()
        (extract / "firearms.csv").write_text(
            "record_id,serial,make,model,reporting_country,stolen_on\n"
            "F1,AB12345,Glock,17,DEU,2024-03-01\n"
        )
        log = AuditLog(tmp_path / "audit", secret=b"s" * 32)
        hl = hotlist.load(extract, audit=log, progress=False)
        gate = hl.session(operator="o-1", role="analyst", purpose="p", post="P1")
        r = gate.check(extra={"serial": "AB12345"}, limit=3)
        assert r.hit
        gate.check_many([{"serial": "AB12345"}, {"serial": "NOPE0001"}])
        log.close()
    finally:
        firearms_kind.unregister()
    text = b"".join(p.read_bytes() for p in (tmp_path / "audit").glob("audit-*.log"))
    assert b"AB12345" not in text and b"NOPE0001" not in text
    entries = [json.loads(x) for x in text.splitlines()]
    checks = [e for e in entries if e["kind"] == "check"]
    serial = log.keyed_hash("serial", "AB12345")
    assert [e["q"].get("serial") for e in checks] == [
        serial,
        serial,
        log.keyed_hash("serial", "NOPE0001"),
    ]
    assert checks[0]["opts"] == {"limit": 3} and checks[0]["fields"] == ["serial"]
    assert checks[0]["hits"] and checks[0]["hits"][0][1] == "F1"
    assert verify(tmp_path / "audit").ok


def test_a_session_keeps_no_older_data_version_alive(
    log_dir: Path, secret: bytes, tmp_path: Path
) -> None:
    """A session remembers its last hits (for ``confirm``); a hit's record is read
    from its table only when asked for, so a remembered hit must not keep the
    columns of a data version the Hotlist has since left (a whole second list in
    memory after every reload, at SLTD size)."""
    many = [
        {**DOCUMENTS[0], "record_id": f"R{i}", "document_number": f"Z{i:08d}"} for i in range(5_000)
    ]
    hl = hotlist.Hotlist.from_tables(documents=make_table("documents", DOCUMENTS + many))
    del many
    hl.audit = AuditLog(log_dir, secret=secret)
    analyst = hl.session(operator="a-1", role="analyst", purpose="investigation")
    r = analyst.check(document="X1234567", country="FRA")
    assert r.hit
    del r
    pq.write_table(make_table("documents", DOCUMENTS), tmp_path / "documents.parquet")
    gc.collect()
    held = pa.total_allocated_bytes()
    hl.reload(tmp_path)
    gc.collect()
    assert pa.total_allocated_bytes() < held // 4  # the 5,000-row version's columns are gone
    # and a remembered hit still confirms, with its record
    r = analyst.check(document="X1234567", country="FRA")
    assert analyst.confirm(r.hits[0], outcome="confirmed")
    assert r.hits[0].record["document_number"] == "X1234567"
