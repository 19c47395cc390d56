"""Detached Ed25519 signatures of extracts (load, apply, reload) and of snapshot manifests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import hotlist
from hotlist import _signing


@pytest.fixture(scope="module")
def keys() -> tuple[bytes, bytes]:
    return _signing.generate_key_pair()


@pytest.fixture
def signed(tmp_path: Path, keys: tuple[bytes, bytes]) -> Path:
    folder = Path(shutil.copytree(hotlist.sample_data_path(), tmp_path / "extracts"))
    for i, p in enumerate(sorted(folder.glob("*.*"))):
        if p.suffix in (".csv", ".jsonl"):
            _signing.sign_file(p, keys[0], encoding="base64" if i % 2 else "raw")
    return folder


def test_signed_extracts_load(signed: Path, keys: tuple[bytes, bytes]) -> None:
    hl = hotlist.load(signed, public_key=keys[1], progress=False)
    assert hl.check(document="L898902C3", country="UTO").hit
    key_file = signed.parent / "key.pem"
    key_file.write_bytes(keys[1])
    hotlist.load(signed, public_key=key_file, progress=False)


def test_changed_extract_is_refused(signed: Path, keys: tuple[bytes, bytes]) -> None:
    path = signed / "documents.csv"
    path.write_bytes(path.read_bytes() + b"\n")
    with pytest.raises(hotlist.IntegrityError, match="signature does not match") as info:
        hotlist.load(signed, public_key=keys[1], progress=False)
    assert info.value.path == str(path)


def test_missing_signature_and_wrong_key(signed: Path, keys: tuple[bytes, bytes]) -> None:
    (signed / "persons.jsonl.sig").unlink()
    with pytest.raises(hotlist.IntegrityError, match=r"persons\.jsonl\.sig is missing"):
        hotlist.load(signed, public_key=keys[1], progress=False)
    other = _signing.generate_key_pair()[1]
    with pytest.raises(hotlist.IntegrityError, match="signature does not match"):
        hotlist.load(documents=signed / "documents.csv", public_key=other, progress=False)
    with pytest.raises(hotlist.HotlistError, match="Ed25519 public key"):
        hotlist.load(signed, public_key=b"not a key", progress=False)
    (signed / "vehicles.jsonl.sig").write_bytes(b"garbage")
    with pytest.raises(hotlist.IntegrityError, match="not an Ed25519 signature"):
        hotlist.load(vehicles=signed / "vehicles.jsonl", public_key=keys[1], progress=False)


def test_reload_and_apply_check_signatures(
    signed: Path, keys: tuple[bytes, bytes], sample: hotlist.Hotlist, tmp_path: Path
) -> None:
    hl = hotlist.Hotlist(sample._state)
    (signed / "documents.csv.sig").unlink()
    with pytest.raises(hotlist.IntegrityError):
        hl.reload(signed, public_key=keys[1])
    assert hl.data_version == sample.data_version
    delta = tmp_path / "delta" / "documents.csv"
    delta.parent.mkdir()
    delta.write_text("record_id,op\nDEMO-D-0001,delete\n")
    with pytest.raises(hotlist.IntegrityError, match="missing"):
        hl.apply(delta.parent, public_key=keys[1])
    _signing.sign_file(delta, keys[0])
    assert hl.apply(delta.parent, public_key=keys[1]).datasets["documents"].deleted == 1


def test_signed_snapshot_manifest(
    snapshot: Path, tmp_path: Path, keys: tuple[bytes, bytes]
) -> None:
    copy = Path(shutil.copytree(snapshot, tmp_path / "snap"))
    _signing.sign_file(copy / "manifest.json", keys[0])
    assert hotlist.open(copy, verify=True, public_key=keys[1]).check(document="L898902C3").hit
    manifest = copy / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"format_version": 1', '"format_version":1'))
    with pytest.raises(hotlist.IntegrityError, match=r"manifest\.json"):
        hotlist.open(copy, public_key=keys[1])
