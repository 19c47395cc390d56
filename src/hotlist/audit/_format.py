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

import datetime as dt
import hashlib
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from hotlist.audit import _chain
from hotlist.ids import mrz as mrz_ids

if TYPE_CHECKING:
    from _hashlib import HASH

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

__all__ = [
    "GENESIS",
    "HASH_HEX",
    "KeyedHasher",
    "canonical_line",
    "dumps",
    "entry_hash",
    "field_group",
    "is_missing",
    "kernel_mode",
    "key_id",
    "mrz_document",
    "normalise_value",
    "parse_prefix",
    "sign_message",
    "utc_text",
]

GENESIS = "0" * 64
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


def dumps(value: object) -> str:
    """Canonical JSON: sorted keys, compact separators, UTF-8 text as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_line(seq: int, prev: str, body: Mapping[str, Any]) -> bytes:
    """The line (without newline) of the entry ``body`` at ``seq`` after ``prev``."""
    rest = dumps(body)
    if rest == "{}":
        raise ValueError("an audit entry needs at least one field besides seq and prev")
    return b'{"seq":%d,"prev":"%s",%s' % (seq, prev.encode(), rest[1:].encode())


def entry_hash(line: bytes) -> str:
    """The chain hash of one line (without its newline)."""
    return _chain.sha256_hex(line) if _chain.COMPILED else hashlib.sha256(line).hexdigest()


_last_second: tuple[int, str] = (-1, "")


def utc_text(t_ns: int) -> str:
    """``2026-11-30T11:50:52.123456Z`` for a ``time.time_ns()``."""
    global _last_second  # noqa: PLW0603 - a one-entry cache, replaced whole
    seconds, ns = divmod(t_ns, 1_000_000_000)
    cached = _last_second
    if cached[0] != seconds:
        text = dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")
        cached = _last_second = (seconds, text)
    return f"{cached[1]}.{ns // 1000:06d}Z"


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


def sign_message(line_without_sig: bytes) -> bytes:
    """What a checkpoint's signature signs: its line without ``sig``, prefixed."""
    return b"hotlist-audit-checkpoint\x00" + line_without_sig


def key_id(public_key: Ed25519PublicKey) -> str:
    """A short name for a public key: the first 16 hex of the SHA-256 of its raw bytes."""
    from cryptography.hazmat.primitives import (  # noqa: PLC0415 - lazy optional import (cryptography)
        serialization,
    )

    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


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


def kernel_mode(field: str) -> int | None:
    """How the compiled kernel normalises an ASCII value of ``field`` the way
    :func:`normalise_value` does: 0 (a number: letters upper-cased, digits, the
    rest dropped), 1 (stripped and upper-cased); None when it does not (names, MRZ)."""
    if field in _COMPACT:
        return 0
    if field in _NAMES or field == "mrz":
        return None
    return 1


class KeyedHasher:
    """HMAC-SHA256 of query values with the deployment secret.

    The key's inner and outer SHA-256 states are computed once; each value then
    costs two state copies and two short updates (RFC 2104, the same digest as
    ``hmac.new(key, msg, "sha256")``, tested) instead of OpenSSL's one-shot
    HMAC, which sets the key up again on every call."""

    __slots__ = ("_block", "_cache", "_inner", "_keyers", "_outer", "_prefixed")

    def __init__(self, secret: bytes | str) -> None:
        key = secret.encode() if isinstance(secret, str) else bytes(secret)
        if len(key) < 16:
            raise ValueError(
                "the audit secret must be at least 16 bytes (e.g. secrets.token_bytes(32)); "
                "a short secret lets anyone brute-force the hashed document numbers"
            )
        block = (hashlib.sha256(key).digest() if len(key) > 64 else key).ljust(64, b"\0")
        self._block = block
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))
        # the inner state after "<field group>\x1f", per field
        self._prefixed: dict[str, HASH] = {}
        self._keyers: dict[str, _chain.Keyer] = {}  # the same, in the compiled kernel
        # hashes of the few values of the qualifying fields (country, type, sex...)
        self._cache: dict[tuple[str, object], str] = {}

    def key_block(self) -> bytes:
        """The key as one 64-byte block (RFC 2104's K0), for the compiled kernel's
        HMAC: as secret as the key itself."""
        return self._block

    @staticmethod
    def prefix(field: str) -> bytes:
        """What precedes a value of ``field`` in its keyed hash: its group and 0x1F."""
        return f"{field_group(field)}\x1f".encode()

    def _start(self, field: str) -> HASH:
        got = self._inner.copy()
        got.update(self.prefix(field))
        self._prefixed[field] = got
        return got

    def _digest(self, field: str, text: str) -> str:
        """The keyed hash of a normalised value: HMAC(key, group + 0x1F + text), 32 hex
        (by the compiled kernel when it is built: the same digest, tested)."""
        if _chain.COMPILED:
            keyer = self._keyers.get(field)
            if keyer is None:
                keyer = self._keyers[field] = _chain.Keyer(self._block, self.prefix(field))
            return keyer(text.encode())
        start = self._prefixed.get(field) or self._start(field)
        inner = start.copy()
        inner.update(text.encode())
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()[:HASH_HEX]

    def __call__(self, field: str, value: object) -> str:
        if isinstance(value, str):
            if field in _COMPACT:  # the usual: a number, normalised inline
                text = value.upper()
                if not (text.isascii() and text.isalnum()):
                    text = _NOT_ALNUM.sub("", text)
                return self._digest(field, text)
            if field in _FEW_VALUES:
                key = (field, value)
                got = self._cache.get(key)
                if got is None:
                    got = self._digest(field, normalise_value(field, value))
                    if len(self._cache) < 4096:
                        self._cache[key] = got
                return got
        return self._digest(field, normalise_value(field, value))

    def column(self, field: str, values: Sequence[object]) -> list[str | None]:
        """The keyed hash of every value of a ``check_many`` column (None where the
        value is missing: None or NaN); the same hashes as calling the hasher on
        each value, in one tight loop."""
        if field in _FEW_VALUES or field not in _COMPACT:
            return [None if is_missing(v) else self(field, v) for v in values]
        start = (self._prefixed.get(field) or self._start(field)).copy
        outer = self._outer.copy
        not_alnum = _NOT_ALNUM.sub
        out: list[str | None] = []
        add = out.append
        for value in values:
            if not isinstance(value, str):
                add(None if is_missing(value) else self(field, value))
                continue
            text = value.upper()
            if not (text.isascii() and text.isalnum()):
                text = not_alnum("", text)
            h = start()
            h.update(text.encode())
            o = outer()
            o.update(h.digest())
            add(o.hexdigest()[:HASH_HEX])
        return out

    def query(self, values: Mapping[str, object]) -> dict[str, str]:
        """The keyed hash of every value of a query (and of an MRZ's document number)."""
        out = {f: self(f, v) for f, v in values.items()}
        mrz = values.get("mrz")
        if mrz is not None:
            number = mrz_document(str(mrz))
            if number:
                out["mrz.document"] = self("mrz.document", number)
        return out

    def candidates(self, field: str, value: object) -> Iterable[str]:
        """The hashes under which ``field=value`` may have been logged."""
        return (self(field, value),)


def is_missing(value: object) -> bool:
    """A missing value of a ``check_many`` column: None or NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def mrz_document(text: str) -> str | None:
    """The document number of an MRZ (None when it does not parse)."""
    try:
        number: str = mrz_ids.parse(text).document_number
    except Exception:
        return None
    return number or None
