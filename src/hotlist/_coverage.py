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

from hotlist import datasets
from hotlist.fields import field as query_field

__all__ = ["FIELD_LISTS", "Coverage", "field_lists"]

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


def field_lists(name: str) -> tuple[tuple[str, bool], ...]:
    """The lists query field ``name`` is searched in, each marked primary or not:
    :data:`FIELD_LISTS` for the built-in fields; a field a registered kind declared
    (:func:`hotlist.fields.register_field`) is searched in its kinds, all primary;
    a qualifier (country, make...) searches nothing by itself."""
    if name in FIELD_LISTS:
        return FIELD_LISTS[name]
    try:
        spec = query_field(name)
    except KeyError:
        return ()
    return () if spec.qualifies else tuple((kind, True) for kind in spec.kinds)


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
        for field in sorted(fields, key=_field_order):
            for dataset, primary in field_lists(field):
                if self.sizes.get(dataset, 0) > 0:
                    searched.add(dataset)
                elif primary:
                    warnings.append(
                        f"{field} was not checked against {dataset}: that list is empty or "
                        "not loaded, so no hit there means nothing"
                    )
        return tuple(d for d in datasets.names() if d in searched), tuple(warnings)


def _field_order(name: str) -> tuple[int, str]:
    """Built-in fields in FIELD_LISTS' order (the warnings' order), then the others."""
    order = list(FIELD_LISTS)
    return (order.index(name), "") if name in order else (len(order), name)
