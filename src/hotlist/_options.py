"""The options every check takes besides its query, declared once.

``check()`` spells them out (its signature is generated); ``check_many``,
``check_batches`` and a session's ``check_many`` take them as
``**options: Unpack[CheckOptions]``, so a type checker still catches a misspelt
option and the defaults live in one place (:mod:`hotlist._query`'s ``DEFAULT_*``).
"""

from __future__ import annotations

from typing import TypedDict

__all__ = ["CheckOptions"]


class CheckOptions(TypedDict, total=False):
    """``limit`` (hits at most, default 10), ``min_score`` (default 0.5),
    ``max_edits`` (0 or 1, default 1) and ``name_threshold`` (default
    ``hotlist.names.MATCH_THRESHOLD``): as for ``Hotlist.check()``.  ``workers``
    (default 1; batches only): processes that check the per-query rows (names,
    MRZ, VIN, plates), this one included (:mod:`hotlist._batch_workers`)."""

    limit: int
    min_score: float
    max_edits: int
    name_threshold: float | None
    workers: int
