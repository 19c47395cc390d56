"""``POST /v1/check-many``'s answer: the result rows streamed in steps, NDJSON or Arrow IPC.

The queries are checked in steps of about :data:`STEP_SECONDS` each (a batch of
person checks goes in small steps, one of document numbers in big ones), each
step in a worker thread against one data version; the time limit is checked
between steps, and a reader that does not take the answer in time is cut off.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from hotlist._batch_arrays import slice_rows
from hotlist._errors import HotlistError
from hotlist.serve._http import ARROW, NDJSON, Drain, Send, encode, problem_of
from hotlist.serve._metrics import Metrics

__all__ = ["FIRST_STEP", "STEP_SECONDS", "Batch", "stream"]

log = logging.getLogger("hotlist.serve")

FIRST_STEP = 100  # rows in the first step of a streamed check-many
STEP_SECONDS = 0.25  # the time each later step aims at


@dataclass(frozen=True)
class Batch:
    """One check-many to answer: its queries, how to check a slice, how to answer."""

    table: pa.Table
    check: Callable[[pa.Table], pa.Table]  # the session's check_many with the options
    data_version: str
    arrow: bool  # answer in Arrow IPC (else NDJSON)
    most: int  # the most rows in one step
    seconds: float  # the time limit


def _checked(batch: Batch, offset: int, size: int) -> pa.Table:
    part = batch.check(slice_rows(batch.table, offset, size))
    if offset and "query_index" in part.column_names:
        i = part.schema.get_field_index("query_index")
        part = part.set_column(i, part.schema.field(i), pc.add(part.column(i), offset))
    return part


def _count(metrics: Metrics, part: pa.Table) -> None:
    if "dataset" not in part.column_names:
        return
    datasets = part.column("dataset").to_pylist()
    if "severity" in part.column_names:
        severities = part.column("severity").to_pylist()
    else:
        severities = [None] * len(datasets)
    for d, s in zip(datasets, severities, strict=True):
        if d is not None:
            metrics.hit(d, s or "possible")


def _stopped(offset: int, why: str) -> bytes:
    """The last NDJSON line of an answer that cannot go on: where and why."""
    return encode(
        {"error": {"type": "urn:hotlist:problem:batch-stopped", "status": 503,
                   "title": "Batch stopped", "detail": f"stopped at row {offset}: {why}"}}
    ) + b"\n"  # fmt: skip


async def stream(batch: Batch, send: Send, metrics: Metrics) -> None:
    """Check ``batch`` step by step and stream the rows; a first step that fails is a problem."""
    loop = asyncio.get_running_loop()
    total = batch.table.num_rows
    started = time.perf_counter()
    deadline = started + batch.seconds
    size = min(max(1, batch.most), FIRST_STEP)
    try:
        t0 = time.perf_counter()
        first = await loop.run_in_executor(None, _checked, batch, 0, size)
    except HotlistError as exc:
        raise problem_of(exc) from None
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", ARROW if batch.arrow else NDJSON),
                (b"x-hotlist-data-version", batch.data_version.encode()),
            ],
        }
    )
    drain = Drain() if batch.arrow else None
    writer = pa.ipc.new_stream(drain, first.schema) if drain is not None else None
    # A reader that does not take the answer within twice the time limit is cut off.
    cutoff = loop.time() + (deadline - time.perf_counter()) + batch.seconds

    async def out(body: bytes, more: bool = True) -> None:
        async with asyncio.timeout_at(cutoff):
            await send({"type": "http.response.body", "body": body, "more_body": more})

    part: pa.Table | None = first
    offset = 0
    try:
        while part is not None:
            took = time.perf_counter() - t0
            _count(metrics, part)
            if writer is not None and drain is not None:
                writer.write_table(part.cast(first.schema))
                chunk = drain.take()
            else:
                chunk = b"".join(encode(r) + b"\n" for r in part.to_pylist())
            await out(chunk)
            offset += min(size, total - offset)
            part = None
            if offset >= total:
                break
            if time.perf_counter() > deadline:
                await out(b"" if batch.arrow else _stopped(offset, "time limit reached"), False)
                metrics.refused["timeout"].inc()
                return
            grow = int(size * STEP_SECONDS / max(took, 1e-4))
            size = max(1, min(batch.most, size * 8, grow))
            try:
                t0 = time.perf_counter()
                part = await loop.run_in_executor(None, _checked, batch, offset, size)
            except Exception as exc:
                log.exception("check-many failed at row %d", offset)
                await out(b"" if batch.arrow else _stopped(offset, str(exc)), False)
                return
        tail = b""
        if writer is not None and drain is not None:
            writer.close()
            tail = drain.take()
        await out(tail, False)
    except TimeoutError:
        log.warning("check-many: the client did not read the answer in time; cut off")
        metrics.refused["timeout"].inc()
        return
    metrics.checked("batch", time.perf_counter() - started, offset)
