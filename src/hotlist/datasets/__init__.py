"""Dataset kinds: one module per kind, one small interface, one registry.

A kind (stolen and lost documents, stolen vehicles, wanted persons, or one
registered by an integrator or a test) is a module with one object implementing
:class:`Kind`.  State, load, snapshot, delta, stats, check, check_many, the CLI
and signing loop over :func:`kinds`; adding a kind touches only its module.

The built-in kinds live in ``hotlist.datasets.documents``, ``.vehicles`` and
``.persons`` and are registered on import of this package, in that order.

Adding a kind (``tests/firearms_kind.py`` is a complete one, run through every
step by ``tests/test_fourth_kind.py``): write one module with

- a canonical Arrow ``schema`` (a non-null ``record_id`` first), the ``required``
  columns, and the ``searchable`` columns an extract needs one of;
- ``canonicalise``: the raw columns of one file to the canonical ones, read
  through the ``RawColumns`` it is given (``raw.text("serial")``, ``raw.date``,
  ``raw.country``... from :mod:`hotlist.extracts._canonical`; rejecting through
  ``raw.issues.add`` the rows that cannot be searched), and ``row_key``;
- its index: ``build``, ``parts`` / ``from_parts`` (what a snapshot stores; keys
  are computed once, in the build, and read back), ``updated`` (a delta: keys for
  the new rows only) and ``nbytes`` -- or an index class with those methods and
  :class:`hotlist.datasets._single.OneIndex`;
- its ``query_fields``, declared with :func:`hotlist.fields.register_field`, and
  ``match``, which returns scored ``Candidate`` s with a severity;
- optionally ``action(record, severity)``, what the officer does on a hit (and
  ``action_columns``, the record columns it reads); a kind without one gets a
  generic instruction, and a candidate without a severity is an alarm at the
  exact and OCR levels, possible at any other;

then ``register(KIND)``.  ``hotlist.load(folder)`` then reads ``<name>.*``,
``check(extra={field: value})`` and ``check_many`` columns answer from it, and
snapshots and deltas carry it.  A snapshot holding a kind opens only where that
kind is registered (the manifest names it); one without it opens with it empty.
"""

from __future__ import annotations

from hotlist._documents import Candidate
from hotlist.datasets._kind import Kind, Query, get, kinds, names, register, unregister
from hotlist.datasets.documents import KIND as DOCUMENTS
from hotlist.datasets.persons import KIND as PERSONS
from hotlist.datasets.vehicles import KIND as VEHICLES

__all__ = [
    "BUILTIN",
    "DOCUMENTS",
    "PERSONS",
    "VEHICLES",
    "Candidate",
    "Kind",
    "Query",
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
