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
# (OLD found, NEW found) as one version answers: the base lists OLD only, the delta NEW only.
ONE_VERSION = {(True, False), (False, True)}


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
    # The delta's version is a digest of (base version, delta bytes): learn it on a
    # second copy first, so the checkers never look up a version not yet recorded.
    delta_version = hotlist.open(snapshot).apply(tmp_path / "d").data_version
    expected: dict[str, tuple[bool, bool]] = {base: (True, False), delta_version: (False, True)}
    stop = threading.Event()
    failures: list[BaseException] = []
    seen: dict[str, int] = {}
    batches: dict[tuple[bool, bool], int] = {}

    def checker() -> None:
        try:
            while not stop.is_set():
                for number in (OLD, NEW):
                    r = hl.check(document=number, max_edits=0)
                    docs = any(h.dataset == "documents" for h in r.hits)
                    has_old, has_new = expected[r.data_version]
                    assert docs == (has_old if number == OLD else has_new), (number, r)
                    seen[r.data_version] = seen.get(r.data_version, 0) + 1
                # check_many reads one version for the whole batch: OLD and NEW are
                # never both listed (nor both missing) in any version, so a batch that
                # mixed two versions would show both or neither.
                batch = hl.check_many([{"document": OLD}, {"document": NEW}], max_edits=0)
                found = dict.fromkeys((0, 1), False)
                for i, ds in zip(
                    batch.column("query_index").to_pylist(),
                    batch.column("dataset").to_pylist(),
                    strict=True,
                ):
                    found[i] = found[i] or ds == "documents"
                assert (found[0], found[1]) in ONE_VERSION, (found, batch)
                batches[(found[0], found[1])] = batches.get((found[0], found[1]), 0) + 1
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)

    threads = [threading.Thread(target=checker) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        for _ in range(8):
            assert hl.apply(tmp_path / "d").data_version == delta_version
            assert hl.reload(snapshot) == base
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not failures, failures[0]
    assert set(seen) == set(expected) and all(seen.values())
    assert sum(batches.values()) > 0


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
