"""Dataset kinds: one module per kind, one small interface, one registry.

A kind (stolen and lost documents, stolen vehicles, wanted persons, or one
registered by an integrator or a test) is a module with one object implementing
:class:`Kind`.  State, load, snapshot, delta, stats, check, check_many, the CLI
and signing loop over :func:`kinds`; adding a kind touches only its module.

The built-in kinds live in ``hotlist.datasets.documents``, ``.vehicles`` and
``.persons`` and are registered on import of this package, in that order.
"""

from __future__ import annotations

from hotlist.datasets._kind import Kind, get, kinds, names, register, unregister
from hotlist.datasets.documents import KIND as DOCUMENTS
from hotlist.datasets.persons import KIND as PERSONS
from hotlist.datasets.vehicles import KIND as VEHICLES

__all__ = [
    "BUILTIN",
    "DOCUMENTS",
    "PERSONS",
    "VEHICLES",
    "Kind",
    "get",
    "kinds",
    "names",
    "register",
    "unregister",
]

# The built-in kinds, in their order (tables, views, stats and reports follow it).
BUILTIN: tuple[Kind, ...] = (DOCUMENTS, VEHICLES, PERSONS)
for _builtin in BUILTIN:
    register(_builtin)
