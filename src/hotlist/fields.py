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

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import overload

from hotlist._errors import InvalidQuery

__all__ = [
    "BUILTIN_NAMES",
    "QueryField",
    "all_fields",
    "clean",
    "field",
    "field_names",
    "limits",
    "qualifiers",
    "register_field",
    "unregister_field",
]


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
    narrows a document or plate), the fields it needs one of.  ``allows_date``:
    a ``datetime.date`` is taken (as its ISO text).  ``multiline``: line breaks
    are part of the value (an MRZ's lines), not control characters.
    ``normaliser``: how the query side reads the checked text (hotlist._query):
    ``"text"`` as it is (the field's kind validates it), ``"country"`` an ISO
    3166 code from a code, name or MRZ code, ``"vocabulary"`` the canonical value
    of the closed vocabulary named like the field, ``"date"`` a partial date.
    """

    name: str
    annotation: str
    max_length: int
    kinds: tuple[str, ...]
    help: str
    metavar: str = "TEXT"
    qualifies: tuple[str, ...] = ()
    allows_date: bool = False
    multiline: bool = False
    normaliser: str = "text"


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
        "the issuing state of the document, or where the plate is registered "
        "(ISO 3166, name or MRZ code)",
        "CODE",
        qualifies=("document", "plate"),
        normaliser="country",
    ),
    QueryField(
        "document_type",
        "str | None",
        40,
        ("documents",),
        "passport, id_card, visa, residence_permit, travel_document or other",
        "TYPE",
        qualifies=("document",),
        normaliser="vocabulary",
    ),
    QueryField(
        "mrz",
        "str | None",
        300,
        ("documents", "persons"),
        "the machine-readable zone (TD1, TD2, TD3, MRV-A, MRV-B); "
        "checks the document and its holder",
        "MRZ",
        multiline=True,
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
        normaliser="date",
    ),
    QueryField(
        "nationality",
        "str | None",
        64,
        ("persons",),
        "a nationality (ISO 3166, name or MRZ code)",
        "CODE",
        normaliser="country",
    ),
    QueryField("sex", "str | None", 16, ("persons",), "M, F or X", "SEX", normaliser="vocabulary"),
)

_FIELDS: dict[str, QueryField] = {f.name: f for f in _BUILTIN}
BUILTIN_NAMES: tuple[str, ...] = tuple(f.name for f in _BUILTIN)
# The longest value of each field, read on every check (one dict lookup).
_LIMITS: dict[str, int] = {f.name: f.max_length for f in _BUILTIN}
# Per field that only qualifies others, the fields it needs one of.
_QUALIFIERS: dict[str, tuple[str, ...]] = {f.name: f.qualifies for f in _BUILTIN if f.qualifies}


def register_field(spec: QueryField) -> None:
    """Add a field (from a dataset kind's module); the same spec again is a no-op."""
    known = _FIELDS.get(spec.name)
    if known is not None and known != spec:
        raise ValueError(f"query field {spec.name!r} is already declared differently")
    _FIELDS[spec.name] = spec
    _LIMITS[spec.name] = spec.max_length
    if spec.qualifies:
        _QUALIFIERS[spec.name] = spec.qualifies


def unregister_field(name: str) -> None:
    """Remove a registered field (tests register and remove their own); a built-in
    field cannot be removed."""
    if name in BUILTIN_NAMES:
        raise ValueError(f"query field {name!r} is built in")
    _FIELDS.pop(name, None)
    _LIMITS.pop(name, None)
    _QUALIFIERS.pop(name, None)


def field(name: str) -> QueryField:
    """The declared field ``name`` (KeyError when there is none)."""
    return _FIELDS[name]


def all_fields() -> Iterator[QueryField]:
    """Every declared field: the built-in ones in ``check()``'s order, then registered ones."""
    return iter(tuple(_FIELDS.values()))


def field_names() -> tuple[str, ...]:
    """The names of every declared field, in order."""
    return tuple(_FIELDS)


def limits() -> dict[str, int]:
    """Per declared field, the longest value accepted (a copy)."""
    return dict(_LIMITS)


def qualifiers() -> dict[str, tuple[str, ...]]:
    """Per field that only qualifies others (``country``), the fields it needs one
    of; the live mapping, read on every query: do not change it."""
    return _QUALIFIERS


# Unicode's control characters (category Cc: exactly U+0000-U+001F and
# U+007F-U+009F), and the same without CR and LF for a field of several lines (an
# MRZ, which is never printable for its newlines): one regex search instead of a
# category lookup per character (tests/test_fields_control.py holds them equal).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]").search
_CONTROL_BUT_LINES = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f]").search


def _fail_control(name: str, value: str) -> None:
    found = (_CONTROL_BUT_LINES if _FIELDS[name].multiline else _CONTROL)(value)
    if found is not None:
        raise InvalidQuery(
            f"{name} contains a control character (U+{ord(found.group()):04X}) at position "
            f"{found.start() + 1}; send the value as it is printed on the document"
        )


@overload
def clean(name: str, value: str | dt.date) -> str: ...
@overload
def clean(name: str, value: object) -> str | None: ...


def clean(name: str, value: object) -> str | None:
    """A value of field ``name`` checked at the boundary, as every check reads it:
    text (a date where the field allows one), no longer than the field's
    ``max_length`` (a 5 MB "name" costs no more than a length check), no control
    characters, stripped, not blank.  None stays None; raises
    :class:`hotlist.InvalidQuery` otherwise."""
    if value is None:
        return None
    if not isinstance(value, str):
        if isinstance(value, dt.date) and _FIELDS[name].allows_date:
            return value.isoformat()
        raise InvalidQuery(f"{name} must be text, not {type(value).__name__}")
    limit = _LIMITS[name]
    if len(value) > limit:
        raise InvalidQuery(
            f"{name} is {len(value):,} characters long; at most {limit} are accepted"
        )
    if not value.isprintable():
        _fail_control(name, value)
    value = value.strip()
    if not value:
        raise InvalidQuery(f"{name} is empty; leave it out instead")
    return value
