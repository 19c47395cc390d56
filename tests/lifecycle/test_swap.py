"""Hot swap: checks keep answering, each from exactly one version, while apply() and
reload() swap versions; a failed reload keeps the old version serving."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pyarrow as pa
import pytest
from lifecycle_helpers import write_delta

import hotlist

OLD, NEW = "L898902C3", "ZX9911223"  # listed in the base version only / in the delta only


def test_checks_answer_from_exactly_one_version_during_swaps(
    snapshot: Path, tmp_path: Path
) -> None:
    hl = hotlist.open(snapshot)
    base = hl.data_version
    rows = pa.table(
        {
            "record_id": ["NEW-1"],
            "document_number": [NEW],
            "issuing_country": ["FRA"],
            "document_type": ["passport"],
            "status": ["stolen"],
            "reported_on": pa.array([19800], pa.date32()),
        }
    )
    write_delta(tmp_path / "d" / "documents.parquet", rows, deletes=["DEMO-D-0001"])
    expected: dict[str, tuple[bool, bool]] = {base: (True, False)}
    stop = threading.Event()
    failures: list[BaseException] = []
    seen: dict[str, int] = {}

    def checker() -> None:
        try:
            while not stop.is_set():
                for number in (OLD, NEW):
                    r = hl.check(document=number, max_edits=0)
                    docs = any(h.dataset == "documents" for h in r.hits)
                    has_old, has_new = expected[r.data_version]
                    assert docs == (has_old if number == OLD else has_new), (number, r)
                    seen[r.data_version] = seen.get(r.data_version, 0) + 1
                batch = hl.check_many([{"document": OLD}, {"document": NEW}], max_edits=0)
                versions = (
                    set(batch.column("data_version").to_pylist())
                    if ("data_version" in batch.column_names)
                    else set()
                )
                assert len(versions) <= 1
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)

    threads = [threading.Thread(target=checker) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        for _ in range(8):
            report = hl.apply(tmp_path / "d")
            expected[report.data_version] = (False, True)
            assert hl.reload(snapshot) == base
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not failures, failures[0]
    assert set(seen) == set(expected) and all(seen.values())


def test_failed_reload_keeps_the_old_version(
    sample: hotlist.Hotlist, snapshot: Path, tmp_path: Path
) -> None:
    hl = hotlist.open(snapshot)
    before = hl.data_version
    bad = Path(shutil.copytree(snapshot, tmp_path / "bad"))
    target = bad / "documents.keys.arrow"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    with pytest.raises(hotlist.IntegrityError, match=r"documents\.keys\.arrow"):
        hl.reload(bad, verify=True)
    with pytest.raises(hotlist.ExtractError):
        hl.reload(tmp_path / "no-extracts-here")
    assert hl.data_version == before
    assert hl.check(document=OLD, country="UTO").hit
    # reloading from extracts works too, and gives the extracts' version
    assert hl.reload(hotlist.sample_data_path()) == sample.data_version
