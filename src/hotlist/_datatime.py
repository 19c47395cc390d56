"""When the data was current: from the extract itself, not from file times.

A file's modification time says when the file was last written, not when the
list was current: a copy, a restore from backup or ``touch`` makes old data look
fresh.  The data time of a load is therefore taken, in this order, from

1. an explicit ``data_time=`` given to :func:`hotlist.load` (source ``"argument"``);
2. the extract's own metadata: a ``data_time`` (or ``hotlist.data_time``) key in
   the schema metadata of a Parquet or Arrow IPC file (``"extract metadata"``);
3. a sidecar ``extract.json`` in the extract's folder, ``{"data_time": "..."}``
   (``"extract.json"``); with a public key it must be signed like the extracts;
4. the file's modification time, and only then, said so in the source
   (``"file modification time"``).

With several files the data is as old as its oldest file: the oldest time is
used, so one stale list is never hidden behind a fresh one.  ISO 8601 times
without a zone are taken as UTC.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path

import pyarrow as pa
from pyarrow import ipc

from hotlist._errors import ExtractError

__all__ = ["METADATA_KEYS", "SIDECAR", "data_time_of", "file_metadata_time", "parse_time"]

METADATA_KEYS = (b"data_time", b"hotlist.data_time")
SIDECAR = "extract.json"
MTIME = "file modification time"


def parse_time(value: object, where: str) -> dt.datetime:
    """An aware datetime from a datetime, a date or ISO 8601 text; ExtractError naming
    ``where`` otherwise."""
    if isinstance(value, dt.datetime):
        when = value
    elif isinstance(value, dt.date):
        when = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            when = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise ExtractError(
                f"data_time {value[:40]!r} is not an ISO 8601 time", file=where
            ) from None
    else:
        raise ExtractError(
            f"data_time must be ISO 8601 text or a datetime, not {type(value).__name__}",
            file=where,
        )
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def file_metadata_time(path: Path) -> dt.datetime | None:
    """The ``data_time`` in a Parquet or Arrow IPC file's schema metadata, if any."""
    name = path.name.lower()
    metadata: dict[bytes, bytes] | None = None
    try:
        if name.endswith((".parquet", ".pq")):
            import pyarrow.parquet as pq  # noqa: PLC0415 - lazy optional import (pyarrow.parquet)

            metadata = pq.read_schema(path).metadata
        elif name.endswith((".arrow", ".feather", ".ipc", ".arrows")):
            with pa.memory_map(str(path)) as source:
                try:
                    metadata = ipc.open_file(source).schema.metadata
                except pa.ArrowInvalid:
                    source.seek(0)
                    metadata = ipc.open_stream(source).schema.metadata
        else:
            return None
    except (OSError, ValueError) as exc:
        raise ExtractError(f"cannot read the file's metadata ({exc})", file=str(path)) from exc
    for key in METADATA_KEYS:
        if metadata and key in metadata:
            return parse_time(metadata[key].decode("utf-8", "replace"), str(path))
    return None


def _sidecar_time(data: bytes, path: Path) -> dt.datetime | None:
    try:
        meta = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ExtractError(f"unreadable {SIDECAR}: {exc}", file=str(path)) from exc
    if not isinstance(meta, dict):
        raise ExtractError(f"{SIDECAR} is not a JSON object", file=str(path))
    given = meta.get("data_time")
    return None if given is None else parse_time(given, str(path))


def data_time_of(
    files: Iterable[tuple[Path, Path]],
    *,
    given: object = None,
    read_sidecar: Callable[[Path], bytes] | None = None,
) -> tuple[dt.datetime, str]:
    """(data time, where it came from) for a load of ``files``: pairs of (the file
    to read metadata from, the original file for its folder and modification
    time); they differ when signed files are read from verified copies.
    ``read_sidecar`` reads an ``extract.json`` (a signature check goes there)."""
    if given is not None:
        return parse_time(given, "data_time="), "argument"
    read = read_sidecar or (lambda p: p.read_bytes())
    sidecars: dict[Path, dt.datetime | None] = {}
    times: list[dt.datetime] = []
    sources: list[str] = []
    for readable, original in files:
        when = file_metadata_time(readable)
        source = "extract metadata"
        if when is None:
            folder = original.parent
            if folder not in sidecars:
                side = folder / SIDECAR
                sidecars[folder] = _sidecar_time(read(side), side) if side.is_file() else None
            when, source = sidecars[folder], SIDECAR
        if when is None:
            when = dt.datetime.fromtimestamp(os.stat(original).st_mtime, dt.UTC)
            source = MTIME
        times.append(when)
        if source not in sources:
            sources.append(source)
    if not times:
        return dt.datetime.now(dt.UTC), "load time (no extract file)"
    text = ", ".join(sources)
    if MTIME in sources:
        text += " (the extract carries no data_time: a copied file looks fresh)"
    return min(times), text
