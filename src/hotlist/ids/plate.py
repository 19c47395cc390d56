"""Vehicle registration plates (licence plates), with a few national formats.

Plates have no world standard.  ``compact()`` upper-cases ASCII letters and
drops spaces, hyphens, dots, slashes and ``<``; ``ocr_key()`` then collapses the
same OCR classes as document numbers ({0 O D Q} {1 I L} {2 Z} {5 S} {8 B}
{6 G}).  Both are THE plate normalisers: the index uses ``compact_array()`` /
``ocr_key_array()``, queries use ``compact()`` / ``ocr_key()``, and the tests
hold each pair equal.

**Country prefix rule.**  A plate is sometimes written with the international
distinguishing sign in front ("F-AB-123-CD", "D M-AB 123", "GB AB12 CDE").  A
leading group of 1-3 letters is dropped only when all of these hold:

1. it is the distinguishing sign (1968 Vienna Convention) of a country whose
   national format is known here (see ``FORMATS``);
2. a separator (space, hyphen, dot, slash) follows it;
3. what follows is a plate of that country's format;
4. the whole value, prefix included, is *not* a plate of that format.

Rule 4 keeps German district codes that look like signs: "D-AB 1234" is a
Düsseldorf plate, not Germany + "AB 1234", and "F-AB 123" is Frankfurt, not
France.  Limits: a sign of a country without a known format is never dropped;
a prefix written without a separator ("FAB123CD") is never dropped; a sign
that is also a valid start of the plate in its own format is kept.  The index
and the query go through the same rule, so these limits cost a hit only when
one side writes the sign and the other does not.

>>> compact("ab-123-cd"), compact("F-AB-123-CD"), compact("D M-AB 123"), compact("D-AB 1234")
('AB123CD', 'AB123CD', 'MAB123', 'DAB1234')
>>> compact("GB AB12 CDE"), compact("F-AB 123")
('AB12CDE', 'FAB123')
>>> ocr_key("AB-123-CD"), ocr_key("A8-I23-CO")
('A8123C0', 'A8123C0')
>>> matches_format("AB-123-CD", "FRA"), matches_format("AB12 CDE", "GBR")
(True, True)
>>> matches_format("XYZ", "USA") is None
True
>>> validate("ab 12 cde"), format("ab12cde")
('AB12CDE', 'AB12CDE')
"""

from __future__ import annotations

import re
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from hotlist.ids import country as _country
from hotlist.ids._keys import SEPARATORS, KeyTable, accepts, alnum_key, fold, text_of, with_scalar
from hotlist.ids.ocr import TO_DIGIT

__all__ = [
    "FORMATS",
    "MAX_LENGTH",
    "SIGNS",
    "compact",
    "compact_array",
    "format",
    "is_valid",
    "matches_format",
    "ocr_key",
    "ocr_key_array",
    "plain_keys",
    "plain_tables",
    "validate",
]

MAX_LENGTH = 12

# National formats, as regexes over the "spaced" form: ASCII upper case, every
# run of separators one space.  " ?" stands where people may or may not separate.
FORMATS: dict[str, str] = {
    # SIV since 2009 (AA-123-AA) and the older FNI (123 ABC 75, 2A/2B, 971-976).
    "FRA": r"[A-Z]{2} ?[0-9]{3} ?[A-Z]{2}|[0-9]{1,4} ?[A-Z]{1,3} ?([0-9]{2}|2A|2B|97[1-6])",
    # district 1-3 letters, 1-2 letters, 1-4 digits, E (electric) or H (historic).
    "DEU": r"[A-Z]{1,3} ?[A-Z]{1,2} ?[1-9][0-9]{0,3}[EH]?",
    # current (AB12 CDE), prefix (A123 BCD), suffix (ABC 123D), dateless and Northern Ireland.
    "GBR": r"[A-Z]{2}[0-9]{2} ?[A-Z]{3}|[A-Z][0-9]{1,3} ?[A-Z]{3}|[A-Z]{3} ?[0-9]{1,3}[A-Z]"
    r"|[A-Z]{1,3} ?[0-9]{1,4}|[0-9]{1,4} ?[A-Z]{1,3}",
    # RDW sidecodes 1-14.
    "NLD": r"[A-Z]{2} ?[0-9]{2} ?[0-9]{2}|[0-9]{2} ?[0-9]{2} ?[A-Z]{2}|[0-9]{2} ?[A-Z]{2} ?[0-9]{2}"
    r"|[A-Z]{2} ?[0-9]{2} ?[A-Z]{2}|[A-Z]{2} ?[A-Z]{2} ?[0-9]{2}|[0-9]{2} ?[A-Z]{2} ?[A-Z]{2}"
    r"|[0-9]{2} ?[A-Z]{3} ?[0-9]|[0-9] ?[A-Z]{3} ?[0-9]{2}|[A-Z]{2} ?[0-9]{3} ?[A-Z]"
    r"|[A-Z] ?[0-9]{3} ?[A-Z]{2}|[A-Z]{3} ?[0-9]{2} ?[A-Z]|[A-Z] ?[0-9]{2} ?[A-Z]{3}"
    r"|[0-9] ?[A-Z]{2} ?[0-9]{3}|[0-9]{3} ?[A-Z]{2} ?[0-9]",
    # since 1994: AA 123 AA.
    "ITA": r"[A-Z]{2} ?[0-9]{3} ?[A-Z]{2}",
    # since 2000: 1234 BCD (no vowels); provincial before (M 1234 AB).
    "ESP": r"[0-9]{4} ?[B-DF-HJ-NP-TV-Z]{3}|[A-Z]{1,2} ?[0-9]{4} ?[A-Z]{0,2}",
    # district 2-3 letters, then 4-5 letters and digits.
    "POL": r"[A-Z]{2} ?[0-9A-Z]{5}|[A-Z]{3} ?[0-9A-Z]{4,5}",
    # 1-ABC-123 since 2010, ABC-123 before.
    "BEL": r"[1-9] ?[A-Z]{3} ?[0-9]{3}|[A-Z]{3} ?[0-9]{3}",
    # canton and up to six digits.
    "CHE": r"(AG|AI|AR|BE|BL|BS|FR|GE|GL|GR|JU|LU|NE|NW|OW|SG|SH|SO|SZ|TG|TI|UR|VD|VS|ZG|ZH)"
    r" ?[0-9]{1,6}",
    # AA-00-AA since 2020, and the three older layouts.
    "PRT": r"[A-Z]{2} ?[0-9]{2} ?[A-Z]{2}|[0-9]{2} ?[A-Z]{2} ?[0-9]{2}|[0-9]{2} ?[0-9]{2} ?[A-Z]{2}"
    r"|[A-Z]{2} ?[0-9]{2} ?[0-9]{2}",
}

# Distinguishing signs of the countries above (1968 Vienna Convention; UK since 2021).
SIGNS: dict[str, str] = {
    "F": "FRA",
    "D": "DEU",
    "GB": "GBR",
    "UK": "GBR",
    "NL": "NLD",
    "I": "ITA",
    "E": "ESP",
    "PL": "POL",
    "B": "BEL",
    "CH": "CHE",
    "P": "PRT",
}

_COMPACT = KeyTable(SEPARATORS)
_OCR = KeyTable(SEPARATORS, TO_DIGIT)

_PY_SEPS = "[" + re.escape(SEPARATORS) + "]+"
_RE2_SEPS = _COMPACT.pattern + "+"
_SPACE_RUN = re.compile(_PY_SEPS)
_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_FULL = {code: re.compile(f"(?:{rx})") for code, rx in FORMATS.items()}
_PREFIX = re.compile(r"([A-Z]{1,3}) (.+)")
# Cheap pre-test, same in both engines: 1-3 letters then a separator at the start.
_PY_CANDIDATE = re.compile(f"[{re.escape(SEPARATORS)}]*([A-Za-z]{{1,3}})[{re.escape(SEPARATORS)}]")


def _spaced(plate: str) -> str:
    return _SPACE_RUN.sub(" ", plate.translate(_UPPER)).strip(" ")


def _strip_sign(plate: str) -> str:
    """The plate without its distinguishing sign, when the module rule says so."""
    start = _PY_CANDIDATE.match(plate)
    if start is None or start.group(1).upper() not in SIGNS:  # fast path
        return plate
    spaced = _spaced(plate)
    m = _PREFIX.fullmatch(spaced)
    if m is None:
        return plate
    code = SIGNS.get(m.group(1))
    if code is None:
        return plate
    rx = _FULL[code]
    if rx.fullmatch(m.group(2)) and not rx.fullmatch(spaced):
        return m.group(2)
    return plate


def compact(plate: str) -> str:
    """Upper case, separators dropped, a country sign dropped by the module rule
    (text that is not ASCII is folded first: ``hotlist.ids._keys.fold``)."""
    return _key(plate, _COMPACT)


def ocr_key(plate: str) -> str:
    """``compact()`` with the OCR-equivalence classes collapsed (idempotent)."""
    return _key(plate, _OCR)


def _key(plate: str, table: KeyTable) -> str:
    if not plate.isascii():
        plate = fold(plate)
    plate = _strip_sign(plate)
    if plate.isascii():
        return plate.encode().translate(table.byte_map, table.delete_bytes).decode()
    return table.slow(plate, _strip_sign)


def _strip_sign_array(plates: Any) -> Any:
    """``_strip_sign`` over an Arrow string array, with the same regexes (RE2 syntax)."""
    if isinstance(plates, pa.ChunkedArray):
        return pa.chunked_array([_strip_sign_array(c) for c in plates.chunks], type=pa.string())
    if not isinstance(plates, pa.Array):
        plates = pa.array(plates, type=pa.string())
    if not pa.types.is_string(plates.type):
        plates = plates.cast(pa.string())
    # Only rows that start with a known sign and a separator need the full rule.
    start = pc.extract_regex(
        plates, pattern=f"^{_COMPACT.pattern}*(?P<s>[A-Za-z]{{1,3}}){_COMPACT.pattern}"
    )
    candidate = pc.fill_null(
        pc.is_in(pc.ascii_upper(start.field("s")), value_set=pa.array(list(SIGNS))), False
    )
    if not pc.any(candidate).as_py():
        return plates
    subset = pc.filter(plates, candidate)
    return pc.replace_with_mask(plates, candidate, _strip_rule_array(subset))


def _strip_rule_array(plates: Any) -> Any:
    spaced = pc.utf8_trim(
        pc.replace_substring_regex(pc.ascii_upper(plates), pattern=_RE2_SEPS, replacement=" "),
        characters=" ",
    )
    parts = pc.extract_regex(spaced, pattern=r"^(?P<sign>[A-Z]{1,3}) (?P<rest>.+)$")
    sign, rest = parts.field("sign"), parts.field("rest")
    take = pa.array([False] * len(plates), type=pa.bool_())
    for code, rx in FORMATS.items():
        signs = pa.array([s for s, c in SIGNS.items() if c == code])
        full = f"^(?:{rx})$"
        this = pc.and_(
            pc.and_(pc.is_in(sign, value_set=signs), pc.match_substring_regex(rest, pattern=full)),
            pc.invert(pc.match_substring_regex(spaced, pattern=full)),
        )
        take = pc.or_(take, pc.fill_null(this, False))
    return pc.if_else(take, rest, plates)


def compact_array(plates: Any) -> Any:
    """``compact()`` over a pyarrow string array; nulls stay null."""
    return with_scalar(plates, lambda v: _COMPACT._ascii_array(_strip_sign_array(v)), compact)


def ocr_key_array(plates: Any) -> Any:
    """``ocr_key()`` over a pyarrow string array; nulls stay null."""
    return with_scalar(plates, lambda v: _OCR._ascii_array(_strip_sign_array(v)), ocr_key)


def plain_keys(plate: str) -> tuple[str, str] | None:
    """``validate(plate)`` and its ``ocr_key()`` in one step for a plain plate: ASCII,
    letters and digits once compacted (a distinguishing sign dropped by the module
    rule); None for any other (ask ``validate()``: it may still accept it, or says
    why not).

    >>> plain_keys("ab-123-cd"), plain_keys("F AB-123-CD"), plain_keys("A#1")
    (('AB123CD', 'A8123C0'), ('AB123CD', 'A8123C0'), None)
    """
    if not plate.isascii() or len(plate) > 10 * MAX_LENGTH:
        return None
    start = _PY_CANDIDATE.match(plate)
    if start is not None and start.group(1).upper() in SIGNS:
        plate = _strip_sign(plate)  # "B-HO 9737": the module rule (rarely a sign)
    compact = plate.encode().translate(_COMPACT.byte_map, _COMPACT.delete_bytes)
    if not compact or len(compact) > MAX_LENGTH or not compact.isalnum():
        return None
    return compact.decode(), compact.translate(_OCR.byte_map, _OCR.delete_bytes).decode()


def plain_tables() -> dict[str, object]:
    """What :func:`plain_keys` decides by, for a compiled copy of it
    (``hotlist._vehicle_kernel``): the compacting byte map and the separators it
    deletes, the OCR key's byte map, the separators of the distinguishing sign
    rule's pattern and the signs, the longest plate and the longest text taken."""
    return {
        "byte_map": _COMPACT.byte_map,
        "delete": _COMPACT.delete_bytes,
        "ocr_map": _OCR.byte_map,
        "separators": SEPARATORS,
        "signs": tuple(SIGNS),
        "max_length": MAX_LENGTH,
        "text": 10 * MAX_LENGTH,
    }


def validate(plate: str) -> str:
    """The compacted plate (1-12 letters A-Z and digits), or ``InvalidQuery``."""
    return alnum_key("plate", plate, compact(text_of("plate", plate, MAX_LENGTH)), MAX_LENGTH)


def is_valid(plate: str) -> bool:
    """Whether ``validate()`` accepts ``plate`` (never raises)."""
    return accepts(validate, plate)


def matches_format(plate: str, country: str) -> bool | None:
    """Whether ``plate`` has a national format of ``country``; ``None`` if none is known.

    ``country`` is anything ``hotlist.ids.country`` accepts, or a distinguishing sign
    from ``SIGNS`` ("F", "I"); an unknown one gives ``None``.
    """
    code = _country.lookup(country) or SIGNS.get(country.strip().upper())
    rx = _FULL.get(code) if code else None
    if rx is None:
        return None
    if len(plate) > 10 * MAX_LENGTH:
        return False
    return rx.fullmatch(_spaced(_strip_sign(plate))) is not None


def format(plate: str) -> str:
    """The plate as stored and compared: validated and compacted."""
    return validate(plate)
