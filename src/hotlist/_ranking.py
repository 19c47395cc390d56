"""Which candidates become hits, in which order: one declaration of the ranking
(:data:`RANKING`) that ``check()``'s :func:`select` and ``check_many``'s
vectorised selection (hotlist._batch_pool) both sort by.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from hotlist._decisions import _KIND_ACTIONS, ALARM, POSSIBLE, action_for, candidate_severity
from hotlist._documents import Candidate
from hotlist._records import record_reader
from hotlist.schema import DATASETS, Hit

if TYPE_CHECKING:
    from hotlist._state import State

__all__ = [
    "LEVELS",
    "LEVEL_ORDER",
    "RANKING",
    "document_hits",
    "hits_of",
    "omitted_note",
    "record_of",
    "select",
    "select_counted",
]


def record_of(state: State, dataset: str, row: int) -> dict[str, Any]:
    """Row ``row`` of ``dataset`` as a plain dict (``Hit.record``): read through the
    table's cached :class:`hotlist._records.RecordReader` (a few us; Arrow's
    ``slice(row, 1).to_pylist()`` gives the same values in ~75 us)."""
    return record_reader(state.tables[dataset])(row)


# Match levels, best first.
LEVELS = ("exact", "ocr", "edit", "partial", "fuzzy")
LEVEL_ORDER = {name: i for i, name in enumerate(LEVELS)}

# Hits best first: sorted by each of these in turn, True where larger comes first.
# Alarms before possible hits (limit= must never cut an alarm below a possible hit
# that scores higher), then score, then match level (LEVEL_ORDER), dataset name and
# row, so the order is total and stable.  select() and check_many's vectorised
# selection (hotlist._batch_pool) both build their sort keys from this.
RANKING: tuple[tuple[str, bool], ...] = (
    ("alarm", True),
    ("score", True),
    ("level", False),
    ("dataset", False),
    ("row", False),
)


def select(candidates: Iterable[Candidate], *, limit: int, min_score: float) -> list[Candidate]:
    """The best candidate per record, at least ``min_score``, best first (:data:`RANKING`),
    ``limit`` at most."""
    return [c for c, _ in select_counted(candidates, limit=limit, min_score=min_score)[0]]


def select_counted(
    candidates: Iterable[Candidate], *, limit: int, min_score: float
) -> tuple[list[tuple[Candidate, str]], int]:
    """:func:`select`, each chosen candidate with its severity (decided once: its
    matcher's own, else from its reasons), and how many records ``limit`` left out."""
    if limit >= 1 and isinstance(candidates, list) and len(candidates) == 1:
        # the commonest hit: one candidate, nothing to rank
        (c,) = candidates
        return ([(c, candidate_severity(c))] if c.score >= min_score else []), 0
    best: dict[tuple[str, int], Candidate] = {}
    for c in candidates:
        if c.score < min_score:
            continue
        key = (c.dataset, c.row)
        if key not in best or best[key].score < c.score:
            best[key] = c
    decided: list[tuple[Candidate, str]] = [(c, candidate_severity(c)) for c in best.values()]
    ranked = sorted(decided, key=_rank_key)
    return ranked[:limit], max(0, len(ranked) - limit)


def _rank_key(pair: tuple[Candidate, str]) -> tuple[bool, float, int, str, int]:
    """select()'s sort key: :data:`RANKING` spelled out as one tuple (a loop over
    RANKING per candidate cost 1 us on the hit path).  tests/engine/test_ranking.py
    holds select() equal to check_many's selection, which is built from RANKING
    itself, so a change to RANKING not made here fails there."""
    c, severity = pair
    return (severity != "alarm", -c.score, LEVEL_ORDER[c.match], c.dataset, c.row)


def omitted_note(omitted: int, limit: int) -> str:
    """The warning of a query whose ``limit`` left hits out: a table of results
    (check_many) has no other place to say that more records were found."""
    return f"{omitted} more hit(s) left out by limit={limit}: raise limit= to see them"


def hits_of(
    state: State, candidates: list[Candidate], *, limit: int, min_score: float
) -> tuple[list[Hit], int]:
    """The hits (severity and action decided) and how many ``limit`` left out."""
    if not candidates:
        return [], 0  # a miss, the commonest answer
    hits = []
    chosen, omitted = select_counted(candidates, limit=limit, min_score=min_score)
    tables = state.tables
    for c, severity in chosen:
        # the record is read when Hit.record is first asked for; the id and the
        # action read only their own columns
        dataset = c.dataset
        read = record_reader(tables[dataset])
        row = c.row
        view = read.view(row)
        hit = Hit.make(
            dataset,
            view["record_id"],
            c.match,
            c.score,
            list(c.reasons),
            None,
            severity,
            action_for(dataset, view, severity),
            read,
            row,
        )
        if dataset not in DATASETS:
            # a registered kind's candidate is validated here, as every hit once
            # was: a score out of [0, 1] or an unknown level fails the check, not
            # the result's serialisation (the built-in kinds are the engine's own)
            hit.model()
        hits.append(hit)
    return hits, omitted


def document_hits(  # noqa: PLR0917 - check()'s hit path, positional for speed
    state: State,
    rows: list[int],
    compact: str,
    key: str,
    country: str | None,
    document_type: str | None,
    limit: int,
    min_score: float,
) -> tuple[list[Hit], int]:
    """``hits_of(state, state.documents.candidates(rows, ...))`` when the documents'
    rows are all the candidates (check()'s document hit path): each row scored
    (``DocumentIndex.scored``), ranked by :data:`RANKING` (one dataset, distinct
    rows) and made a hit, without the Candidates; the action made once per
    (status, severity).  tests/engine/test_hit_path.py holds it equal to the
    general pipeline."""
    read = record_reader(state.tables["documents"])
    # every column the hit reads below, its cache lines asked for at once
    read.prefetcher(_DOCUMENT_HIT_COLUMNS)(rows)
    scored = state.documents.scored(rows, compact, key, country, document_type)
    if len(scored) > 1 or limit < 1:
        ranked = sorted(
            (
                (severity != ALARM, -score, LEVEL_ORDER[level], row)
                for row, level, score, _, severity, _ in scored
                if score >= min_score
            ),
        )
        by_row = {s[0]: s for s in scored}
        chosen = [by_row[r[3]] for r in ranked[:limit]]
        omitted = max(0, len(ranked) - limit)
    else:
        chosen = [s for s in scored if s[2] >= min_score]
        omitted = 0
    record_id = read.getter["record_id"]
    status = read.getter.get("status")
    own = "documents" in _KIND_ACTIONS
    hits = []
    for row, level, score, reasons, severity, _ in chosen:
        # candidate_severity: a document candidate's own severity is always set
        decided = ALARM if severity == ALARM else POSSIBLE
        action = (
            action_for("documents", read.view(row), decided)
            if own
            else _document_action(None if status is None else status(row), decided)
        )
        hits.append(
            Hit.make(
                "documents",
                record_id(row),
                level,
                score,
                list(reasons),
                None,
                decided,
                action,
                read,
                row,
            )
        )
    return hits, omitted


# what DocumentIndex.scored and a document hit read of a row
_DOCUMENT_HIT_COLUMNS = (
    "document_number",
    "issuing_country",
    "document_type",
    "record_id",
    "status",
)


@lru_cache(maxsize=256)
def _document_action(status: object, severity: str) -> str:
    """A document hit's action (:func:`action_for` reads only the record's status)."""
    return action_for("documents", {} if status is None else {"status": status}, severity)
