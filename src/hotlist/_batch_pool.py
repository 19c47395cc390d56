"""``check_many``'s candidates as columns, and their selection: the vectorised
twin of :func:`hotlist._ranking.select`, sorting by the same declaration
(:data:`hotlist._ranking.RANKING`) and deciding each candidate's severity once.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from hotlist._decisions import severity_from_reasons
from hotlist._documents import Candidate
from hotlist._ranking import LEVEL_ORDER, LEVELS, RANKING

__all__ = ["RESULT_COLUMNS", "TOLD", "Pool", "Selected", "Told", "select_columns", "told"]

RESULT_COLUMNS = pa.schema(
    [
        pa.field("query_index", pa.int64(), nullable=False),
        pa.field("hit", pa.bool_(), nullable=False),
        pa.field("dataset", pa.string()),
        pa.field("record_id", pa.string()),
        pa.field("match", pa.string()),
        pa.field("score", pa.float64()),
        pa.field("reasons", pa.list_(pa.string())),
        pa.field("severity", pa.string()),
        pa.field("action", pa.string()),
        pa.field("warnings", pa.list_(pa.string())),
        pa.field("searched", pa.list_(pa.string())),
        pa.field("error", pa.string()),
    ]
)

# A candidate's own severity, as Pool holds it: 0 when its matcher told none.
TOLD: tuple[str | None, ...] = (None, "alarm", "possible")

# What Pool keeps of a Candidate (dataset, row, match, score, reasons, severity): a
# plain tuple, cheap to send back from a worker process (hotlist._batch_workers).
Told = tuple[str, int, str, float, tuple[str, ...], str | None]


def told(candidates: list[Candidate]) -> list[Told]:
    """The :data:`Told` form of ``candidates``."""
    return [(c.dataset, c.row, c.match, c.score, tuple(c.reasons), c.severity) for c in candidates]


class Pool:
    """Every candidate of the batch as columns: query, dataset, row, level, score,
    reasons (an index into the distinct reason tuples), and the severity its matcher
    decided (``TOLD``'s code; 0 for none: decided from its reasons, as check() does).
    Its order is the order in which check() would see the candidates of each query."""

    def __init__(self, datasets: list[str]) -> None:
        self.datasets = datasets  # sorted, so codes order like the names
        self._codes = {name: i for i, name in enumerate(datasets)}
        self.reasons: list[tuple[str, ...]] = []
        self._reason_ids: dict[tuple[str, ...], int] = {}
        self._arrays: list[tuple[np.ndarray, ...]] = []
        self._py: list[tuple[int, int, int, int, float, int, int]] = []
        self.qualified: set[int] = set()  # queries whose wanted persons holder fields qualified

    def dataset(self, name: str) -> int:
        return self._codes[name]

    def reason(self, why: tuple[str, ...]) -> int:
        got = self._reason_ids.get(why)
        if got is None:
            got = self._reason_ids[why] = len(self.reasons)
            self.reasons.append(why)
        return got

    def add(self, q: int, candidates: list[Candidate]) -> None:
        self.add_told(q, told(candidates))

    def add_told(self, q: int, candidates: list[Told]) -> None:
        """Query ``q``'s candidates, in :data:`Told` form."""
        for dataset, row, match, score, reasons, severity in candidates:
            self._py.append(
                (
                    q,
                    self._codes[dataset],
                    row,
                    LEVEL_ORDER[match],
                    score,
                    self.reason(reasons),
                    TOLD.index(severity),
                )
            )

    def add_arrays(self, *columns: np.ndarray | int) -> None:
        """Candidates as columns, up to reasons: no severity told (from the reasons)."""
        n = len(np.asarray(columns[0]))
        self._flush()
        self._arrays.append(tuple(np.broadcast_to(c, n) for c in (*columns, 0)))

    def _flush(self) -> None:
        if self._py:
            cols = list(zip(*self._py, strict=True))
            self._arrays.append(tuple(np.array(c) for c in cols))
            self._py = []

    def columns(self) -> tuple[np.ndarray, ...]:
        self._flush()
        dtypes = (np.int64, np.int8, np.int64, np.int8, np.float64, np.int32, np.int8)
        if not self._arrays:
            return tuple(np.zeros(0, dtype=t) for t in dtypes)
        return tuple(
            np.concatenate([np.asarray(a[k], dtype=t) for a in self._arrays])
            for k, t in enumerate(dtypes)
        )


class Selected:
    """The chosen candidates' columns ordered by query then rank (``severity``:
    TOLD's code, decided for every one), each one's ``rank`` within its query, and
    ``over``: the query of every candidate ``limit`` left out."""

    __slots__ = ("ds", "level", "over", "q", "rank", "reason", "row", "score", "severity")

    def __init__(self, columns: tuple[np.ndarray, ...], rank: np.ndarray, over: np.ndarray) -> None:
        self.q, self.ds, self.row, self.level, self.score, self.reason, self.severity = columns
        self.rank = rank
        self.over = over


def select_columns(pool: Pool, *, limit: int, min_score: float) -> Selected:
    """``hotlist._ranking.select`` over every query at once: per query, the best
    candidate per record (the first of equal best scores), at least ``min_score``,
    in the order of ``RANKING``, ``limit`` at most."""
    cols = pool.columns()  # q, ds, row, level, score, reason, told
    keep = np.flatnonzero(cols[4] >= min_score)
    cols = tuple(a[keep] for a in cols)
    if len(cols[0]):
        q, ds, row, _, score, _, _ = cols
        # best per (query, dataset, row): highest score, first seen among equals
        order = np.lexsort((np.arange(len(q)), -score, row, ds, q))
        q, ds, row = q[order], ds[order], row[order]
        first = np.ones(len(q), dtype=bool)
        first[1:] = (q[1:] != q[:-1]) | (ds[1:] != ds[:-1]) | (row[1:] != row[:-1])
        cols = tuple(a[order][first] for a in cols)
        cols = (*cols[:6], _severities(pool, *cols[1:]))
        keys = {
            "alarm": (cols[6] == TOLD.index("alarm")).astype(np.int8),
            "score": cols[4],
            "level": cols[3],
            "dataset": cols[1],  # codes of the sorted names: they order like the names
            "row": cols[2],
        }
        by = [-keys[name] if larger_first else keys[name] for name, larger_first in RANKING]
        # np.lexsort sorts by its last key first: the query, then RANKING in turn
        order = np.lexsort((*reversed(by), cols[0]))
        cols = tuple(a[order] for a in cols)
    rank = _rank(cols[0])
    within = rank < limit
    return Selected(tuple(a[within] for a in cols), rank[within], cols[0][~within])


def _severities(  # noqa: PLR0917 - the pool's columns
    pool: Pool,
    ds: np.ndarray,
    row: np.ndarray,
    level: np.ndarray,
    score: np.ndarray,
    reason: np.ndarray,
    told: np.ndarray,
) -> np.ndarray:
    """Each candidate's severity as TOLD's code, decided once as check() decides it
    (its matcher's own, else from its reasons): one per candidate left after the
    best-per-record step, and candidates are rare next to rows."""
    out = told.astype(np.int8, copy=True)
    for i in np.flatnonzero(told == 0).tolist():
        severity = severity_from_reasons(
            pool.datasets[int(ds[i])],
            LEVELS[int(level[i])],
            float(score[i]),
            pool.reasons[int(reason[i])],
        )
        out[i] = TOLD.index(severity)
    return out


def _rank(q: np.ndarray) -> np.ndarray:
    """0, 1, 2... within each run of equal values of the sorted ``q``."""
    if not len(q):
        return np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, q[1:] != q[:-1]])
    run = np.diff(np.r_[starts, len(q)])
    rank: np.ndarray = np.arange(len(q)) - np.repeat(starts, run)
    return rank
