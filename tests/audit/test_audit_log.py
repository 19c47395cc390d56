"""The audit log: hash chain, checkpoints, rotation, retention, crashes (issue 13 points 3-4)."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hotlist
from hotlist.audit import AuditLog, verify
from hotlist.audit._files import CHECKPOINTS

from .helpers import small_hotlist

SECRET = b"s" * 32


def _write_log(
    folder: Path, private: bytes, *, checks: int = 24, segment_bytes: int = 3000
) -> None:
    # sync="entry": one write per entry, so rotations and checkpoints fall at the same
    # entries in every run (group commit would batch them by timing)
    log = AuditLog(
        folder,
        secret=SECRET,
        signing_key=private,
        segment_bytes=segment_bytes,
        checkpoint_every=7,
        sync="entry",
    )
    hl = small_hotlist()
    hl.audit = log
    gate = hl.session(operator="o-1", role="frontline", purpose="border control", post="P1")
    for i in range(checks):
        r = gate.check(document="X1234567" if i % 3 == 0 else f"MISS{i:05d}")
        if r.hit and i % 2 == 0:
            gate.confirm(r.hits[0], outcome="confirmed")
    gate.check_many([{"document": f"ROW{i:05d}"} for i in range(5)])
    log.close()


@pytest.fixture(scope="module")
def pristine(keys: tuple[bytes, bytes]) -> Path:
    folder = Path(tempfile.mkdtemp()) / "audit"
    _write_log(folder, keys[0], segment_bytes=2000)
    return folder


def _files(folder: Path) -> list[Path]:
    return [*sorted(folder.glob("audit-*.log")), folder / CHECKPOINTS]


def test_pristine_log_verifies_with_signatures(pristine: Path, keys: tuple[bytes, bytes]) -> None:
    report = verify(pristine, public_key=keys[1])
    assert report.ok, report.summary()
    assert len(report.segments) >= 3 and report.checkpoints >= 3
    assert report.signed_through == report.last_seq and report.unsigned_tail == 0
    from hotlist._signing import generate_key_pair

    wrong = verify(pristine, public_key=generate_key_pair()[1])
    assert not wrong.ok and "signature" in (wrong.problem or "")


def _copy(pristine: Path) -> Path:
    target = Path(tempfile.mkdtemp()) / "audit"
    shutil.copytree(pristine, target, ignore=shutil.ignore_patterns(".lock"))
    return target


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_byte_changed_is_detected(pristine: Path, data: st.DataObject) -> None:
    files = _files(pristine)
    path = data.draw(st.sampled_from(files))
    size = path.stat().st_size
    pos = data.draw(st.integers(0, size - 1))
    folder = _copy(pristine)
    target = folder / path.name
    raw = bytearray(target.read_bytes())
    new = data.draw(st.integers(0, 255).filter(lambda b: b != raw[pos]))
    raw[pos] = new
    target.write_bytes(bytes(raw))
    assert not verify(folder).ok, (path.name, pos, new)
    shutil.rmtree(folder.parent)


def _lines(folder: Path) -> tuple[list[bytes], list[int]]:
    lines: list[bytes] = []
    sizes: list[int] = []
    for p in sorted(folder.glob("audit-*.log")):
        got = p.read_bytes().split(b"\n")[:-1]
        lines += got
        sizes.append(len(got))
    return lines, sizes


def _rewrite(folder: Path, lines: list[bytes], sizes: list[int]) -> None:
    sizes = [*sizes[:-1], len(lines) - sum(sizes[:-1])]
    at = 0
    for p, n in zip(sorted(folder.glob("audit-*.log")), sizes, strict=True):
        p.write_bytes(b"".join(x + b"\n" for x in lines[at : at + n]))
        at += n


def _tamper_lines(folder: Path, op: str, data: st.DataObject) -> int:
    """Delete, duplicate or move one line of the log's segments; returns its index."""
    lines, sizes = _lines(folder)
    k = data.draw(st.integers(0, len(lines) - 1))
    if op == "delete":
        del lines[k]
    elif op == "duplicate":
        lines.insert(data.draw(st.integers(0, len(lines))), lines[k])
    else:
        j = data.draw(st.integers(0, len(lines) - 2))
        line = lines.pop(k)
        lines.insert(j if j < k else j + 1, line)
    _rewrite(folder, lines, sizes)
    return k


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(op=st.sampled_from(["delete", "duplicate", "move"]), data=st.data())
def test_any_line_deleted_duplicated_or_moved_is_detected(
    pristine: Path, op: str, data: st.DataObject
) -> None:
    folder = _copy(pristine)
    k = _tamper_lines(folder, op, data)
    report = verify(folder)
    assert not report.ok, (op, k)
    assert report.problem
    shutil.rmtree(folder.parent)


@pytest.mark.parametrize("op", ["delete_last", "duplicate", "swap"])
def test_checkpoint_copies_are_checked_too(pristine: Path, op: str) -> None:
    folder = _copy(pristine)
    cps = folder / CHECKPOINTS
    lines = cps.read_bytes().split(b"\n")[:-1]
    if op == "delete_last":
        lines.pop()
    elif op == "duplicate":
        lines.insert(1, lines[0])
    else:
        lines[0], lines[1] = lines[1], lines[0]
    cps.write_bytes(b"".join(x + b"\n" for x in lines))
    assert not verify(folder).ok


def test_deleting_the_last_entries_of_a_closed_log_is_detected(pristine: Path) -> None:
    folder = _copy(pristine)
    last = sorted(folder.glob("audit-*.log"))[-1]
    lines = last.read_bytes().split(b"\n")[:-1]
    last.write_bytes(b"".join(x + b"\n" for x in lines[:-1]))
    report = verify(folder)
    assert not report.ok and "deleted from the end" in (report.problem or "")


def test_truncated_last_entry_is_reported_then_recovered(
    pristine: Path, keys: tuple[bytes, bytes]
) -> None:
    folder = _copy(pristine)
    last = sorted(folder.glob("audit-*.log"))[-1]
    data = last.read_bytes()
    last.write_bytes(data[:-40])  # a crash in the middle of the last line
    report = verify(folder)
    assert not report.ok and report.truncated and "truncated" in (report.problem or "")
    log = AuditLog(folder, secret=SECRET, signing_key=keys[0])
    log.close()
    report = verify(folder, public_key=keys[1])
    assert report.ok, report.summary()
    entries = [
        json.loads(x)
        for p in sorted(folder.glob("audit-*.log"))
        for x in p.read_text().splitlines()
    ]
    assert any(e["kind"] == "recovered" for e in entries)
    assert list(folder.glob("*.partial-*"))


CRASHER = textwrap.dedent(
    """
    import sys, hotlist
    sys.path.insert(0, sys.argv[3])
    from tests.audit.helpers import small_hotlist
    log = hotlist.AuditLog(sys.argv[1], secret=b"s" * 32, sync=sys.argv[2], checkpoint_every=50,
                           segment_bytes=20000)
    hl = small_hotlist()
    hl.audit = log
    gate = hl.session(operator="o", role="frontline", purpose="crash test")
    print("ready", flush=True)
    i = 0
    while True:
        gate.check(document=f"N{i:07d}")
        i += 1
    """
)


@pytest.mark.parametrize("sync", ["entry", "group"])
def test_a_killed_writer_leaves_a_log_that_verifies_or_is_truncated(
    tmp_path: Path, sync: str
) -> None:
    folder = tmp_path / "audit"
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen(
        [sys.executable, "-c", CRASHER, str(folder), sync, str(root)],
        stdout=subprocess.PIPE,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == b"ready"
    import time

    # kill it once it has written a few entries (bounded wait: a busy machine is slow)
    deadline = time.monotonic() + 20
    segment = folder / "audit-000001.log"
    while time.monotonic() < deadline:
        if segment.exists() and segment.stat().st_size > 3000:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    report = verify(folder)
    assert report.ok or report.truncated, report.summary()
    assert report.entries >= 1 or report.truncated
    AuditLog(folder, secret=SECRET).close()  # recovery on open
    assert verify(folder).ok


def test_rotation_and_retention_keep_the_chain_verifiable(
    tmp_path: Path, keys: tuple[bytes, bytes]
) -> None:
    folder = tmp_path / "audit"
    _write_log(folder, keys[0], checks=40, segment_bytes=2500)
    before = sorted(p.name for p in folder.glob("audit-*.log"))
    log = AuditLog(folder, secret=SECRET, signing_key=keys[0])
    removed = log.purge(older_than=0)
    log.close()
    assert removed and set(removed) < set(before)
    report = verify(folder, public_key=keys[1])
    assert report.ok, report.summary()
    assert report.first_seq > 1
    # removing one more segment by hand is not a purge: detected
    first = sorted(folder.glob("audit-*.log"))[0]
    first.unlink()
    report = verify(folder)
    assert not report.ok


def test_a_second_writer_is_refused(log_dir: Path) -> None:
    log = AuditLog(log_dir, secret=SECRET)
    code = f"import hotlist; hotlist.AuditLog({str(log_dir)!r}, secret=b's' * 32)"
    other = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert other.returncode != 0 and "open for writing in another process" in other.stderr
    log.close()


def test_short_secrets_are_refused(log_dir: Path) -> None:
    with pytest.raises(hotlist.audit.AuditError, match="at least 16 bytes"):
        AuditLog(log_dir, secret=b"short")


def test_lines_are_canonical_json(pristine: Path) -> None:
    for p in sorted(pristine.glob("audit-*.log")):
        for line in p.read_text().splitlines():
            entry = json.loads(line)
            seq, prev = entry.pop("seq"), entry.pop("prev")
            rest = json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
            assert line == f'{{"seq":{seq},"prev":"{prev}",' + rest[1:]


def test_a_normal_exit_without_close_still_writes_and_checkpoints(tmp_path: Path) -> None:
    folder = tmp_path / "audit"
    root = Path(__file__).resolve().parents[2]
    code = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(root)!r})
        import hotlist
        from tests.audit.helpers import small_hotlist
        log = hotlist.AuditLog({str(folder)!r}, secret=b"s" * 32, group_window=60)
        hl = small_hotlist()
        hl.audit = log
        gate = hl.session(operator="o", role="frontline", purpose="exit test")
        for i in range(5):
            gate.check(document=f"N{{i:07d}}")
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    report = verify(folder)
    assert report.ok and report.entries == 7 and report.unsigned_tail == 0, report.summary()


def test_a_crash_during_the_very_first_entry(log_dir: Path) -> None:
    log_dir.mkdir(parents=True)
    (log_dir / "audit-000001.log").write_bytes(b'{"seq":1,"prev":"00000')
    report = verify(log_dir)
    assert not report.ok and report.truncated
    AuditLog(log_dir, secret=SECRET).close()
    report = verify(log_dir)
    assert report.ok and report.first_seq == 1, report.summary()


def test_a_crash_while_copying_a_checkpoint(pristine: Path, keys: tuple[bytes, bytes]) -> None:
    folder = _copy(pristine)
    cps = folder / CHECKPOINTS
    lines = cps.read_bytes().split(b"\n")[:-1]
    cps.write_bytes(b"".join(x + b"\n" for x in lines[:-1]) + lines[-1][:50])
    report = verify(folder)
    assert not report.ok and report.truncated
    AuditLog(folder, secret=SECRET, signing_key=keys[0]).close()
    assert verify(folder, public_key=keys[1]).ok


def test_a_caller_faster_than_the_writer_is_held_back(log_dir: Path) -> None:
    from hotlist.audit import SessionContext

    log = AuditLog(log_dir, secret=SECRET, group_window=60, group_max=100)
    ctx = SessionContext("o", "frontline", "p", "post", "s")
    longest = 0
    for i in range(1000):
        log.record("check", (ctx, {"document": f"N{i:06d}"}, {}, [], False, 0, 1, "v", "m", None))
        longest = max(longest, len(log._queue))
    assert longest <= 100  # never more than group_max waiting
    written = (log_dir / "audit-000001.log").read_bytes().count(b"\n")
    assert written >= 900  # reached the file without a flush, despite a 60 s window
    log.close()
    assert verify(log_dir).entries == 1002
