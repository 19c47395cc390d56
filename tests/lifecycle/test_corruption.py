"""Damaged snapshots: same-size byte corruption of every file, opened with the defaults.

Each corruption runs in one child process that tries many in a loop and reports
each outcome on a line: a crash (SIGSEGV...) ends the child and fails the test,
naming the corruption it was trying.  The only acceptable outcomes are
IntegrityError at open, or answers identical to the undamaged snapshot's.
Also: damaged manifests, unlisted files, and a crash between the two renames of
``save(overwrite=True)``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyarrow import ipc

import hotlist

# The child: corrupt one byte in place, open with the defaults, answer the battery,
# restore the byte; one JSON line per corruption ("trying" first, so a crash names it).
CHILD = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    sys.path.insert(0, sys.argv[2])
    import hotlist
    from lifecycle_helpers import answers

    snap = Path(sys.argv[1])
    expected = answers(hotlist.open(snap))
    for line in sys.stdin:
        rel, offset, xor = json.loads(line)
        path = snap / rel
        data = bytearray(path.read_bytes())
        offset %= len(data)
        original = data[offset]
        data[offset] ^= xor
        path.write_bytes(bytes(data))
        print(json.dumps({"trying": [rel, offset, xor]}), flush=True)
        try:
            try:
                hl = hotlist.open(snap)
            except hotlist.IntegrityError as exc:
                named = rel in str(exc)
                outcome = "integrity" if named else "integrity, file not named: " + str(exc)
            else:
                outcome = "same" if answers(hl) == expected else "different answers"
        except Exception as exc:
            outcome = f"{type(exc).__name__}: {exc}"
        data[offset] = original
        path.write_bytes(bytes(data))
        print(json.dumps({"done": [rel, offset, xor], "outcome": outcome}), flush=True)
    """
)


@pytest.fixture(scope="module")
def damaged_copy(snapshot: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return Path(shutil.copytree(snapshot, tmp_path_factory.mktemp("damage") / "snap"))


def _files(snapshot: Path) -> list[str]:
    manifest = json.loads((snapshot / "manifest.json").read_text())
    return sorted(manifest["files"])


def _run(copy: Path, corruptions: list[tuple[str, int, int]]) -> list[tuple[object, str]]:
    """Outcomes of the corruptions, tried one after another in one child process."""
    helpers = str(Path(__file__).parent)
    stdin = "".join(json.dumps(c) + "\n" for c in corruptions)
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(copy), helpers],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    outcomes, trying = [], None
    for line in proc.stdout.splitlines():
        msg = json.loads(line)
        if "trying" in msg:
            trying = msg["trying"]
        else:
            outcomes.append((msg["done"], msg["outcome"]))
            trying = None
    assert proc.returncode == 0, (
        f"the child died (exit {proc.returncode}) while trying {trying}: {proc.stderr[-2000:]}"
    )
    assert len(outcomes) == len(corruptions)
    return outcomes


def _assert_safe(outcomes: list[tuple[object, str]]) -> None:
    bad = [(c, o) for c, o in outcomes if o not in ("integrity", "same")]
    assert not bad, f"{len(bad)} of {len(outcomes)} corruptions were not caught: {bad[:10]}"


def _sweep(copy: Path) -> list[tuple[str, int, int]]:
    """Per file: the magic and length fields at the start (Arrow magic and schema
    length, .npy magic, version and header length), two bytes of the .npy header
    text / Arrow schema, three spread over the body (buffers, offsets, index
    entries) and the end (Arrow footer, its length and magic)."""
    out = []
    for rel in _files(copy):
        size = (copy / rel).stat().st_size
        offsets = {0, 3, 6, 7, 8, 9, 12, 40, 90, size // 3, size // 2, 2 * size // 3}
        offsets |= {size - 1, size - 6, size - 10, size - 40}
        out += [(rel, o, 0xFF if o % 2 else 0x01) for o in sorted(offsets) if 0 <= o < size]
        if rel.endswith(".arrow"):
            out += _offset_bytes(copy / rel, rel)
    return out


def _offset_bytes(path: Path, rel: str) -> list[tuple[str, int, int]]:
    """The high byte of the second offset of every variable-size column (strings,
    lists) of an Arrow file: changed, it points far outside the file, the damage
    that made the first check() die with SIGSEGV."""
    whole = pa.py_buffer(path.read_bytes())
    base = whole.address  # the buffers read are zero-copy slices of it
    table = ipc.open_file(whole).read_all()
    out = []
    for column in table.columns:
        for chunk in column.chunks:
            arrays = [chunk.indices, chunk.dictionary] if hasattr(chunk, "indices") else [chunk]
            for array in arrays:
                kind = array.type
                if pa.types.is_dictionary(kind):
                    continue
                if not (
                    pa.types.is_string(kind)
                    or pa.types.is_binary(kind)
                    or pa.types.is_list(kind)
                    or pa.types.is_large_string(kind)
                ):
                    continue
                offsets = array.buffers()[1]
                if offsets is None or len(array) < 1:
                    continue
                width = 8 if pa.types.is_large_string(kind) else 4
                at = offsets.address - base + width + width - 2  # offset[1], a high byte
                out.append((rel, at, 0x40))
    return out


def test_every_file_header_footer_and_body_sweep(damaged_copy: Path) -> None:
    corruptions = _sweep(damaged_copy)
    assert len({c[0] for c in corruptions}) >= 30  # every table, key file and index array
    outcomes = _run(damaged_copy, corruptions)
    _assert_safe(outcomes)
    # Every one changed a byte of a listed file: the default open must refuse each.
    assert all(o == "integrity" for _, o in outcomes)


@settings(
    max_examples=2,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_byte_corruption_is_refused_or_harmless(
    damaged_copy: Path, data: st.DataObject
) -> None:
    files = _files(damaged_copy)
    corruption = st.tuples(st.sampled_from(files), st.integers(0, 1 << 30), st.integers(1, 255))
    corruptions = data.draw(st.lists(corruption, min_size=40, max_size=40))
    _assert_safe(_run(damaged_copy, corruptions))


# -- damaged manifests and folders ---------------------------------------------------


def _copy(snapshot: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(snapshot, tmp_path / "copy"))


def _edit_manifest(copy: Path, edit: object) -> None:
    path = copy / "manifest.json"
    manifest = json.loads(path.read_text())
    edit(manifest)  # type: ignore[operator]
    path.write_text(json.dumps(manifest))


MANIFEST_DAMAGE = {
    "data_version not text": lambda m: m.update(data_version=12),
    "data_time missing": lambda m: m.pop("data_time"),
    "data_time not a time": lambda m: m.update(data_time="yesterday"),
    "counts wrong type": lambda m: m.update(counts={"documents": "many"}),
    "files not a map": lambda m: m.update(files=["documents.arrow"]),
    "file size not a number": lambda m: m["files"]["documents.arrow"].update(bytes="12"),
    "sha256 not hex": lambda m: m["files"]["documents.arrow"].update(sha256="x"),
    "crc32 out of range": lambda m: m["files"]["documents.arrow"].update(crc32=-1),
    "path outside the folder": lambda m: m["files"].update(
        {"../outside.arrow": m["files"]["documents.arrow"]}
    ),
    "absolute path": lambda m: m["files"].update({"/etc/passwd": m["files"]["documents.arrow"]}),
    "a table unlisted": lambda m: m["files"].pop("persons.arrow"),
    "sources wrong type": lambda m: m.update(sources="x"),
    "report wrong type": lambda m: m.update(report={"documents": {"read": "7"}}),
    "format_version true": lambda m: m.update(format_version=True),
}


@pytest.mark.parametrize("damage", sorted(MANIFEST_DAMAGE))
def test_damaged_manifest_raises_integrity_error(
    snapshot: Path, tmp_path: Path, damage: str
) -> None:
    copy = _copy(snapshot, tmp_path)
    # A real file beside the folder, as the manifest describes it: only the path is wrong.
    shutil.copyfile(copy / "documents.arrow", tmp_path / "outside.arrow")
    _edit_manifest(copy, MANIFEST_DAMAGE[damage])
    with pytest.raises(hotlist.IntegrityError) as info:
        hotlist.open(copy)
    assert info.value.path is not None and str(copy) in info.value.path


def test_unlisted_file_and_links_are_refused(snapshot: Path, tmp_path: Path) -> None:
    copy = _copy(snapshot, tmp_path)
    (copy / "index" / "documents.extra.npy").write_bytes(b"x")
    with pytest.raises(hotlist.IntegrityError, match="not listed"):
        hotlist.open(copy)
    (copy / "index" / "documents.extra.npy").unlink()
    assert hotlist.open(copy).data_version
    target = copy / "persons.arrow"
    moved = tmp_path / "elsewhere.arrow"
    shutil.move(target, moved)
    target.symlink_to(moved)
    with pytest.raises(hotlist.IntegrityError, match="symbolic link"):
        hotlist.open(copy)


# -- a crash between the renames of save(overwrite=True) ------------------------------

KILL_BETWEEN_RENAMES = textwrap.dedent(
    """
    import os, sys
    import hotlist
    from hotlist import _snapshot_save as _snapshot

    hl = hotlist.Hotlist.from_tables(
        documents=hotlist.load(sys.argv[2], progress=False).tables["documents"].slice(0, 3),
        progress=False,
    )
    _snapshot._exchange = lambda a, b: False      # a system without RENAME_EXCHANGE
    _snapshot._between_renames = lambda: os._exit(9)  # killed between the two renames
    hl.save(sys.argv[1], overwrite=True, allow_rollback=True)
    """
)


def test_crash_between_renames_leaves_a_snapshot_at_the_path(
    sample: hotlist.Hotlist, tmp_path: Path
) -> None:
    dest = sample.save(tmp_path / "snap")
    proc = subprocess.run(
        [sys.executable, "-c", KILL_BETWEEN_RENAMES, str(dest), str(hotlist.sample_data_path())],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 9, proc.stderr
    # The writer died with NAME renamed aside: open finds the aside copy (old or new).
    opened = hotlist.open(dest)
    assert opened.tables["documents"].num_rows in (3, sample.tables["documents"].num_rows)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_exchange_replaces_without_a_gap_and_cleans_up(
    sample: hotlist.Hotlist, tmp_path: Path
) -> None:
    dest = sample.save(tmp_path / "snap")
    # A folder left by a writer that died (a pid that cannot be running).
    dead = tmp_path / f".snap.tmp-{2**22 + 12345}-deadbeef"
    dead.mkdir()
    (dead / "documents.arrow").write_bytes(b"partial")
    seen: list[bool] = []
    from hotlist import _snapshot_save as _snapshot

    real = _snapshot._exchange

    def watch(a: Path, b: Path) -> bool:
        done = real(a, b)
        seen.append(done and b.is_dir() and (b / "manifest.json").is_file())
        return done

    _snapshot._exchange = watch
    try:
        sample.save(dest, overwrite=True)
    finally:
        _snapshot._exchange = real
    if sys.platform.startswith("linux"):
        assert seen == [True]
    assert hotlist.open(dest).data_version == sample.data_version
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert os.listdir(tmp_path) == ["snap"]


def test_verify_false_still_checks_the_bytes(snapshot: Path, tmp_path: Path) -> None:
    # Callers (service, adapters) pass verify=False meaning "no SHA-256": the damage
    # check must still run; only verify="size" skips it.
    copy = _copy(snapshot, tmp_path)
    target = copy / "documents.arrow"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    for verify in (False, "checksum", True, "sha256"):
        with pytest.raises(hotlist.IntegrityError, match=r"documents\.arrow"):
            hotlist.open(copy, verify=verify)
    with pytest.raises(hotlist.HotlistError, match="verify must be"):
        hotlist.open(copy, verify="fast")
