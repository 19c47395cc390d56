"""The worker-process side of ``check_many(workers=N)`` (:mod:`hotlist._batch_workers`).

A worker process opens the snapshot once (:func:`hotlist._workers.worker_hotlist`:
memory-mapped, cached by folder and manifest SHA-256, the cache Spark and Dask
workers use) and answers each chunk of rows by check()'s own code path.  Nothing
in the package imports this module: :class:`hotlist._batch_workers.Rows` names it,
and the worker process imports it (it imports the engine, which imports check_many).
"""

from __future__ import annotations

from hotlist._batch_workers import Answer, Rows, answer_one
from hotlist._workers import log_event, worker_hotlist

__all__ = ["answer_chunk"]


def answer_chunk(rows: Rows) -> list[Answer]:
    """The answer of each of ``rows``' queries, from the snapshot it names (opened on
    this process's first chunk; an empty chunk only opens it)."""
    state = worker_hotlist(rows.path, expected_digest=rows.digest)._state
    log_event("rows", len(rows.queries))  # HOTLIST_OPEN_LOG: how tests see who answered
    return [
        answer_one(state, q, max_edits=rows.max_edits, name_threshold=rows.name_threshold)
        for q in rows.queries
    ]
