"""Integrity holes (issue 9 point 9): verify and parse the same bytes, delta.json under
the signature, `hotlist apply --public-key` keeps the snapshot signed, rollbacks
are never silent and the manifest records the chain of versions."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pyarrow as pa
import pytest
from lifecycle_helpers import write_delta

import hotlist
from hotlist import _signing, cli


@pytest.fixture(scope="module")
def keys() -> tuple[bytes, bytes]:
    return _signing.generate_key_pair()


@pytest.fixture
def signed(tmp_path: Path, keys: tuple[bytes, bytes]) -> Path:
    folder = Path(shutil.copytree(hotlist.sample_data_path(), tmp_path / "extracts"))
    for p in sorted(folder.glob("*.*")):
        if p.suffix in (".csv", ".jsonl"):
            _signing.sign_file(p, keys[0])
    return folder


def test_a_file_swapped_after_its_check_does_not_load(
    signed: Path, keys: tuple[bytes, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The attacker's file: the stolen passport's row removed.
    target = signed / "documents.csv"
    lines = target.read_text().splitlines(keepends=True)
    unsigned = "".join(line for line in lines if "L898902C3" not in line)
    assert unsigned != target.read_text()
    real = _signing.verify_file

    def verify_then_swap(path: object, public_key: object) -> object:
        result = real(path, public_key)  # type: ignore[arg-type]
        if Path(str(path)) == target:
            target.write_text(unsigned)  # swapped right after the check
        return result

    monkeypatch.setattr(_signing, "verify_file", verify_then_swap)
    hl = hotlist.load(signed, public_key=keys[1], progress=False)
    hits = hl.check(document="L898902C3", country="UTO").hits
    assert any(h.dataset == "documents" for h in hits)
    assert str(target) in hl.report.files  # the report names the original file


def _signed_delta(tmp_path: Path, keys: tuple[bytes, bytes], base: str) -> Path:
    rows = pa.table(
        {
            "record_id": ["HOLE-1"],
            "document_number": ["QX4455667"],
            "issuing_country": ["FRA"],
            "document_type": ["passport"],
            "status": ["stolen"],
            "reported_on": pa.array([19800], pa.date32()),
        }
    )
    folder = tmp_path / "delta"
    write_delta(folder / "documents.parquet", rows)
    (folder / "delta.json").write_text(
        json.dumps({"base_version": base, "data_time": "2026-01-01T00:00:00+00:00"})
    )
    for p in folder.iterdir():
        _signing.sign_file(p, keys[0])
    return folder


def test_delta_json_is_covered_by_the_signature(
    sample: hotlist.Hotlist, tmp_path: Path, keys: tuple[bytes, bytes]
) -> None:
    folder = _signed_delta(tmp_path, keys, sample.data_version)
    hl = hotlist.Hotlist(sample._state)
    # Fresh-looking data time written into delta.json after signing: refused.
    meta = folder / "delta.json"
    meta.write_text(meta.read_text().replace("2026-01-01", "2099-01-01"))
    with pytest.raises(hotlist.IntegrityError, match=r"delta\.json"):
        hl.apply(folder, public_key=keys[1])
    (folder / "delta.json.sig").unlink()
    with pytest.raises(hotlist.IntegrityError, match=r"delta\.json"):
        hl.apply(folder, public_key=keys[1])
    assert hl.data_version == sample.data_version


def test_cli_apply_keeps_the_snapshot_signed(
    sample: hotlist.Hotlist, tmp_path: Path, keys: tuple[bytes, bytes]
) -> None:
    private, public = tmp_path / "key.pem", tmp_path / "key.pub"
    private.write_bytes(keys[0])
    public.write_bytes(keys[1])
    snap = sample.save(tmp_path / "snap", private_key=keys[0])
    assert hotlist.open(snap, public_key=keys[1]).data_version == sample.data_version
    delta = _signed_delta(tmp_path, keys, sample.data_version)
    # Without a private key the new version would lose its signature: refused.
    assert cli.main(["apply", str(snap), str(delta), "--public-key", str(public)]) == 2
    assert hotlist.open(snap, public_key=keys[1]).data_version == sample.data_version
    code = cli.main(
        ["apply", str(snap), str(delta), "--public-key", str(public), "--private-key", str(private)]
    )
    assert code == 0
    updated = hotlist.open(snap, public_key=keys[1])
    assert updated.data_version != sample.data_version
    assert updated.check(document="QX4455667", country="FRA").hit


def test_rollback_is_never_silent_and_the_chain_is_recorded(
    sample: hotlist.Hotlist, tmp_path: Path
) -> None:
    old_snap = sample.save(tmp_path / "old")
    hl = hotlist.open(old_snap)
    rows = pa.table(
        {
            "record_id": ["HOLE-2"],
            "document_number": ["QX7788990"],
            "issuing_country": ["FRA"],
            "document_type": ["passport"],
            "status": ["stolen"],
            "reported_on": pa.array([19800], pa.date32()),
        }
    )
    write_delta(tmp_path / "d" / "documents.parquet", rows)
    hl.apply(tmp_path / "d")
    new_snap = hl.save(tmp_path / "new")
    chain = json.loads((new_snap / "manifest.json").read_text())["lineage"]
    assert [e["data_version"] for e in chain] == [sample.data_version, hl.data_version]

    # Refused on request, and the served version stays.
    served = hl.data_version
    with pytest.raises(hotlist.VersionMismatchError, match="rollback"):
        hl.reload(old_snap, rollback="refuse")
    assert hl.data_version == served
    # By default: served, but every result says so until newer data comes.
    hl.reload(old_snap)
    r = hl.check(document="X1234567", country="FRA")
    assert any("rollback" in w for w in r.warnings)
    batch = hl.check_many([{"document": "X1234567"}])["warnings"].to_pylist()
    assert any("rollback" in w for ws in batch for w in ws)
    assert hl.stats()["rollback"]
    hl.reload(new_snap)
    assert hl.check(document="X1234567", country="FRA").warnings == []
    # Writing the older version over the newer snapshot is refused.
    with pytest.raises(hotlist.VersionMismatchError, match="rollback"):
        hotlist.open(old_snap).save(new_snap, overwrite=True)
    hotlist.open(old_snap).save(new_snap, overwrite=True, allow_rollback=True)
    assert hotlist.open(new_snap).data_version == sample.data_version


def test_reload_of_older_extracts_is_warned(tmp_path: Path) -> None:
    src = Path(shutil.copytree(hotlist.sample_data_path(), tmp_path / "x"))
    hl = hotlist.load(src, progress=False, data_time="2026-11-01T00:00:00Z")
    older = Path(shutil.copytree(src, tmp_path / "older"))
    docs = older / "documents.csv"
    docs.write_text("".join(docs.read_text().splitlines(keepends=True)[:-1]))
    hl.reload(older, data_time=dt.datetime(2026, 10, 1, tzinfo=dt.UTC))
    assert any("rollback" in w for w in hl.check(document="X1234567").warnings)


def test_a_snapshot_file_swapped_after_the_check_is_not_mapped(
    sample: hotlist.Hotlist, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyarrow.compute as pc
    from pyarrow import ipc

    from hotlist import _snapshot

    snap = sample.save(tmp_path / "snap")
    # Same rows and schema, the stolen passport's number changed: only the bytes differ.
    table = sample.tables["documents"]
    numbers = table.column("document_number")
    changed = pc.if_else(pc.equal(numbers, "L898902C3"), "L898902C4", numbers)
    forged = table.set_column(
        table.schema.get_field_index("document_number"),
        table.schema.field("document_number"),
        changed.cast(table.schema.field("document_number").type),
    )
    forged_path = tmp_path / "forged.arrow"
    with ipc.new_file(str(forged_path), forged.schema) as writer:
        writer.write_table(forged.combine_chunks())
    real = _snapshot.problems

    def check_then_swap(*args: object, **kwargs: object) -> object:
        result = real(*args, **kwargs)  # type: ignore[arg-type]
        (snap / "documents.arrow").unlink()
        shutil.copyfile(forged_path, snap / "documents.arrow")  # after the check
        return result

    monkeypatch.setattr(_snapshot, "problems", check_then_swap)
    opened = hotlist.open(snap, verify=True)
    hits = opened.check(document="L898902C3", country="UTO").hits
    assert any(h.dataset == "documents" for h in hits)
    assert opened.tables["documents"].equals(sample.tables["documents"])
