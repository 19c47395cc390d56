"""Which lists a query searched, and a warning for each it could not.

"Not checked" must never look like "clear": a ``vin=`` asked when no vehicles
are loaded, or a name when the persons list has no rows, answers no hit because
there was nothing to search.  Every result therefore names the datasets it
searched (``CheckResult.searched``, the ``searched`` column of ``check_many``),
and a field whose list is empty or not loaded carries a warning.

Worked out once per data version and per set of query fields (a handful of
combinations), so the miss path pays one dictionary lookup.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

__all__ = ["FIELD_LISTS", "Coverage"]

# Per query field: the lists it is searched in.  A list marked primary is the one
# the field is for; an empty primary list is warned about.  (Document numbers are
# also looked up among the numbers listed on wanted persons: a secondary list, so a
# documents-only deployment is not warned on every check.)
FIELD_LISTS: dict[str, tuple[tuple[str, bool], ...]] = {
    "document": (("documents", True), ("persons", False)),
    "mrz": (("documents", True), ("persons", True)),
    "vin": (("vehicles", True),),
    "plate": (("vehicles", True),),
    "name": (("persons", True),),
    "family_name": (("persons", True),),
    "given_names": (("persons", True),),
}
DATASET_ORDER = ("documents", "vehicles", "persons")


class Coverage:
    """Searched lists and not-checked warnings for one data version."""

    __slots__ = ("_cache", "document", "sizes")

    def __init__(self, sizes: Mapping[str, int]) -> None:
        self.sizes = dict(sizes)
        self._cache: dict[frozenset[str], tuple[tuple[str, ...], tuple[str, ...]]] = {}
        # the commonest query, a document number (with country / type), ready made
        self.document = self.of(("document",))

    def of(self, fields: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(datasets searched, warnings) for a query giving ``fields``."""
        key = frozenset(fields)
        got = self._cache.get(key)
        if got is None:
            got = self._cache[key] = self._work_out(key)
        return got

    def _work_out(self, fields: frozenset[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        searched: set[str] = set()
        warnings: list[str] = []
        for field in (f for f in FIELD_LISTS if f in fields):
            for dataset, primary in FIELD_LISTS[field]:
                if self.sizes.get(dataset, 0) > 0:
                    searched.add(dataset)
                elif primary:
                    warnings.append(
                        f"{field} was not checked against {dataset}: that list is empty or "
                        "not loaded, so no hit there means nothing"
                    )
        return tuple(d for d in DATASET_ORDER if d in searched), tuple(warnings)
