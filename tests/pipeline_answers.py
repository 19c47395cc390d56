"""The general pipeline's answer, for the fast paths' equality tests.

Each fast path (the compiled document miss, the document hit path, the vehicle
miss, the pre-filter's background build) is tested equal to
``_query.check_query`` -- the answer :meth:`Hotlist.check` gives a query that
takes no shortcut -- slot for slot.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from hotlist._errors import InvalidQuery
from hotlist._query import DEFAULT_LIMIT, DEFAULT_MIN_SCORE, check_query
from hotlist._state import State
from hotlist.schema import CheckResult


def general(
    state: State,
    given: Mapping[str, object],
    *,
    limit: int = DEFAULT_LIMIT,
    min_score: float = DEFAULT_MIN_SCORE,
    max_edits: int = 1,
    name_threshold: float | None = None,
) -> CheckResult:
    """``check_query`` of ``given`` (no registered-kind fields, data not stale)."""
    return check_query(
        state,
        given,
        None,
        None,
        limit=limit,
        min_score=min_score,
        max_edits=max_edits,
        name_threshold=name_threshold,
    )


def answer(run: Callable[[], CheckResult | None]) -> CheckResult | str | None:
    """``run()``, or the text of the :class:`InvalidQuery` it raised (so two
    ways of asking can be compared, errors included)."""
    try:
        return run()
    except InvalidQuery as exc:
        return f"InvalidQuery: {exc}"


def slots(result: CheckResult) -> dict[str, object]:
    """Every slot of a result, by name (a failure shows which one differs)."""
    return {name: getattr(result, name) for name in CheckResult.__slots__}
