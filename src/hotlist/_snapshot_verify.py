"""Checking a snapshot's bytes against its manifest before anything is mapped.

**Damaged bytes never reach native code.**  Arrow and numpy trust the offsets
and lengths in the files they map; one changed offset can make the first check
read out of bounds and kill the process.  So :func:`open` checks every byte
against the manifest before anything is mapped, by default with CRC-32
(``verify="checksum"``): it detects every change of up to four consecutive bytes
for certain and any other damage with probability 1 - 2**-32, at about
1.5 GB/s per core (zlib; files are checked in parallel threads).  Measured
with ``benchmarks/bench_snapshot_verify.py`` on the shared 2-core VM: a
snapshot of 1 M documents (103 MB) opened in 0.17 s with the checksum, 0.31 s
with SHA-256 and 0.06 s with ``verify="size"``; at 10 M documents (1.04 GB) in
2.6 s, 3.1 s and 0.06 s (the VM was busy: zlib alone does ~1.5 GB/s per core
when idle).  So the default open is no longer "< 1 s at any size": it costs
one read of every byte, the price of never mapping damaged ones.
``verify=True`` (or ``"sha256"``) checks SHA-256 instead, which also
detects a deliberate change; it is forced when a ``public_key`` is given (the
signature covers the manifest, the manifest's SHA-256 values cover the files).
``verify=False`` means "no SHA-256", not "no check": the checksum still runs,
so callers that pass False keep the protection.  Only ``verify="size"``
checks sizes alone: use it only on storage that checks its own
bytes (a damaged file may then crash the process or answer wrongly).  A
structural check alone (Arrow ``validate(full=True)`` and index ranges) was
measured too and rejected: it costs about as much as the CRC (0.13 s at 1 M
documents, 1.6 s at 10 M, for the tables alone, indexes not counted) and a
changed byte that keeps the structure valid (a digit of a document number, a
row number in range) gives a wrong answer without a word.
The check covers the bytes at open: a file changed later, while mapped, is not
seen (never write into a snapshot folder; save a new one).

"""

from __future__ import annotations

import builtins
import hashlib
import os
import stat
import zlib
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from hotlist._errors import HotlistError, IntegrityError
from hotlist._signing import KeyArg

__all__ = [
    "MANIFEST",
    "SIGNATURE",
    "VERIFY_MODES",
    "Pinned",
    "problems",
    "raise_problems",
    "verify_mode",
]

MANIFEST = "manifest.json"
SIGNATURE = MANIFEST + ".sig"
VERIFY_MODES = ("checksum", "sha256", "size")
_CHUNK = 1 << 22


def _crc32(path: Path) -> int:
    """CRC-32 of a file, read in chunks (a mapping would be ~25 % faster, but a file
    truncated while it is checked would then kill the process with SIGBUS)."""
    crc = 0
    buf = bytearray(_CHUNK)
    view = memoryview(buf)
    with builtins.open(path, "rb") as f:
        while n := f.readinto(buf):
            crc = zlib.crc32(view[:n], crc)
    return crc


def _sha256(path: Path) -> str:
    with builtins.open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _listing(folder: Path, manifest: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Files in the folder that the manifest does not list, and links."""
    out: list[tuple[str, str]] = []
    allowed = set(manifest["files"]) | {MANIFEST, SIGNATURE}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        if p.is_symlink():
            out.append((rel, "a symbolic link; a snapshot holds plain files only"))
        elif p.is_dir():
            if rel != "index":
                out.append((rel, "a folder the snapshot format does not have"))
        elif rel not in allowed:
            out.append((rel, "present but not listed in the manifest"))
    return out


class Pinned:
    """The snapshot's files, each opened once: what is checked and what is then
    mapped are the same files, even if a path is swapped in between (Linux: the
    files are read and mapped through ``/proc/self/fd``).  A file changed in
    place after the check is not seen: never write into a snapshot folder."""

    _PROC = Path("/proc/self/fd")

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.fds: dict[str, int] = {}
        self._proc = self._PROC.is_dir()

    def open(self, rel: str) -> os.stat_result | None:
        """Open ``rel`` (never through a link); its stat, or None when it is missing."""
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        try:
            fd = os.open(self.folder / rel, flags)
        except FileNotFoundError:
            return None
        st = os.fstat(fd)
        self.fds[rel] = fd
        return st

    def path(self, rel: str) -> Path:
        """Where to read ``rel`` from: the pinned file where the OS allows."""
        fd = self.fds.get(rel)
        if fd is not None and self._proc:
            return self._PROC / str(fd)
        return self.folder / rel

    def close(self) -> None:
        for fd in self.fds.values():
            os.close(fd)
        self.fds.clear()

    def __enter__(self) -> Pinned:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def problems(
    folder: Path, manifest: Mapping[str, Any], *, mode: str, pinned: Pinned | None = None
) -> list[tuple[str, str]]:
    out = _listing(folder, manifest)
    pin = pinned if pinned is not None else Pinned(folder)
    todo: list[tuple[str, Path, Mapping[str, Any]]] = []
    for rel, meta in manifest["files"].items():
        p = folder / rel
        if p.is_symlink():
            continue  # reported by _listing
        try:
            st = pin.open(rel)
        except OSError as exc:
            out.append((rel, f"cannot be opened ({exc.strerror})"))
            continue
        if st is None:
            out.append((rel, "missing"))
            continue
        if not stat.S_ISREG(st.st_mode):
            out.append((rel, "not a plain file"))
            continue
        size = st.st_size
        if size != meta["bytes"]:
            out.append((rel, f"{size:,} bytes, the manifest says {meta['bytes']:,}"))
        elif mode != "size":
            todo.append((rel, pin.path(rel), meta))
    if not todo:
        if pinned is None:
            pin.close()
        return out
    use_sha = mode == "sha256" or any(meta.get("crc32") is None for _, _, meta in todo)

    def check(item: tuple[str, Path, Mapping[str, Any]]) -> tuple[str, str] | None:
        rel, p, meta = item
        try:
            if use_sha:
                if _sha256(p) != meta["sha256"]:
                    return rel, "SHA-256 differs from the manifest (the file was changed)"
            elif _crc32(p) != meta["crc32"]:
                return rel, "CRC-32 differs from the manifest (the file is damaged)"
        except OSError as exc:
            return rel, f"unreadable ({exc})"
        return None

    todo.sort(key=lambda t: -int(t[2]["bytes"]))
    workers = max(1, min(4, os.cpu_count() or 1, len(todo)))
    with ThreadPoolExecutor(workers) as pool:
        out += [r for r in pool.map(check, todo) if r is not None]
    if pinned is None:
        pin.close()
    return out


def raise_problems(folder: Path, problems: list[tuple[str, str]]) -> None:
    if not problems:
        return
    first = str(folder / problems[0][0])
    text = "; ".join(f"{rel}: {why}" for rel, why in problems)
    raise IntegrityError(f"snapshot {folder} failed its check: {text}", path=first)


def verify_mode(verify: bool | str, public_key: KeyArg | None) -> str:
    if verify is True:
        mode = "sha256"
    elif verify is False:
        mode = "checksum"  # False: no SHA-256; the damage check is opted out by "size" only
    elif verify in VERIFY_MODES:
        mode = str(verify)
    else:
        raise HotlistError(
            f"verify must be True, False or one of {', '.join(VERIFY_MODES)}, not {verify!r}"
        )
    return "sha256" if public_key is not None else mode
