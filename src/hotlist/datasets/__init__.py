"""Dataset kinds: one module per kind, one small interface, one registry.

A kind (stolen and lost documents, stolen vehicles, wanted persons, or one
registered by an integrator or a test) is a module with one object implementing
:class:`Kind`.  State, load, snapshot, delta, stats, check, check_many, the CLI
and signing loop over :func:`kinds`; adding a kind touches only its module.

The built-in kinds live in ``hotlist.datasets.documents``, ``.vehicles`` and
``.persons`` and are registered on import of this package.
"""

from __future__ import annotations

from hotlist.datasets._kind import Kind, get, kinds, names, register, unregister

__all__ = ["Kind", "get", "kinds", "names", "register", "unregister"]
