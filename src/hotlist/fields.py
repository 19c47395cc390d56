"""The one table of query fields.

Every query field a check can take is declared here once: its name, the Python
type ``check()`` accepts, the longest value accepted, the help text, and which
dataset kinds use it.  ``check()``'s keyword-only signature (generated, and
tested to agree), ``check_many``'s accepted columns, the CLI's flags and the
service's request schema are all derived from this table.

A dataset kind registered at run time (:mod:`hotlist.datasets`) adds its own
fields with :func:`register_field`; they are then accepted by ``check_many``,
the CLI and the service, and by ``check(extra={...})``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["BUILTIN_NAMES", "QueryField", "all_fields", "field", "field_names", "register_field"]


@dataclass(frozen=True)
class QueryField:
    """One query field.

    ``name``: the keyword (``check(document=...)``), the ``check_many`` column,
    the CLI flag (``--document``; underscores become dashes) and the service's
    JSON key.  ``annotation``: the type ``check()`` declares, as source text.
    ``max_length``: the longest value accepted; longer is refused at once.
    ``kinds``: the dataset kinds that answer or use it.  ``help``: one line for
    the docstring, the CLI and the OpenAPI schema.  ``metavar``: the CLI's
    placeholder.  ``qualifies``: for a field that only narrows another (country
    narrows a document or plate), the fields it needs one of.
    """

    name: str
    annotation: str
    max_length: int
    kinds: tuple[str, ...]
    help: str
    metavar: str = "TEXT"
    qualifies: tuple[str, ...] = ()
    allows_date: bool = False


_BUILTIN: tuple[QueryField, ...] = (
    QueryField(
        "document",
        "str | None",
        64,
        ("documents", "persons"),
        "a travel or identity document number",
        "NUMBER",
    ),
    QueryField(
        "country",
        "str | None",
        64,
        ("documents", "vehicles"),
        "the issuing state of the document, or where the plate is registered (ISO 3166, name or MRZ code)",
        "CODE",
        qualifies=("document", "plate"),
    ),
    QueryField(
        "document_type",
        "str | None",
        40,
        ("documents",),
        "passport, id_card, visa, residence_permit, travel_document or other",
        "TYPE",
        qualifies=("document",),
    ),
    QueryField(
        "mrz",
        "str | None",
        300,
        ("documents", "persons"),
        "the machine-readable zone (TD1, TD2, TD3, MRV-A, MRV-B); checks the document and its holder",
        "MRZ",
    ),
    QueryField(
        "vin",
        "str | None",
        64,
        ("vehicles",),
        "a full VIN, a shorter chassis number, or the last 6-8 characters of a VIN",
        "VIN",
    ),
    QueryField("plate", "str | None", 32, ("vehicles",), "a licence plate", "PLATE"),
    QueryField(
        "name",
        "str | None",
        300,
        ("persons",),
        'a person\'s name: "FAMILY, Given Names" or "Given Family"',
        "NAME",
    ),
    QueryField("family_name", "str | None", 200, ("persons",), "the family name (surname)", "NAME"),
    QueryField("given_names", "str | None", 200, ("persons",), "the given names", "NAMES"),
    QueryField(
        "dob",
        "str | dt.date | None",
        32,
        ("persons",),
        "date of birth, ISO 8601, partial allowed (1974, 1974-08)",
        "DATE",
        allows_date=True,
    ),
    QueryField(
        "nationality",
        "str | None",
        64,
        ("persons",),
        "a nationality (ISO 3166, name or MRZ code)",
        "CODE",
    ),
    QueryField("sex", "str | None", 16, ("persons",), "M, F or X", "SEX"),
)

_FIELDS: dict[str, QueryField] = {f.name: f for f in _BUILTIN}
BUILTIN_NAMES: tuple[str, ...] = tuple(f.name for f in _BUILTIN)


def register_field(spec: QueryField) -> None:
    """Add a field (from a dataset kind's module); the same spec again is a no-op."""
    known = _FIELDS.get(spec.name)
    if known is not None and known != spec:
        raise ValueError(f"query field {spec.name!r} is already declared differently")
    _FIELDS[spec.name] = spec


def field(name: str) -> QueryField:
    """The declared field ``name`` (KeyError when there is none)."""
    return _FIELDS[name]


def all_fields() -> Iterator[QueryField]:
    """Every declared field: the built-in ones in ``check()``'s order, then registered ones."""
    return iter(tuple(_FIELDS.values()))


def field_names() -> tuple[str, ...]:
    """The names of every declared field, in order."""
    return tuple(_FIELDS)
