"""The bytes of the audit log: canonical JSON lines, the hash chain, keyed hashes.

One entry is one line of UTF-8 JSON: ``{"seq":N,"prev":"<64 hex>",...}`` with
``seq`` and ``prev`` first and every other key in sorted order, compact
separators, no trailing spaces -- the canonical form, so the same entry always
has the same bytes.  ``prev`` is the SHA-256 (hex) of the previous line's bytes
(without its newline); the first entry's ``prev`` is 64 zeros.  Changing,
deleting, inserting, duplicating or moving any line breaks the chain at the
next line; the signed checkpoints (``hotlist.audit._log``) pin its head.

Query values are never written: each is replaced by its keyed hash,
HMAC-SHA256 with the deployment's secret over ``field group + 0x1F +
normalised value``, truncated to 128 bits (32 hex).  Without the secret a
passport number cannot be recovered by trying all numbers; with it,
``hotlist audit search`` finds every check of a given value.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = [
    "GENESIS",
    "HASH_HEX",
    "KeyedHasher",
    "canonical_line",
    "entry_hash",
    "field_group",
    "normalise_value",
    "parse_prefix",
]

GENESIS = "0" * 64

_hmac: Any = hmac.digest  # (key, msg, "sha256") -> bytes
with contextlib.suppress(ImportError):  # OpenSSL's one-shot HMAC, minus the wrapper's checks
    from _hashlib import hmac_digest as _hmac
HASH_HEX = 32  # hex characters kept of each keyed hash (128 bits)
_PREFIX = b'{"seq":'
_PREV = b',"prev":"'
_NOT_ALNUM = re.compile(r"[^0-9A-Z]")
_SPACES = re.compile(r"\s+")

# Which values share a hash space: an MRZ's document number is searchable as a document.
_GROUPS = {"mrz.document": "document", "nationality": "country"}
_COMPACT = frozenset({"document", "vin", "plate", "mrz.document"})
_NAMES = frozenset({"name", "family_name", "given_names"})
_FEW_VALUES = frozenset({"country", "document_type", "nationality", "sex"})


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_line(seq: int, prev: str, body: Mapping[str, Any]) -> bytes:
    """The line (without newline) of the entry ``body`` at ``seq`` after ``prev``."""
    rest = _dumps(body)
    if rest == "{}":
        raise ValueError("an audit entry needs at least one field besides seq and prev")
    return b'{"seq":%d,"prev":"%s",%s' % (seq, prev.encode(), rest[1:].encode())


def entry_hash(line: bytes) -> str:
    """The chain hash of one line (without its newline)."""
    return hashlib.sha256(line).hexdigest()


def parse_prefix(line: bytes) -> tuple[int, str] | None:
    """``(seq, prev)`` read from the fixed start of a line; None when it is not there."""
    if not line.startswith(_PREFIX):
        return None
    p = line.find(_PREV, 7, 40)
    if p < 0 or line[p + 73 : p + 75] != b'",':
        return None
    digits = line[7:p]
    if not digits.isdigit():
        return None
    return int(digits), line[p + 9 : p + 73].decode("ascii", "replace")


def field_group(field: str) -> str:
    return _GROUPS.get(field, field)


def normalise_value(field: str, value: object) -> str:
    """The form of a query value that is hashed: the same document, VIN or plate
    written with other spacing or case hashes the same; names compare casefolded
    with single spaces."""
    text = (
        value
        if isinstance(value, str)
        else (value.isoformat() if hasattr(value, "isoformat") else str(value))
    )
    if field in _COMPACT:
        text = text.upper()
        return text if text.isascii() and text.isalnum() else _NOT_ALNUM.sub("", text)
    if field in _NAMES:
        return _SPACES.sub(" ", text.casefold().replace(",", ", ")).strip()
    if field == "mrz":
        return text.replace("\r", "").strip()
    return text.strip().upper()


class KeyedHasher:
    """HMAC-SHA256 of query values with the deployment secret."""

    __slots__ = ("_cache", "_key")

    def __init__(self, secret: bytes | str) -> None:
        key = secret.encode() if isinstance(secret, str) else bytes(secret)
        if len(key) < 16:
            raise ValueError(
                "the audit secret must be at least 16 bytes (e.g. secrets.token_bytes(32)); "
                "a short secret lets anyone brute-force the hashed document numbers"
            )
        self._key = key
        # hashes of the few values of the qualifying fields (country, type, sex...)
        self._cache: dict[tuple[str, object], str] = {}

    def __call__(self, field: str, value: object) -> str:
        if field in _FEW_VALUES:
            got = self._cache.get((field, value))
            if got is not None:
                return got
        msg = f"{field_group(field)}\x1f{normalise_value(field, value)}".encode()
        out: str = _hmac(self._key, msg, "sha256").hex()[:HASH_HEX]
        if field in _FEW_VALUES and len(self._cache) < 4096 and isinstance(value, str):
            self._cache[(field, value)] = out
        return out

    def query(self, values: Mapping[str, object]) -> dict[str, str]:
        """The keyed hash of every value of a query (and of an MRZ's document number)."""
        out = {f: self(f, v) for f, v in values.items()}
        mrz = values.get("mrz")
        if mrz is not None:
            number = _mrz_document(str(mrz))
            if number:
                out["mrz.document"] = self("mrz.document", number)
        return out

    def candidates(self, field: str, value: object) -> Iterable[str]:
        """The hashes under which ``field=value`` may have been logged."""
        return (self(field, value),)


def _mrz_document(text: str) -> str | None:
    from hotlist.ids import mrz as mrz_ids

    try:
        number: str = mrz_ids.parse(text).document_number
    except Exception:
        return None
    return number or None
