"""The storage half shared by kinds whose index is one object that saves and
updates itself (documents, vehicles): build, snapshot parts, open from parts,
update from a delta and size, each handed to the index class."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Generic, Protocol, TypeVar

import numpy as np
import pyarrow as pa

from hotlist.datasets._kind import IndexParts, Parts

__all__ = ["OneIndex", "SelfSaving"]

_I = TypeVar("_I", bound="SelfSaving")


class SelfSaving(Protocol):
    """An index that builds from a table (``index_class(table)``) and saves, opens
    and updates itself; its class also has ``from_parts(table, arrays, numpy)``:
    the index over ``table`` from saved :meth:`parts` (possibly memory-mapped),
    with no key recomputed and nothing sorted."""

    def parts(self) -> Parts:
        """What ``from_parts`` rebuilds the index from, besides the table: Arrow
        arrays (its keys) and numpy arrays (its built indexes)."""
        ...

    def updated(self, table: pa.Table, keep: np.ndarray, new: pa.Table) -> Any:
        """The index over ``table``: this index's rows where ``keep``, then ``new``."""
        ...

    @property
    def nbytes(self) -> int:
        """Bytes the index holds."""
        ...


class OneIndex(Generic[_I]):
    """A kind's storage with one index of class ``index_class``, saved under the
    kind's name (``<name>.keys.arrow``, ``index/<name>.*.npy``)."""

    name: str
    index_class: ClassVar[Any]

    @property
    def part_names(self) -> tuple[str, ...]:
        """One part, under the kind's name (what :meth:`parts` saves)."""
        return (self.name,)

    def build(self, table: pa.Table) -> _I:
        index: _I = self.index_class(table)
        return index

    def parts(self, index: _I) -> IndexParts:
        return {self.name: index.parts()}

    def from_parts(self, table: pa.Table, parts: Mapping[str, Parts]) -> _I:
        index: _I = self.index_class.from_parts(table, *parts[self.name])
        return index

    def updated(self, index: _I, table: pa.Table, keep: np.ndarray, new: pa.Table) -> _I:
        out: _I = index.updated(table, keep, new)
        return out

    def nbytes(self, index: _I) -> int:
        return index.nbytes
