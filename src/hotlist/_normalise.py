"""How the query side reads a value, per field: the normaliser each field of the
one table declares (``QueryField.normaliser``: text, country, vocabulary, date).

The same functions serve ``check()``, ``check_many``'s per-row and vectorised
paths and the holder's fields, so a value reads the same everywhere.
"""

from __future__ import annotations

from collections.abc import Callable

from hotlist import names
from hotlist._errors import InvalidQuery
from hotlist.extracts._vocab import VOCABULARIES, vocabulary_value
from hotlist.fields import field
from hotlist.ids import country as country_ids

__all__ = ["country_code", "in_vocabulary", "normalise", "normalize_value"]


def country_code(name: str, value: str | None) -> str | None:
    """The ISO 3166 code of a country given as a code, a name or an MRZ code; the
    error names the field."""
    if value is None:
        return None
    try:
        code: str = country_ids.normalize(value)
    except InvalidQuery as exc:
        raise InvalidQuery(f"{name}: {exc}") from None
    return code


def normalize_value(vocabulary: str, value: str) -> str | None:
    """The canonical value of ``value`` in a closed vocabulary (``document_type``,
    ``sex``...), with the same synonyms the extract loader accepts; None when it is
    unknown or says "unknown"."""
    return vocabulary_value(vocabulary, value) or None


def in_vocabulary(name: str, column: str, value: str | None) -> str | None:
    """The canonical value of ``value`` in the closed vocabulary ``column``; the
    error names the field and lists the known values."""
    if value is None:
        return None
    canonical = normalize_value(column, value)
    if canonical is None:
        known = ", ".join(v for v in VOCABULARIES[column] if v != "unknown")
        raise InvalidQuery(f"{name} {value!r} is not a known value of {column}; use one of {known}")
    return canonical


def normalise(name: str, text: str | None) -> object:
    """The value of field ``name`` (text checked by :func:`hotlist.fields.clean`) as
    the query side reads it, by the field's declared ``normaliser``; None stays
    None, a value that cannot be used raises :class:`hotlist.InvalidQuery`."""
    if text is None:
        return None
    return _NORMALISERS[field(name).normaliser](name, text)


def _as_country(name: str, text: str) -> str | None:
    return country_code(name, text)


def _as_vocabulary(name: str, text: str) -> str | None:
    return in_vocabulary(name, name, text)


def _as_date(_name: str, text: str) -> names.PartialDate:
    return names.parse_dob(text)


def _as_text(_name: str, text: str) -> str:
    return text


_NORMALISERS: dict[str, Callable[[str, str], object]] = {
    "text": _as_text,
    "country": _as_country,
    "vocabulary": _as_vocabulary,
    "date": _as_date,
}
