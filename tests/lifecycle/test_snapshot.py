"""Snapshots: round trip, atomic writes (a writer killed mid-save), tampering and truncation."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from lifecycle_helpers import BATTERY, answers

import hotlist
from hotlist import _snapshot


def test_round_trip_answers_the_same(sample: hotlist.Hotlist, snapshot: Path) -> None:
    opened = hotlist.open(snapshot)
    assert opened.data_version == sample.data_version
    assert opened.data_time == sample.data_time
    assert answers(opened) == answers(sample)
    assert opened.check_many(list(BATTERY)).equals(sample.check_many(list(BATTERY)))
    query = "select notice_type, count(*) n from persons group by 1 order by 1"
    assert opened.sql(query).fetchall() == sample.sql(query).fetchall()
    a, b = opened.stats(), sample.stats()
    for key in ("documents", "vehicles", "persons", "data_version", "data_time"):
        assert a[key] == b[key], key


def test_opened_indexes_have_every_attribute_a_built_one_has(
    sample: hotlist.Hotlist, snapshot: Path
) -> None:
    # from_parts must set what __init__ sets, or a check on an opened snapshot fails later.
    opened = hotlist.open(snapshot)
    for part in ("documents", "vehicles", "persons", "person_documents"):
        built, loaded = getattr(sample._state, part), getattr(opened._state, part)
        assert set(vars(built)) == set(vars(loaded)), part


def _mapped_ranges(path: Path) -> list[tuple[int, int]]:
    """Address ranges of this process mapped from ``path`` (Linux /proc/self/maps)."""
    target = str(path.resolve())
    out = []
    for line in Path("/proc/self/maps").read_text().splitlines():
        fields = line.split(maxsplit=5)
        if len(fields) == 6 and fields[5] == target:
            start, end = (int(x, 16) for x in fields[0].split("-"))
            out.append((start, end))
    return out


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs Linux /proc/self/maps")
def test_open_memory_maps_the_tables(snapshot: Path) -> None:
    # Every data buffer of every opened table lies inside a mapping of its .arrow
    # file: a table read into memory (the Arrow pool, Python bytes) would not.
    opened = hotlist.open(snapshot)
    for name in ("documents", "vehicles", "persons"):
        table = opened.tables[name]
        ranges = _mapped_ranges(snapshot / f"{name}.arrow")
        assert ranges, f"{name}.arrow is not memory-mapped"
        buffers = [b for col in table.columns for chunk in col.chunks for b in chunk.buffers() if b]
        assert table.num_rows > 0 and buffers
        outside = [b.address for b in buffers if not any(s <= b.address < e for s, e in ranges)]
        assert not outside, f"{name}: {len(outside)} of {len(buffers)} buffers are not mapped"


def test_manifest(snapshot: Path, sample: hotlist.Hotlist) -> None:
    manifest = json.loads((snapshot / "manifest.json").read_text())
    assert manifest["format"] == "hotlist-snapshot" and manifest["format_version"] == 1
    assert manifest["data_version"] == sample.data_version
    assert manifest["counts"]["documents"] == sample.tables["documents"].num_rows
    assert "documents.arrow" in manifest["files"]
    for rel, meta in manifest["files"].items():
        assert (snapshot / rel).stat().st_size == meta["bytes"]
        assert len(meta["sha256"]) == 64
    assert _snapshot.verify(snapshot)["data_version"] == sample.data_version


def test_save_refuses_to_overwrite_unless_asked(sample: hotlist.Hotlist, tmp_path: Path) -> None:
    dest = sample.save(tmp_path / "s")
    with pytest.raises(hotlist.HotlistError, match="overwrite=True"):
        sample.save(dest)
    sample.save(dest, overwrite=True)
    assert hotlist.open(dest).data_version == sample.data_version
    (tmp_path / "plain").mkdir()
    with pytest.raises(hotlist.HotlistError, match="not a hotlist snapshot"):
        sample.save(tmp_path / "plain", overwrite=True)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def _copy(snapshot: Path, tmp_path: Path) -> Path:
    import shutil

    return Path(shutil.copytree(snapshot, tmp_path / "copy"))


def test_tampered_file_fails_verify_and_names_it(snapshot: Path, tmp_path: Path) -> None:
    copy = _copy(snapshot, tmp_path)
    target = copy / "index" / "documents.index.rows.npy"
    data = bytearray(target.read_bytes())
    data[-1] ^= 0x01
    target.write_bytes(bytes(data))
    with pytest.raises(hotlist.IntegrityError, match=r"documents\.index\.rows\.npy") as info:
        hotlist.open(copy, verify=True)
    assert info.value.path is not None and info.value.path.endswith("documents.index.rows.npy")
    with pytest.raises(hotlist.IntegrityError, match="SHA-256"):
        _snapshot.verify(copy)


def test_truncated_file_is_refused_even_without_verify(snapshot: Path, tmp_path: Path) -> None:
    copy = _copy(snapshot, tmp_path)
    target = copy / "documents.arrow"
    target.write_bytes(target.read_bytes()[:-100])
    with pytest.raises(hotlist.IntegrityError, match=r"documents\.arrow"):
        hotlist.open(copy)


def test_missing_file_and_missing_manifest(snapshot: Path, tmp_path: Path) -> None:
    copy = _copy(snapshot, tmp_path)
    (copy / "persons.keys.arrow").unlink()
    with pytest.raises(hotlist.IntegrityError, match=r"persons\.keys\.arrow: missing"):
        hotlist.open(copy)
    (copy / "manifest.json").unlink()
    with pytest.raises(hotlist.IntegrityError, match=r"no manifest\.json"):
        hotlist.open(copy)
    with pytest.raises(hotlist.IntegrityError, match="no such folder"):
        hotlist.open(tmp_path / "nowhere")


def _killed_save(tmp_path: Path, dest: Path, stop_at: str) -> None:
    """Run a save in a subprocess and SIGKILL it once ``stop_at`` is written."""
    script = textwrap.dedent(
        f"""
        import sys, time
        import hotlist
        import hotlist.synth
        from hotlist import _snapshot_save as _snapshot

        hl = hotlist.Hotlist.from_tables(**hotlist.synth.sample_tables(seed=7), progress=False)

        def pause(name):
            print(name, flush=True)
            if name == {stop_at!r}:
                time.sleep(120)

        _snapshot._after_file = pause
        hl.save({str(dest)!r}, overwrite=True)
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=tmp_path
    )
    assert proc.stdout is not None
    try:
        for line in proc.stdout:
            if line.strip() == stop_at:
                break
        else:  # pragma: no cover - the writer ended without reaching stop_at
            pytest.fail("the writer never reached " + stop_at)
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()


@pytest.mark.parametrize("stop_at", ["persons.arrow", "index/person_documents.owner.npy"])
def test_writer_killed_mid_save_leaves_nothing_that_opens(tmp_path: Path, stop_at: str) -> None:
    dest = tmp_path / "snap"
    _killed_save(tmp_path, dest, stop_at)
    assert not dest.exists()
    leftovers = [p for p in tmp_path.iterdir() if p.name.startswith(".snap.tmp-")]
    assert len(leftovers) == 1
    assert (leftovers[0] / "documents.arrow").exists()
    with pytest.raises(hotlist.IntegrityError, match=r"no manifest\.json"):
        hotlist.open(leftovers[0])
    with pytest.raises(hotlist.IntegrityError):
        hotlist.open(dest)


def test_writer_killed_while_replacing_keeps_the_old_snapshot(
    sample: hotlist.Hotlist, tmp_path: Path
) -> None:
    dest = sample.save(tmp_path / "snap")
    _killed_save(tmp_path, dest, "vehicles.keys.arrow")
    assert hotlist.open(dest, verify=True).data_version == sample.data_version
