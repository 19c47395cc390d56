"""The interface of a dataset kind, and the registry of kinds.

storage half (the registry work: load, state, snapshot, delta, stats)
    name            the table, the extract file stem, the SQL view, Hit.dataset
    schema          the canonical Arrow schema
    required        columns an extract must have (after mapping); besides
                    ``record_id``, one missing is a note, not an error
    searchable      the columns a record is searched by: an extract needs at
                    least one of them (``searchable_text`` says so in the error)
    canonicalise    the raw columns of one file (``RawColumns``: its column
                    builders report problems) -> every canonical column but
                    ``record_id``
    row_key         what one record is searched by, as one string (two rows
                    with one record_id and the same key add nothing)
    build           canonical table -> index
    part_names      the names its index is saved under in a snapshot
    parts           index -> {part: (Arrow arrays, numpy arrays)} for a snapshot
    from_parts      (table, parts) -> index, without recomputing keys
    updated         index + delta (keep mask over old rows, appended rows) -> index
    nbytes          bytes an index holds

query half (hotlist._query calls it)
    query_fields    the hotlist.fields names this kind answers; a kind with a
                    field of its own declares it with hotlist.fields.register_field
    match           (index, normalised query, warnings, max_edits,
                    name_threshold) -> candidates; see ``Query``

optional (looked up by :func:`register`)
    action          (record, severity) -> what the officer does on a hit, the whole
                    text (a possible match's "compare first" included); without
                    it a hit says ``hotlist._decisions.OTHER_ACTION``
    action_columns  the record columns ``action`` reads (default: all of them;
                    ``check_many`` fetches only these for its hits)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias, runtime_checkable

import numpy as np
import pyarrow as pa

from hotlist._decisions import set_kind_action

if TYPE_CHECKING:  # the extract loader imports the registry
    from hotlist._documents import Candidate
    from hotlist.extracts._canonical import RawColumns

# No __all__ here: the package (hotlist.datasets) re-exports the interface and the
# registry with the one list of public names; Parts / IndexParts are for kind modules.

# One saved index part: Arrow arrays (keys, written as ``<part>.keys.arrow``) and
# numpy arrays (the built index, ``index/<part>.<name>.npy``).
Parts: TypeAlias = tuple[dict[str, pa.Array], dict[str, np.ndarray]]
IndexParts: TypeAlias = dict[str, Parts]

# One query as a kind's ``match`` reads it (hotlist._query builds it): per field
# given, its value checked at the boundary (hotlist.fields.clean) and normalised
# (``document``: the compact number, docnum.validate; ``country`` / ``nationality``:
# the ISO code; ``document_type`` / ``sex``: the canonical value; ``dob``: a
# hotlist.names.PartialDate; ``name``: the name as given, or family and given names
# joined "FAMILY, Given"; a registered kind's field: the stripped text), after the
# cross-field steps (an MRZ read into its document number, issuer, type and
# holder).  Fields not given are absent.  A kind is asked to match when the query
# carries one of its ``query_fields``; it raises hotlist.InvalidQuery for a value it
# cannot search, appends what the caller should know to ``warnings``, and returns
# its candidates (hotlist._documents.Candidate: dataset = its name, row, level,
# score, reasons, and the severity it decides).
Query: TypeAlias = Mapping[str, object]


@runtime_checkable
class Kind(Protocol):
    """One dataset kind; see the module docstring for what each member does."""

    # -- storage half ----------------------------------------------------------
    @property
    def name(self) -> str: ...

    @property
    def schema(self) -> pa.Schema: ...

    @property
    def required(self) -> tuple[str, ...]: ...

    @property
    def searchable(self) -> tuple[str, ...]: ...

    @property
    def searchable_text(self) -> str: ...

    @property
    def part_names(self) -> tuple[str, ...]: ...

    def canonicalise(self, raw: RawColumns) -> dict[str, pa.Array]: ...

    def row_key(self, record: Mapping[str, object]) -> str: ...

    def build(self, table: pa.Table) -> Any: ...

    def parts(self, index: Any) -> IndexParts: ...

    def from_parts(self, table: pa.Table, parts: Mapping[str, Parts]) -> Any: ...

    def updated(self, index: Any, table: pa.Table, keep: np.ndarray, new: pa.Table) -> Any: ...

    def nbytes(self, index: Any) -> int: ...

    # -- query half --------------------------------------------------------------
    @property
    def query_fields(self) -> tuple[str, ...]: ...

    def match(
        self,
        index: Any,
        query: Query,
        warnings: list[str],
        *,
        max_edits: int,
        name_threshold: float,
    ) -> list[Candidate]: ...


_REGISTRY: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Add ``kind`` (by its name) to the registry, with its own ``action`` if it has
    one; returns it (usable as a decorator)."""
    _REGISTRY[kind.name] = kind
    action = getattr(kind, "action", None)
    columns = getattr(kind, "action_columns", None)
    set_kind_action(
        kind.name,
        action if callable(action) else None,
        kind.schema.names if columns is None else columns,
    )
    return kind


def unregister(name: str) -> None:
    """Remove a kind (tests register and remove their own)."""
    _REGISTRY.pop(name, None)
    set_kind_action(name, None)


def kinds() -> tuple[Kind, ...]:
    """Every registered kind, built-in ones first, in registration order."""
    return tuple(_REGISTRY.values())


def names() -> tuple[str, ...]:
    """The names of every registered kind."""
    return tuple(_REGISTRY)


def get(name: str) -> Kind:
    """The kind called ``name``; KeyError when none is registered."""
    return _REGISTRY[name]
