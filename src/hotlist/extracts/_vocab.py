"""Canonical vocabularies and their synonyms, applied to distinct values only.

Every function here works on the *dictionary* of a column (its distinct values),
never row by row: a 10 M-row extract has a few dozen distinct statuses.

>>> vocabulary_value("status", "Stolen Blank")
'stolen_blank'
>>> vocabulary_value("document_type", "ID card")
'id_card'
>>> vocabulary_value("sex", "male")
'M'
>>> vocabulary_value("notice_type", "Red Notice")
'red'
>>> vocabulary_value("status", "stolenn") is None
True
>>> vocabulary_value("sex", "unknown")
''
>>> closest("status", "stolenn")
'stolen'
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable

from hotlist.ids import country as country_ids
from hotlist.schema import DOCUMENT_STATUSES, DOCUMENT_TYPES, NOTICE_TYPES, SEXES

__all__ = ["VOCABULARIES", "closest", "country_lookup", "normalise_key", "vocabulary_value"]

VOCABULARIES: dict[str, tuple[str, ...]] = {
    "document_type": DOCUMENT_TYPES,
    "status": DOCUMENT_STATUSES,
    "notice_type": NOTICE_TYPES,
    "sex": SEXES,
}

# Synonyms, keyed by the normalised form (lower case, single spaces, no punctuation).
_SYNONYMS: dict[str, dict[str, str | None]] = {
    "document_type": {
        "passport": "passport",
        "p": "passport",
        "pp": "passport",
        "pass": "passport",
        "travel passport": "passport",
        "national passport": "passport",
        "diplomatic passport": "passport",
        "service passport": "passport",
        "official passport": "passport",
        "e passport": "passport",
        "epassport": "passport",
        "id card": "id_card",
        "id": "id_card",
        "i": "id_card",
        "idcard": "id_card",
        "identity card": "id_card",
        "national id": "id_card",
        "national id card": "id_card",
        "national identity card": "id_card",
        "identity document": "id_card",
        "visa": "visa",
        "v": "visa",
        "visa sticker": "visa",
        "residence permit": "residence_permit",
        "residence card": "residence_permit",
        "permit": "residence_permit",
        "rp": "residence_permit",
        "travel document": "travel_document",
        "td": "travel_document",
        "refugee travel document": "travel_document",
        "laissez passer": "travel_document",
        "emergency travel document": "travel_document",
        "other": "other",
        "unknown": "other",
    },
    "status": {
        "stolen": "stolen",
        "s": "stolen",
        "theft": "stolen",
        "lost": "lost",
        "l": "lost",
        "missing": "lost",
        "revoked": "revoked",
        "r": "revoked",
        "cancelled": "revoked",
        "canceled": "revoked",
        "invalidated": "invalidated",
        "invalid": "invalidated",
        "i": "invalidated",
        "stolen blank": "stolen_blank",
        "blank": "stolen_blank",
        "stolenblank": "stolen_blank",
        "blank stolen": "stolen_blank",
        "sb": "stolen_blank",
    },
    "notice_type": {
        "red": "red",
        "red notice": "red",
        "blue": "blue",
        "blue notice": "blue",
        "yellow": "yellow",
        "yellow notice": "yellow",
        "diffusion": "diffusion",
        "red diffusion": "diffusion",
        "warrant": "warrant",
        "arrest warrant": "warrant",
        "national warrant": "warrant",
        "european arrest warrant": "warrant",
        "eaw": "warrant",
        "other": "other",
    },
    "sex": {
        "m": "M",
        "male": "M",
        "man": "M",
        "masculine": "M",
        "f": "F",
        "female": "F",
        "woman": "F",
        "w": "F",
        "feminine": "F",
        "x": "X",
        "other": "X",
        "diverse": "X",
        "d": "X",
        "non binary": "X",
        "nonbinary": "X",
        # "unknown" is no value at all, not an error: it loads as null.
        "u": None,
        "unknown": None,
        "unspecified": None,
        "<": None,
    },
}

_PUNCT = re.compile(r"[\s_\-./]+")


def normalise_key(value: str) -> str:
    """Lower-case, punctuation and runs of spaces folded to one space."""
    return _PUNCT.sub(" ", value.strip().lower()).strip()


def vocabulary_value(vocabulary: str, value: str) -> str | None:
    """The canonical value for ``value`` in ``vocabulary``, ``""`` for an explicit
    "unknown" (loads as null), None when it is not a known code."""
    key = normalise_key(value)
    synonyms = _SYNONYMS[vocabulary]
    if key in synonyms:
        return synonyms[key] or ""
    canonical = {normalise_key(v): v for v in VOCABULARIES[vocabulary]}
    return canonical.get(key)


def closest(vocabulary: str, value: str) -> str | None:
    """The canonical value whose spelling (or a synonym's) is closest, if any is close."""
    synonyms = _SYNONYMS[vocabulary]
    keys = [k for k in synonyms if len(k) > 2] + [
        normalise_key(v) for v in VOCABULARIES[vocabulary]
    ]
    found = difflib.get_close_matches(normalise_key(value), keys, n=1, cutoff=0.6)
    if not found:
        return None
    key = found[0]
    return synonyms.get(key) or {normalise_key(v): v for v in VOCABULARIES[vocabulary]}.get(key)


def country_lookup() -> Callable[[str | None], str | None]:
    """``hotlist.ids.country.lookup`` (lenient: code, alpha-2, name -> ICAO code or None)."""
    return country_ids.lookup
