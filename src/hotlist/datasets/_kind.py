"""The interface of a dataset kind, and the registry of kinds.

CONTRACT SKETCH (written by the lead; the storage half is filled in by the
registry work, the query half by the query-pipeline work -- keep these names):

storage half
    name            the table, the extract file stem, the SQL view, Hit.dataset
    schema          the canonical Arrow schema
    required        columns an extract must have (after mapping)
    searchable      what makes one record searchable (see the data contract)
    canonicalise    raw table -> canonical table + row problems
    build           canonical table -> index
    parts           index -> (tables, arrays) written into a snapshot
    from_parts      (table, parts) -> index, without recomputing keys
    updated         index + delta (kept rows, new rows) -> index
    nbytes          bytes an index holds

query half
    query_fields    the hotlist.fields names this kind answers
    match           (index, validated query, warnings, options) -> candidates
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

import pyarrow as pa

__all__ = ["Kind", "get", "kinds", "names", "register", "unregister"]


@runtime_checkable
class Kind(Protocol):
    """One dataset kind; see the module docstring for what each member does."""

    name: str
    schema: pa.Schema
    required: tuple[str, ...]
    query_fields: tuple[str, ...]

    def build(self, table: pa.Table) -> Any: ...


_REGISTRY: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Add ``kind`` (by its name) to the registry; returns it (usable as a decorator)."""
    _REGISTRY[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    """Remove a kind (tests register and remove their own)."""
    _REGISTRY.pop(name, None)


def kinds() -> tuple[Kind, ...]:
    """Every registered kind, built-in ones first, in registration order."""
    return tuple(_REGISTRY.values())


def names() -> tuple[str, ...]:
    """The names of every registered kind."""
    return tuple(_REGISTRY)


def get(name: str) -> Kind:
    """The kind called ``name``; KeyError when none is registered."""
    return _REGISTRY[name]
