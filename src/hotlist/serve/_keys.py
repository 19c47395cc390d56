"""API keys: a TOML file of key hashes, each with the session it opens.

A key is 32 random bytes (``secrets.token_urlsafe``) behind the prefix ``hl_``;
the file keeps only its SHA-256, so a copied keys file lets nobody call the
service.  A plain (unsalted, fast) hash is enough here because the keys are
random and long: there is nothing to guess, unlike a password.  Each entry
names the session the key opens: ``role``, ``purpose`` and ``post``, and its
rate limit (requests per second and burst).  The key's name is the operator
unless mutual TLS supplies the client certificate's subject.

::

    [keys.gate-cdg-01]
    hash = "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
    role = "frontline"
    purpose = "border control"
    post = "CDG-T2"
    rate = 50.0
    burst = 100
    created = "2026-11-30T11:40:00+00:00"

Written by ``hotlist keys add`` (atomically, mode 0600); read with ``tomllib``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import secrets
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

from hotlist._errors import HotlistError

__all__ = [
    "DEFAULT_BURST",
    "DEFAULT_RATE",
    "ApiKey",
    "KeyStore",
    "add_key",
    "hash_key",
    "remove_key",
]

DEFAULT_RATE = 50.0  # requests per second: a busy gate makes a few
DEFAULT_BURST = 100
PREFIX = "hl_"
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class KeysFileError(HotlistError):
    """A keys file that cannot be read, or a key entry that cannot be used."""

    default_message = "the keys file cannot be used"


@dataclass(frozen=True, slots=True)
class ApiKey:
    """One key's entry (never the key itself)."""

    name: str
    hash: str
    role: str
    purpose: str
    post: str
    rate: float = DEFAULT_RATE  # requests per second; 0 means no limit
    burst: int = DEFAULT_BURST
    created: str = ""


def hash_key(key: str | bytes) -> str:
    """The stored form of a key: ``sha256:`` and the hex digest.

    >>> hash_key("hl_test")[:15]
    'sha256:4a81d129'
    """
    raw = key.encode() if isinstance(key, str) else key
    return "sha256:" + hashlib.sha256(raw).hexdigest()


class KeyStore:
    """The keys of one keys file, looked up by the hash of a presented key."""

    def __init__(self, keys: list[ApiKey], path: Path | None = None) -> None:
        self.path = path
        self._by_hash = {k.hash: k for k in keys}
        self._known: dict[bytes, ApiKey] = {}  # presented keys already hashed (hits only)
        self.keys = list(keys)

    @classmethod
    def read(cls, path: str | os.PathLike[str]) -> KeyStore:
        """Read a keys file; a missing file is an empty store."""
        p = Path(path)
        if not p.exists():
            return cls([], p)
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise KeysFileError(f"{p}: cannot read the keys file ({exc})") from exc
        entries = data.get("keys", {})
        if not isinstance(entries, dict):
            raise KeysFileError(f"{p}: [keys] must be a table of named keys")
        keys = []
        for name, entry in entries.items():
            keys.append(_entry(p, name, entry))
        return cls(keys, p)

    def lookup(self, presented: bytes | str) -> ApiKey | None:
        """The entry of a presented key, or None when it is not one of ours.

        Keys found once are remembered (up to 10,000) so a busy gate's key is
        hashed once; unknown keys are never remembered, so guessing costs memory
        nothing.
        """
        raw = presented.encode() if isinstance(presented, str) else presented
        known = self._known.get(raw)
        if known is not None:
            return known
        found = self._by_hash.get(hash_key(raw))
        if found is not None and len(self._known) < 10_000:
            self._known[raw] = found
        return found

    def __len__(self) -> int:
        return len(self.keys)


def _entry(path: Path, name: str, entry: object) -> ApiKey:
    if not isinstance(entry, dict):
        raise KeysFileError(f"{path}: keys.{name} must be a table")
    missing = [f for f in ("hash", "role", "purpose", "post") if not entry.get(f)]
    if missing:
        raise KeysFileError(f"{path}: keys.{name} lacks {', '.join(missing)}")
    h = str(entry["hash"])
    if not re.fullmatch(r"sha256:[0-9a-f]{64}", h):
        raise KeysFileError(f"{path}: keys.{name}: hash must be 'sha256:' and 64 hex digits")
    try:
        rate = float(entry.get("rate", DEFAULT_RATE))
        burst = int(entry.get("burst", DEFAULT_BURST))
    except (TypeError, ValueError) as exc:
        raise KeysFileError(f"{path}: keys.{name}: rate and burst must be numbers") from exc
    if rate < 0 or burst < 1:
        raise KeysFileError(f"{path}: keys.{name}: rate must be >= 0 and burst >= 1")
    return ApiKey(
        name=name,
        hash=h,
        role=str(entry["role"]),
        purpose=str(entry["purpose"]),
        post=str(entry["post"]),
        rate=rate,
        burst=burst,
        created=str(entry.get("created", "")),
    )


def _toml(value: str | float | int) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    return repr(value)


def _render(keys: list[ApiKey]) -> str:
    lines = [
        "# hotlist API keys: only SHA-256 hashes of the keys are kept here.",
        "# Add with `hotlist keys add NAME --role R --purpose P --post X --keys FILE`.",
    ]
    for k in keys:
        lines += [
            "",
            f"[keys.{k.name}]",
            f"hash = {_toml(k.hash)}",
            f"role = {_toml(k.role)}",
            f"purpose = {_toml(k.purpose)}",
            f"post = {_toml(k.post)}",
            f"rate = {_toml(float(k.rate))}",
            f"burst = {_toml(int(k.burst))}",
            f"created = {_toml(k.created)}",
        ]
    return "\n".join(lines) + "\n"


def _write(path: Path, keys: list[ApiKey]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(_render(keys))
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def add_key(
    path: str | os.PathLike[str],
    name: str,
    *,
    role: str,
    purpose: str,
    post: str,
    rate: float = DEFAULT_RATE,
    burst: int = DEFAULT_BURST,
) -> str:
    """Add a key named ``name`` to the keys file and return the key (shown once)."""
    if not _NAME.match(name):
        raise KeysFileError(
            f"key name {name!r}: use 1-64 letters, digits, '-' or '_' (e.g. gate-cdg-01)"
        )
    for field, value in (("role", role), ("purpose", purpose), ("post", post)):
        if not value or not value.strip():
            raise KeysFileError(f"--{field} is required: every key opens a session with one")
    if rate < 0 or burst < 1:
        raise KeysFileError("rate must be >= 0 (0: no limit) and burst >= 1")
    p = Path(path)
    store = KeyStore.read(p)
    if any(k.name == name for k in store.keys):
        raise KeysFileError(f"{p}: a key named {name!r} exists; remove it first or pick a name")
    key = PREFIX + secrets.token_urlsafe(32)
    entry = ApiKey(
        name=name,
        hash=hash_key(key),
        role=role.strip(),
        purpose=purpose.strip(),
        post=post.strip(),
        rate=float(rate),
        burst=int(burst),
        created=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
    )
    _write(p, [*store.keys, entry])
    return key


def remove_key(path: str | os.PathLike[str], name: str) -> bool:
    """Remove the key named ``name``; False when there is none."""
    p = Path(path)
    store = KeyStore.read(p)
    kept = [k for k in store.keys if k.name != name]
    if len(kept) == len(store.keys):
        return False
    _write(p, kept)
    return True
