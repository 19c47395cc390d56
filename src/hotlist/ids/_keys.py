"""Shared machinery of the key normalisers: one translate table per key, used by
the scalar function (``str.translate``) and by its Arrow twin, so that the index
side and the query side can never drift apart (STYLE point 4).

A key is built in steps, each defined once here:

0. text that is not ASCII is first folded (:func:`fold`): compatibility forms to
   their plain form (NFKC: full-width ``１２３`` is ``123``), every Unicode space to
   a space, every dash to ``-``, and invisible format characters (zero-width space,
   word joiner, byte-order mark, soft hyphen) deleted;
1. delete a fixed set of separator characters;
2. map ASCII bytes one to one (upper case, the OCR classes of :mod:`hotlist.ids.ocr`).
   Non-ASCII characters left after folding pass through unchanged, so validation
   still sees them.

Extract values and query values go through these same steps, so a listed value
is always found by checking that same value.

The Arrow twin does step 1 with one ``pyarrow.compute`` regex pass and step 2
with a 256-byte lookup table applied to the UTF-8 data buffer through numpy:
ASCII bytes never occur inside a multi-byte UTF-8 sequence, so a byte map that
only changes ASCII bytes is a character map, and offsets stay valid.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hotlist._errors import InvalidQuery

# Separators every key drops: ASCII whitespace, no-break space, hyphen, dot, slash, MRZ filler.
SEPARATORS = " \t\n\r\v\f\u00a0-./<"


# What a compacted key may hold.
ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def text_of(what: str, value: object, max_length: int) -> str:
    """``value`` when it is text of a plausible length for a ``what`` (at most ten
    times ``max_length`` before compacting), else ``InvalidQuery`` saying so."""
    if not isinstance(value, str):
        raise InvalidQuery(f"a {what} must be text, not {type(value).__name__}")
    if len(value) > 10 * max_length:
        raise InvalidQuery(f"{what} is {len(value)} characters long: at most {max_length} expected")
    return value


def alnum_key(what: str, given: str, value: str, max_length: int) -> str:
    """The compacted ``value`` of ``given`` when it is 1 to ``max_length`` letters A-Z
    and digits, else ``InvalidQuery`` naming the first character that is not."""
    if not value:
        raise InvalidQuery(f"{what} is empty")
    bad = [c for c in value if c not in ALNUM]
    if bad:
        shown = given if len(given) <= 30 else given[:30] + "..."
        raise InvalidQuery(f"{what} {shown!r} contains {bad[0]!r}: only A-Z and 0-9 are allowed")
    if len(value) > max_length:
        raise InvalidQuery(f"{what} is {len(value)} characters long: at most {max_length} expected")
    return value


def accepts(validate: Callable[[str], object], value: str) -> bool:
    """Whether ``validate(value)`` returns without ``InvalidQuery`` (never raises it):
    the ``is_valid()`` of every identifier module."""
    try:
        validate(value)
    except InvalidQuery:
        return False
    return True


class _FoldTable(dict[int, "int | str | None"]):
    """``str.translate`` table of step 0, filled per character on first use."""

    def __missing__(self, code: int) -> int | str | None:
        ch = chr(code)
        category = unicodedata.category(ch)
        out: int | str | None = code
        if category in ("Zs", "Zl", "Zp"):
            out = " "
        elif category == "Pd" or ch == "\u2212":
            out = "-"
        elif category == "Cf":
            out = None
        self[code] = out
        return out


_FOLD = _FoldTable()


def fold(value: str) -> str:
    """Step 0 for text that is not ASCII (ASCII comes back as it is).

    >>> fold("\uff21\uff22\uff11\u200b2\u00a03\u2010"), fold("AB 12")
    ('AB12 3-', 'AB 12')
    """
    while not value.isascii():
        folded = unicodedata.normalize("NFKC", value.translate(_FOLD)).translate(_FOLD)
        if folded == value:
            break
        value = folded
    return value


def with_scalar(values: Any, vector: Callable[[Any], Any], scalar: Callable[[str], str]) -> Any:
    """``vector(values)``, with the rows that are not ASCII computed by ``scalar`` instead:
    the Arrow twin of a key function equals its scalar form on every value by
    construction, and the rare non-ASCII values cost a Python call each."""
    if isinstance(values, pa.ChunkedArray):
        return pa.chunked_array([with_scalar(c, vector, scalar) for c in values.chunks])
    if not isinstance(values, pa.Array):
        values = pa.array(values, type=pa.string())
    if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        values = values.cast(pa.string())
    out = vector(values)
    if len(values) == 0 or values.null_count == len(values):
        return out
    odd = pc.invert(pc.fill_null(pc.string_is_ascii(values), True))
    if not pc.any(odd).as_py():
        return out
    fixed = [scalar(v) for v in pc.filter(values, odd).to_pylist()]
    return pc.replace_with_mask(out, odd, pa.array(fixed, out.type))


class KeyTable:
    """Delete ``separators``, upper-case ASCII, then apply ``mapping`` (upper-case keys)."""

    def __init__(self, separators: str, mapping: Mapping[str, str] | None = None) -> None:
        byte_map = bytearray(range(256))
        for c in range(ord("a"), ord("z") + 1):
            byte_map[c] = c - 32
        for src, dst in (mapping or {}).items():
            byte_map[ord(src)] = ord(dst)
            byte_map[ord(src.lower())] = ord(dst)
        self.byte_map = bytes(byte_map)
        table: dict[int, int | None] = {i: byte_map[i] for i in range(128) if byte_map[i] != i}
        for ch in separators:
            table[ord(ch)] = None
        self.table = table
        # ASCII fast path: bytes.translate with a 256-byte table (about 150 ns a call).
        self.delete_bytes = bytes(ord(ch) for ch in separators if ord(ch) < 128)
        self.pattern = "[" + "".join(_re2_escape(ch) for ch in separators) + "]"
        self._dropped = np.zeros(256, dtype=bool)
        self._dropped[list(self.delete_bytes)] = True

    def scalar(self, value: str) -> str:
        """The key of one value (the modules inline this body for speed)."""
        if value.isascii():
            return value.encode().translate(self.byte_map, self.delete_bytes).decode()
        return self.slow(value)

    def slow(self, value: str, before: Callable[[str], str] | None = None) -> str:
        """The key of a value that is not ASCII: fold, (``before``), translate, until
        nothing changes (upper-casing ``u`` next to a combining mark lets folding
        compose them), so that the key of a key is itself."""
        for _ in range(8):
            key = fold(value)
            if before is not None:
                key = before(key)
            key = key.translate(self.table)
            if key == value or key.isascii():
                return key
            value = key
        return value

    def array(self, values: Any) -> Any:
        """The same key over an Arrow string array (or chunked array); nulls stay null."""
        return with_scalar(values, self._ascii_array, self.scalar)

    def _ascii_array(self, values: Any) -> Any:
        """The key of ASCII values, vectorised (other rows are recomputed by ``scalar``)."""
        if isinstance(values, pa.ChunkedArray):
            return pa.chunked_array(
                [self._ascii_array(chunk) for chunk in values.chunks],
                type=self._out_type(values.type),
            )
        if not isinstance(values, pa.Array):
            values = pa.array(values, type=pa.string())
        if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
            values = values.cast(pa.string())
        return self._map_bytes(values)

    @staticmethod
    def _out_type(typ: Any) -> Any:
        return typ if pa.types.is_large_string(typ) else pa.string()

    def _map_bytes(self, values: Any) -> Any:
        """Separators deleted and bytes mapped, over the data buffer at once (one
        ``bytes.translate``); the offsets move only where a separator went."""
        if values.offset:  # a slice: its own buffers first (validity bits from 0)
            values = pa.concat_arrays([values])
        validity, offsets, data = values.buffers()
        if data is None or data.size == 0:
            return values
        large = pa.types.is_large_string(values.type)
        width = np.int64 if large else np.int32
        view = np.frombuffer(offsets, dtype=width)[: len(values) + 1]
        lo, hi = int(view[0]), int(view[-1])
        raw = memoryview(data)[lo:hi].tobytes()
        mapped = raw.translate(self.byte_map, self.delete_bytes)
        if lo == 0 and len(mapped) == len(raw):
            moved = offsets  # nothing deleted: the same offsets (shared, not copied)
        else:
            off = view.astype(np.int64) - lo
            if len(mapped) != len(raw):  # each row's end moves down by the separators up to it
                gone = np.flatnonzero(self._dropped[np.frombuffer(raw, dtype=np.uint8)])
                off -= np.searchsorted(gone, off)
            moved = pa.py_buffer(off.astype(width))
        cls = pa.LargeStringArray if large else pa.StringArray
        return cls.from_buffers(
            len(values), moved, pa.py_buffer(mapped), validity, values.null_count
        )


def _re2_escape(ch: str) -> str:
    if ch.isalnum():
        return ch
    return f"\\x{{{ord(ch):x}}}"


__all__ = [
    "ALNUM",
    "SEPARATORS",
    "KeyTable",
    "accepts",
    "alnum_key",
    "fold",
    "text_of",
    "with_scalar",
]
