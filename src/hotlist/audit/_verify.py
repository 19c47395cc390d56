"""``verify``: is the audit log exactly what was written?  ``search``: was this checked?

``verify`` walks every segment line by line: each line must carry the next
sequence number and the SHA-256 of the line before it; every checkpoint entry
must be byte-identical to its copy in ``checkpoints.log`` (and the copy must
exist), and with a public key its Ed25519 signature must hold.  The first
problem is reported with its file, line and sequence number: an edited,
deleted, inserted, duplicated, reordered or truncated entry.  A partial last
line (a crash while writing) is reported as ``truncated``.

A log whose first segments were removed by retention starts at a later
sequence number: its first entry must link to a checkpoint kept in
``checkpoints.log``, and a ``purge`` entry later in the chain must record the
removal.

What a hash chain cannot show: entries removed from the end together with
their checkpoints.  Every ``close()`` and rotation writes a checkpoint, so
removing the last line of a closed log is detected (its checkpoint copy
remains); keep copies of checkpoints (or receipts) elsewhere to pin the head.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hotlist._signing import load_public_key
from hotlist.audit._chain import links
from hotlist.audit._files import CHECKPOINTS, segments
from hotlist.audit._format import (
    GENESIS,
    KeyedHasher,
    canonical_line,
    parse_prefix,
    sign_message,
)

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from hotlist._signing import KeyArg

__all__ = ["SearchHit", "VerifyReport", "search", "verify"]

_WINDOW = 4 << 20  # bytes of a segment split and hashed at a time (stays in the CPU's cache)


@dataclass
class VerifyReport:
    """What ``verify`` found.  ``ok`` is False at the first ``problem``."""

    ok: bool
    entries: int = 0
    first_seq: int = 0
    last_seq: int = 0
    checkpoints: int = 0
    signed_through: int = 0  # the last entry covered by a verified signature (0: none)
    unsigned_tail: int = 0  # entries after the last checkpoint
    signatures_checked: bool = False
    truncated: bool = False
    problem: str | None = None
    problem_seq: int | None = None
    problem_file: str | None = None
    problem_line: int | None = None
    segments: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.ok

    def summary(self) -> str:
        if self.ok:
            signed = (
                f"signatures verified through entry {self.signed_through}"
                if self.signatures_checked
                else "signatures not checked (no public key given)"
            )
            return (
                f"OK: {self.entries:,} entries (seq {self.first_seq}..{self.last_seq}) in "
                f"{len(self.segments)} segment(s), {self.checkpoints} checkpoint(s); {signed}; "
                f"{self.unsigned_tail} entries after the last checkpoint"
            )
        where = f"{self.problem_file}:{self.problem_line}" if self.problem_file else "log"
        kind = "TRUNCATED" if self.truncated else "FAILED"
        return f"{kind}: {where} (entry {self.problem_seq}): {self.problem}"


class _Fail(Exception):  # noqa: N818 - internal: the first problem found
    def __init__(
        self,
        problem: str,
        seq: int | None,
        path: Path | None,
        line: int | None,
        truncated: bool = False,
    ) -> None:
        super().__init__(problem)
        self.problem, self.seq, self.path, self.line = problem, seq, path, line
        self.truncated = truncated


def _check_signature(
    line: bytes, public_key: Ed25519PublicKey, seq: int, path: Path | None, lineno: int | None
) -> None:
    from cryptography.exceptions import (  # noqa: PLC0415 - lazy optional import (cryptography)
        InvalidSignature,
    )

    try:
        entry = json.loads(line)
    except ValueError:
        raise _Fail("checkpoint entry is not valid JSON", seq, path, lineno) from None
    sig = entry.pop("sig", None)
    if not sig:
        raise _Fail("checkpoint is not signed, and a public key was given", seq, path, lineno)
    seq_, prev = entry.pop("seq"), entry.pop("prev")
    unsigned = canonical_line(seq_, prev, entry)
    try:
        public_key.verify(base64.b64decode(sig), sign_message(unsigned))
    except (InvalidSignature, ValueError):
        raise _Fail("checkpoint signature does not verify", seq, path, lineno) from None


def verify(path: str | os.PathLike[str], public_key: KeyArg | None = None) -> VerifyReport:
    """Check the hash chain, the checkpoints and (with ``public_key``) their
    signatures of the audit log in folder ``path``; see the module docstring."""
    folder = Path(path)
    report = VerifyReport(ok=True)
    key = None
    if public_key is not None:
        key = load_public_key(public_key)
        report.signatures_checked = True
    try:
        _Walk(folder, key, report).run()
    except _Fail as fail:
        report.ok = False
        report.problem = fail.problem
        report.problem_seq = fail.seq
        report.problem_file = fail.path.name if fail.path else None
        report.problem_line = fail.line
        report.truncated = fail.truncated
    return report


def _read_checkpoints(cp_path: Path) -> dict[int, tuple[bytes, int]]:
    """The copies in checkpoints.log by sequence number: (line, line number)."""
    checkpoints: dict[int, tuple[bytes, int]] = {}
    if not cp_path.exists():
        return checkpoints
    data = cp_path.read_bytes()
    if data and not data.endswith(b"\n"):
        raise _Fail(
            "checkpoints.log ends with a partial line (a crash while writing it?)",
            None,
            cp_path,
            data.count(b"\n") + 1,
            truncated=True,
        )
    last_cp = 0
    for i, line in enumerate(data.split(b"\n")[:-1] if data else []):
        parsed = parse_prefix(line)
        if parsed is None:
            raise _Fail("unreadable checkpoint line", None, cp_path, i + 1)
        if parsed[0] <= last_cp:
            raise _Fail("checkpoint lines out of order or duplicated", parsed[0], cp_path, i + 1)
        last_cp = parsed[0]
        checkpoints[parsed[0]] = (line, i + 1)
    return checkpoints


def _windows(path: Path, size: int) -> Iterator[tuple[bytes, int, bool, bytes]]:
    """A segment about ``_WINDOW`` bytes at a time: ``(block, end, last, tail)``,
    the block's whole lines being ``block[:end]``.  A block is read as is; a
    partial line at its end is read again at the start of the next block (the
    file is sought back, nothing is copied), and in the last block it is ``tail``
    (b"" when the segment ends with a newline).  The lines are checked while in
    the CPU's cache, and a segment of any size is verified in little memory."""
    with path.open("rb") as f:
        pos = 0
        while pos < size:
            block = f.read(_WINDOW)
            if not block:
                return
            end = block.rfind(b"\n") + 1
            while not end and pos + len(block) < size:  # a line over the window
                block += f.readline()
                end = block.rfind(b"\n") + 1
            tail = block[end:]
            pos += len(block)
            if pos >= size:
                yield block, end, True, tail
                return
            if tail:
                f.seek(-len(tail), os.SEEK_CUR)
                pos -= len(tail)
            yield block, end, False, b""


class _Walk:
    """One walk of the chain, segment by segment; raises :class:`_Fail` at the first problem."""

    def __init__(self, folder: Path, key: Ed25519PublicKey | None, report: VerifyReport) -> None:
        self.folder, self.key, self.report = folder, key, report
        self.cp_path = folder / CHECKPOINTS
        self.checkpoints: dict[int, tuple[bytes, int]] = {}
        self.seen_cps = 0
        self.purged_through = 0
        self.last_cp_seq = 0

    def run(self) -> None:
        folder, report = self.folder, self.report
        if not folder.is_dir():
            raise _Fail(f"{folder} is not an audit log folder", None, None, None)
        found = segments(folder)
        if not found:
            raise _Fail("no audit segments (audit-*.log) in the folder", None, None, None)
        report.segments = [p.name for _, p in found]
        self.checkpoints = _read_checkpoints(self.cp_path)
        expected, prev, purge_needed = self._start(found[0][1], len(found) == 1)
        report.first_seq = expected
        self.last_cp_seq = expected - 1
        prev_b = prev.encode()
        for k, (_, path) in enumerate(found):
            expected, prev_b = self._segment(path, expected, prev_b, k == len(found) - 1)
        self._finish(expected, purge_needed, found[0][1])

    def _start(self, first_path: Path, single: bool) -> tuple[int, str, int]:
        """The first entry's (seq, prev) and how many entries a purge must account for."""
        with first_path.open("rb") as f:
            head = f.readline().rstrip(b"\n")
        start = parse_prefix(head)
        if start is None:
            only_line = single and b"\n" not in first_path.read_bytes()
            raise _Fail(
                "the first entry is truncated (a crash while writing?)"
                if only_line
                else "the first entry is unreadable",
                1 if only_line else None,
                first_path,
                1,
                truncated=only_line,
            )
        if start[0] == 1:
            return 1, GENESIS, 0
        cp = self.checkpoints.get(start[0] - 1)
        if cp is None:
            raise _Fail(
                f"the log starts at entry {start[0]} and no kept checkpoint covers entry "
                f"{start[0] - 1}: earlier entries were deleted",
                start[0],
                first_path,
                1,
            )
        if hashlib.sha256(cp[0]).hexdigest() != start[1]:
            raise _Fail(
                "the first entry does not link to the kept checkpoint before it",
                start[0],
                first_path,
                1,
            )
        if self.key is not None:
            _check_signature(cp[0], self.key, start[0] - 1, self.cp_path, cp[1])
            self.report.signed_through = start[0] - 1
        return start[0], start[1], start[0] - 1

    def _segment(
        self, path: Path, expected: int, prev_b: bytes, last_in_log: bool
    ) -> tuple[int, bytes]:
        size = path.stat().st_size
        if not size:
            if last_in_log:
                return expected, prev_b  # just rotated: the next entry goes here
            raise _Fail("an empty segment inside the log", expected, path, 1)
        first, first_prev = expected, prev_b
        for block, end, last_block, tail in _windows(path, size):
            count, bad, head, others = links(block, end, expected, prev_b)
            if bad is not None:
                every = path.read_bytes().split(b"\n")[:-1]
                self._line_by_line(path, every, first, first_prev, last_in_log)
                at = expected - first + bad
                raise _Fail(
                    "the entry does not link to the one before it", first + at, path, at + 1
                )
            for i, line in others:
                last_line = last_in_log and last_block and not tail and i == count - 1
                self._other(path, line, expected - first + i + 1, expected + i, last_line)
            expected += count
            prev_b = head
            if tail:
                raise _Fail(
                    "the last entry is truncated (a crash while writing?)"
                    if last_in_log
                    else "a segment ends without a newline: entries were cut or joined",
                    expected,
                    path,
                    expected - first + 1,
                    truncated=last_in_log,
                )
        if not last_in_log and self.last_cp_seq != expected - 1:
            raise _Fail(
                "a closed segment does not end with its checkpoint "
                "(entries were moved, added or removed at its end)",
                expected - 1,
                path,
                expected - first,
            )
        return expected, prev_b

    def _line_by_line(
        self, path: Path, lines: list[bytes], expected: int, prev_b: bytes, last_in_log: bool
    ) -> None:
        """The walk of a segment with a broken link, one line at a time, to name the
        first problem exactly (a checkpoint's problem before it comes first)."""
        for i, line in enumerate(lines):
            prefix = b'{"seq":%d,"prev":"%b",' % (expected, prev_b)
            if not line.startswith(prefix):
                parsed = parse_prefix(line)
                if parsed is None:
                    raise _Fail("unreadable entry (edited?)", expected, path, i + 1)
                if parsed[0] != expected:
                    raise _Fail(
                        f"entry {parsed[0]} where entry {expected} was expected "
                        "(deleted, inserted, duplicated or moved entries)",
                        expected,
                        path,
                        i + 1,
                    )
                raise _Fail(
                    "the entry does not link to the one before it "
                    "(the previous entry was edited, or entries were removed or moved)",
                    expected,
                    path,
                    i + 1,
                )
            if not line.startswith(b'"alarm":', len(prefix)):
                self._other(path, line, i + 1, expected, last_in_log and i == len(lines) - 1)
            prev_b = hashlib.sha256(line).hexdigest().encode()
            expected += 1

    def _other(self, path: Path, line: bytes, lineno: int, seq: int, last_line: bool) -> None:
        """An entry other than a check (a checkpoint, a purge, a decision...), read in
        full; ``last_line``: the last line of the log."""
        try:
            entry = json.loads(line)
        except ValueError:
            raise _Fail("unreadable entry (edited?)", seq, path, lineno) from None
        if entry.get("kind") == "checkpoint":
            cp = self.checkpoints.get(seq)
            if cp is None:
                raise _Fail(
                    "checkpoint entry missing from checkpoints.log"
                    + (" (a crash while writing it?)" if last_line else ""),
                    seq,
                    path,
                    lineno,
                    truncated=last_line,
                )
            if cp[0] != line:
                raise _Fail(
                    "checkpoint entry differs from its copy in checkpoints.log", seq, path, lineno
                )
            if entry.get("segment") != path.name:
                raise _Fail(
                    f"checkpoint of segment {entry.get('segment')} found in {path.name}: "
                    "entries were moved between segments",
                    seq,
                    path,
                    lineno,
                )
            if self.key is not None:
                _check_signature(line, self.key, seq, path, lineno)
                self.report.signed_through = seq
            self.seen_cps += 1
            self.last_cp_seq = seq
        elif entry.get("kind") == "purge":
            self.purged_through = max(self.purged_through, int(entry.get("through_seq", 0)))

    def _finish(self, expected: int, purge_needed: int, first_path: Path) -> None:
        report, checkpoints = self.report, self.checkpoints
        report.last_seq = expected - 1
        report.entries = expected - report.first_seq
        report.checkpoints = self.seen_cps
        report.unsigned_tail = report.last_seq - self.last_cp_seq
        later = [s for s in checkpoints if s > report.last_seq]
        if later:
            raise _Fail(
                f"checkpoints.log has a checkpoint at entry {min(later)} but the log ends at "
                f"entry {report.last_seq}: entries were deleted from the end",
                report.last_seq + 1,
                self.cp_path,
                checkpoints[min(later)][1],
            )
        kept = [s for s in checkpoints if report.first_seq <= s <= report.last_seq]
        if len(kept) != self.seen_cps:
            raise _Fail(
                "checkpoints.log lists a checkpoint that is not in the log",
                None,
                self.cp_path,
                None,
            )
        if purge_needed and self.purged_through < purge_needed:
            raise _Fail(
                f"entries 1..{purge_needed} are gone but no purge entry records their removal",
                report.first_seq,
                first_path,
                1,
            )


# -- search -----------------------------------------------------------------------------


@dataclass
class SearchHit:
    """One logged check (or decision) of the value searched for."""

    seq: int
    kind: str
    t: str
    operator: str | None
    role: str | None
    post: str | None
    purpose: str | None
    hits: list[Any]
    alarm: bool | None
    entry: dict[str, Any]
    decisions: list[dict[str, Any]] = field(default_factory=list)

    def text(self) -> str:
        hits = ", ".join(f"{h[0]}:{h[1]} ({h[2]})" for h in self.hits) or "no hit"
        extra = "".join(
            f"\n    decision {d.get('t')}: {d.get('outcome')} by {d.get('operator')}"
            + (f" ({d.get('note')})" if d.get("note") else "")
            for d in self.decisions
        )
        return (
            f"{self.t}  entry {self.seq}  {self.operator} ({self.role}) at {self.post}, "
            f"purpose {self.purpose!r}: {'ALARM ' if self.alarm else ''}{hits}{extra}"
        )


def search(path: str | os.PathLike[str], secret: bytes | str, **values: Any) -> list[SearchHit]:
    """Every logged check of the given values (``document=``, ``vin=``, ``plate=``,
    ``name=``, ``mrz=``...: the same keywords as ``check()``), oldest first, with
    the decisions linked to each.  Needs the deployment secret: the log holds
    only keyed hashes."""
    if not values:
        raise ValueError("give a value to search for, e.g. document='L898902C3'")
    hasher = KeyedHasher(secret)
    wanted: list[tuple[str, str]] = []
    for name, value in values.items():
        h = hasher(name, value)
        wanted.append((name, h))
    needles = [h.encode() for _, h in wanted]
    folder = Path(path)
    found: list[SearchHit] = []
    by_id: dict[str, SearchHit] = {}
    decisions: list[dict[str, Any]] = []
    for _, seg in segments(folder):
        for line in seg.read_bytes().split(b"\n"):
            if not line:
                continue
            if b'"kind":"decision"' in line:
                try:
                    decisions.append(json.loads(line))
                except ValueError:
                    continue
                continue
            if not all(n in line for n in needles):
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            q = entry.get("q") or {}
            if not all(
                q.get(name) == h or (name == "document" and q.get("mrz.document") == h)
                for name, h in wanted
            ):
                continue
            hit = SearchHit(
                seq=entry.get("seq", 0),
                kind=entry.get("kind", ""),
                t=entry.get("t", ""),
                operator=entry.get("operator"),
                role=entry.get("role"),
                post=entry.get("post"),
                purpose=entry.get("purpose"),
                hits=entry.get("hits") or [],
                alarm=entry.get("alarm"),
                entry=entry,
            )
            found.append(hit)
            check_id = entry.get("id") or (
                f"{entry['batch']}/{entry['row']}" if "batch" in entry else None
            )
            if check_id:
                by_id[check_id] = hit
    for d in decisions:
        target = by_id.get(str(d.get("check")))
        if target is not None:
            target.decisions.append(d)
    return found
