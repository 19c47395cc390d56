"""Travel document numbers (ICAO Doc 9303 Part 4-6: the document number field).

A document number is up to 9 characters in the MRZ of a passport, longer on
some identity cards (TD1 numbers continue into the optional data), and in
extracts it is written with spaces, hyphens, dots or MRZ fillers.  Here a
document number is 1 to 20 letters A-Z and digits once compacted.

``compact()`` and ``ocr_key()`` are THE normalisers of document numbers: the
extract loader builds the index keys with ``compact_array()`` /
``ocr_key_array()`` and ``check()`` builds the query keys with ``compact()`` /
``ocr_key()``.  Each pair shares one translate table (``hotlist.ids._keys``),
and the tests hold the scalar and array forms equal on arbitrary text.

``ocr_key()`` collapses the characters an OCR engine or a tired officer
confuses: {0 O D Q} -> 0, {1 I L} -> 1, {2 Z} -> 2, {5 S} -> 5, {8 B} -> 8,
{6 G} -> 6.  Two numbers with the same OCR key are an ``ocr`` match.

>>> compact("l898 902-c3"), compact("L898902C3<<"), compact("AB.12/34")
('L898902C3', 'L898902C3', 'AB1234')
>>> ocr_key("L898902C3"), ocr_key("1898902C3"), ocr_key("LB9BgO2C3")
('1898902C3', '1898902C3', '1898602C3')
>>> validate(" l898902c3 ")
'L898902C3'
>>> validate("L89#902")
Traceback (most recent call last):
    ...
hotlist._errors.InvalidQuery: document number 'L89#902' contains '#': only A-Z and 0-9 are allowed
>>> is_valid(""), is_valid("X" * 21), is_valid("C01X00T47")
(False, False, True)
>>> import pyarrow as pa
>>> ocr_key_array(pa.array(["l898-902 c3", None])).to_pylist()
['1898902C3', None]
"""

from __future__ import annotations

from typing import Any

from hotlist.ids._keys import SEPARATORS, KeyTable, accepts, alnum_key, text_of, with_scalar
from hotlist.ids.ocr import TO_DIGIT

__all__ = [
    "MAX_LENGTH",
    "compact",
    "compact_array",
    "format",
    "is_valid",
    "key_array",
    "ocr_key",
    "ocr_key_array",
    "plain_keys",
    "plain_tables",
    "validate",
]

MAX_LENGTH = 20

_COMPACT = KeyTable(SEPARATORS)
_OCR = KeyTable(SEPARATORS, TO_DIGIT)
_compact_bytes = _COMPACT.byte_map
_ocr_bytes = _OCR.byte_map
_delete = _COMPACT.delete_bytes
# the separators a printable value may hold (plain_keys)
_plain_delete = bytes(c for c in _delete if chr(c).isprintable())


def compact(number: str) -> str:
    """Upper-case ASCII letters and drop spaces, hyphens, dots, slashes and ``<``.

    Never raises on a ``str``; what is left may still be invalid.
    """
    if number.isascii():
        return number.encode().translate(_compact_bytes, _delete).decode()
    return _COMPACT.slow(number)


def ocr_key(number: str) -> str:
    """``compact()`` with the OCR-equivalence classes collapsed (idempotent)."""
    if number.isascii():
        return number.encode().translate(_ocr_bytes, _delete).decode()
    return _OCR.slow(number)


def compact_array(numbers: Any) -> Any:
    """``compact()`` over a pyarrow string array; nulls stay null."""
    return _COMPACT.array(numbers)


def ocr_key_array(numbers: Any) -> Any:
    """``ocr_key()`` over a pyarrow string array; nulls stay null."""
    return _OCR.array(numbers)


def key_array(numbers: Any) -> Any:
    """``ocr_key(compact(n))`` of every number of a pyarrow string array (the index
    key of a listed document number) in one pass; nulls stay null.  An ASCII value
    takes one translate: the OCR table deletes the same separators and folds both
    cases alike, so ``ocr_key(compact(x)) == ocr_key(x)`` there; any other value
    is computed by the scalar pair itself.

    >>> import pyarrow as pa
    >>> key_array(pa.array(["l898-902 c3", None, "AB.12/34"])).to_pylist()
    ['1898902C3', None, 'A81234']
    """
    return with_scalar(numbers, _OCR._ascii_array, lambda value: ocr_key(compact(value)))


def validate(number: str) -> str:
    """The compacted number, or ``InvalidQuery`` saying what is wrong with it."""
    value = compact(text_of("document number", number, MAX_LENGTH))
    if value.isascii() and value.isalnum() and len(value) <= MAX_LENGTH:
        return value  # the common case, in a few hundred nanoseconds
    return alnum_key("document number", number, value, MAX_LENGTH)


def plain_keys(number: str) -> tuple[str, str] | None:
    """``(validate(number), ocr_key(validate(number)))`` in one step for the plain
    case: printable ASCII that compacts to 1 to ``MAX_LENGTH`` letters and digits
    (check()'s fast path; the caller has bounded ``len(number)``).  None otherwise:
    then :func:`validate` gives the key or says what is wrong.  Surrounding spaces
    are separators, so the stripped number has the same keys.

    One translate keeps every control character and non-ASCII byte (only the
    printable separators go), so ``bytes.isalnum`` (ASCII only) alone tells the
    plain case.

    >>> plain_keys(" l898 902-c3 "), plain_keys("L89#902"), plain_keys("--")
    (('L898902C3', '1898902C3'), None, None)
    >>> plain_keys("L898\\t902C3"), plain_keys("L898902Cé"), plain_keys("L898\\udcff2C3")
    (None, None, None)
    """
    # a lone surrogate (undecodable input bytes) is encoded, not raised on: its
    # bytes are not ASCII, so the number is not plain and validate() names it
    b = number.encode("utf-8", "surrogatepass").translate(_compact_bytes, _plain_delete)
    if b.isalnum() and len(b) <= MAX_LENGTH:
        return b.decode(), b.translate(_ocr_bytes).decode()
    return None


def plain_tables() -> tuple[bytes, bytes, bytes]:
    """The tables :func:`plain_keys` translates with: the compact map, the OCR
    map (256 bytes each) and the printable separators it deletes (for a
    compiled copy of it: ``hotlist.index._prefilter``)."""
    return _compact_bytes, _ocr_bytes, _plain_delete


def is_valid(number: str) -> bool:
    """Whether ``validate()`` accepts ``number`` (never raises)."""
    return accepts(validate, number)


def format(number: str) -> str:
    """The number as printed: compacted (document numbers have no grouping)."""
    return compact(number)
