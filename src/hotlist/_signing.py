"""Detached Ed25519 signatures of extract files and snapshot manifests.

A signed file ``documents.csv`` comes with ``documents.csv.sig``: the 64-byte
Ed25519 signature of the file's bytes, raw or base64 text (what
``openssl pkeyutl -sign -rawin`` or any Ed25519 library writes).  A public key
is given as a ``cryptography`` key object, as 32 raw bytes, as PEM (bytes or
text), as base64 of the 32 raw bytes, or as the path of a file holding any of
these.

The ``cryptography`` package is imported only when a key is used; without it
the error says how to install it (``pip install 'hotlist[signing]'``).
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias, cast

from pydantic import BaseModel

from hotlist import datasets
from hotlist._errors import HotlistError, IntegrityError
from hotlist.extracts import find_extracts

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

__all__ = [
    "SIGNATURE_SUFFIX",
    "KeyArg",
    "VerifiedCopies",
    "extract_files_by_dataset",
    "generate_key_pair",
    "load_private_key",
    "load_public_key",
    "sign_file",
    "verify_data",
    "verify_file",
    "verify_files",
]

SIGNATURE_SUFFIX = ".sig"
# A key as the API takes it: a key object, raw or base64 bytes, PEM text, or a key file.
KeyArg: TypeAlias = (
    "str | bytes | bytearray | memoryview | os.PathLike[str] | Ed25519PublicKey | Ed25519PrivateKey"
)
_INSTALL_HINT = (
    "signatures need the 'cryptography' package: pip install 'hotlist[signing]' "
    "(or pip install cryptography)"
)


def _ed25519() -> Any:
    try:
        from cryptography.hazmat.primitives.asymmetric import ed25519  # noqa: PLC0415 - lazy optional import (cryptography)
    except ImportError as exc:  # pragma: no cover - cryptography is in the test extras
        raise HotlistError(_INSTALL_HINT) from exc
    return ed25519


def _key_bytes(key: str | bytes | bytearray | memoryview | os.PathLike[str]) -> bytes:
    """The bytes of a key given inline or as the path of a key file."""
    if isinstance(key, os.PathLike):
        return Path(key).read_bytes()
    if isinstance(key, str):
        if "-----BEGIN" in key:
            return key.encode()
        path = Path(key)
        if len(key) < 4096 and path.is_file():
            return path.read_bytes()
        return key.encode()
    return bytes(key)


def _raw_or_base64(data: bytes, size: int) -> bytes | None:
    if len(data) == size:
        return data
    text = data.strip()
    try:
        decoded = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    return decoded if len(decoded) == size else None


def load_public_key(key: KeyArg) -> Ed25519PublicKey:
    """An ``Ed25519PublicKey`` from any of the forms the module docstring lists."""
    ed25519 = _ed25519()
    if isinstance(key, ed25519.Ed25519PublicKey):
        return cast("Ed25519PublicKey", key)
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return cast("Ed25519PublicKey", key.public_key())
    if not isinstance(key, (str, bytes, bytearray, memoryview, os.PathLike)):
        raise HotlistError(f"public_key must be a key, bytes, text or a path, not {type(key)}")
    data = _key_bytes(key)
    if b"-----BEGIN" in data:
        from cryptography.hazmat.primitives.serialization import load_pem_public_key  # noqa: PLC0415 - lazy optional import (cryptography)

        try:
            loaded = load_pem_public_key(data)
        except ValueError as exc:
            raise HotlistError(f"public_key is not a readable PEM key: {exc}") from exc
        if not isinstance(loaded, ed25519.Ed25519PublicKey):
            raise HotlistError("public_key is not an Ed25519 key")
        return cast("Ed25519PublicKey", loaded)
    raw = _raw_or_base64(data, 32)
    if raw is None:
        raise HotlistError(
            "public_key is not an Ed25519 public key (32 raw bytes, base64 of them, or PEM)"
        )
    return cast("Ed25519PublicKey", ed25519.Ed25519PublicKey.from_public_bytes(raw))


def load_private_key(key: KeyArg) -> Ed25519PrivateKey:
    """An ``Ed25519PrivateKey`` from a key object, 32 raw bytes (or base64), PEM, or a path."""
    ed25519 = _ed25519()
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return cast("Ed25519PrivateKey", key)
    if not isinstance(key, (str, bytes, bytearray, memoryview, os.PathLike)):
        raise HotlistError(f"private_key must be a key, bytes, text or a path, not {type(key)}")
    data = _key_bytes(key)
    if b"-----BEGIN" in data:
        from cryptography.hazmat.primitives.serialization import load_pem_private_key  # noqa: PLC0415 - lazy optional import (cryptography)

        loaded = load_pem_private_key(data, password=None)
        if not isinstance(loaded, ed25519.Ed25519PrivateKey):
            raise HotlistError("private_key is not an Ed25519 key")
        return cast("Ed25519PrivateKey", loaded)
    raw = _raw_or_base64(data, 32)
    if raw is None:
        raise HotlistError("private_key is not an Ed25519 private key (32 raw bytes or PEM)")
    return cast("Ed25519PrivateKey", ed25519.Ed25519PrivateKey.from_private_bytes(raw))


def generate_key_pair() -> tuple[bytes, bytes]:
    """A new key pair as PEM: (private key, public key).  For tests and set-up scripts."""
    from cryptography.hazmat.primitives import serialization  # noqa: PLC0415 - lazy optional import (cryptography)

    private = _ed25519().Ed25519PrivateKey.generate()
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private_pem, public_pem


def signature_path(path: str | os.PathLike[str]) -> Path:
    """Where the detached signature of ``path`` lives: ``<path>.sig``."""
    p = Path(path)
    return p.with_name(p.name + SIGNATURE_SUFFIX)


def sign_file(path: str | os.PathLike[str], private_key: KeyArg, *, encoding: str = "raw") -> Path:
    """Write ``<path>.sig``, the Ed25519 signature of the file (``encoding`` raw or base64)."""
    key = load_private_key(private_key)
    signature: bytes = key.sign(Path(path).read_bytes())
    if encoding == "base64":
        signature = base64.b64encode(signature) + b"\n"
    elif encoding != "raw":
        raise ValueError("encoding must be 'raw' or 'base64'")
    out = signature_path(path)
    out.write_bytes(signature)
    return out


def verify_file(path: str | os.PathLike[str], public_key: KeyArg) -> bytes:
    """Check ``path`` against ``<path>.sig``; raise :class:`IntegrityError` naming it
    when the signature is missing, unreadable or does not match.

    Returns the bytes that were verified: parse those, not the file again (a file
    swapped between two reads would load unsigned content).
    """
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise IntegrityError(f"unreadable ({exc})", path=str(path)) from exc
    verify_data(data, path, public_key)
    return data


def verify_data(data: bytes, path: str | os.PathLike[str], public_key: KeyArg) -> None:
    """Check ``data`` (the bytes read from ``path``) against ``<path>.sig``; raise
    :class:`IntegrityError` naming ``path`` when the signature is missing,
    unreadable or does not match."""
    from cryptography.exceptions import InvalidSignature  # noqa: PLC0415 - lazy optional import (cryptography)

    key = load_public_key(public_key)
    sig_path = signature_path(path)
    if not sig_path.is_file():
        raise IntegrityError(
            f"no signature: {sig_path.name} is missing and a public key was given",
            path=str(path),
        )
    signature = _raw_or_base64(sig_path.read_bytes(), 64)
    if signature is None:
        raise IntegrityError(
            f"{sig_path.name} is not an Ed25519 signature (64 raw bytes or base64)",
            path=str(path),
        )
    try:
        key.verify(signature, bytes(data))
    except InvalidSignature:
        raise IntegrityError(
            "signature does not match: the file was changed or signed with another key",
            path=str(path),
        ) from None


def verify_files(paths: Iterable[str | os.PathLike[str]], public_key: KeyArg) -> None:
    """:func:`verify_file` for each path (the key is parsed once)."""
    key = load_public_key(public_key)
    for p in paths:
        verify_file(p, key)


def extract_files_by_dataset(
    folder: str | os.PathLike[str] | None,
    given: Mapping[str, str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None],
) -> dict[str, list[Path]]:
    """The extract files a load with these arguments reads, per registered kind, as
    ``load_datasets`` picks them: files named for the kind, else those found in
    ``folder``."""
    found = find_extracts(folder) if folder is not None else {}
    out: dict[str, list[Path]] = {}
    for dataset in datasets.names():
        named = given.get(dataset)
        if named is None or (not isinstance(named, (str, os.PathLike)) and not named):
            out[dataset] = list(found.get(dataset, []))
        elif isinstance(named, (str, os.PathLike)):
            out[dataset] = [Path(named)]
        else:
            out[dataset] = [Path(p) for p in named]
    return out


class VerifiedCopies:
    """Private copies of signed files, made from the very bytes whose signature was
    checked: the readers parse the copies, so a file swapped or rewritten after
    the check cannot load unsigned content.  Use as a context manager; the
    copies (in a fresh 0700 temporary folder) are removed on exit.

    ``original`` maps each copy back to the file it came from, for reports.
    """

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="hotlist-verified-"))
        self.original: dict[str, str] = {}
        self._n = 0

    def add(self, path: str | os.PathLike[str], public_key: KeyArg) -> Path:
        """Verify ``path`` and return the private copy of the verified bytes."""
        data = verify_file(path, public_key)
        self._n += 1
        sub = self.folder / str(self._n)
        sub.mkdir()
        copy = sub / Path(path).name
        with copy.open("xb") as f:
            f.write(data)
        self.original[str(copy)] = str(path)
        return copy

    def restore(self, text: str) -> str:
        """``text`` with every copy's path replaced by its original's."""
        if str(self.folder) not in text:
            return text
        for copy, original in self.original.items():
            text = text.replace(copy, original)
        return text

    def __enter__(self) -> VerifiedCopies:
        return self

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def restore_names(obj: Any, copies: VerifiedCopies) -> Any:
    """``obj`` (a load report, a row problem, a list, text...) with the paths of
    verified copies replaced by the original file names, wherever they occur."""
    if isinstance(obj, str):
        return copies.restore(obj)
    if isinstance(obj, list):
        return [restore_names(v, copies) for v in obj]
    if isinstance(obj, tuple):
        return tuple(restore_names(v, copies) for v in obj)
    if isinstance(obj, dict):
        return {k: restore_names(v, copies) for k, v in obj.items()}
    if isinstance(obj, BaseModel):
        updates = {
            name: restore_names(getattr(obj, name), copies) for name in type(obj).model_fields
        }
        return obj.model_copy(update=updates)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        fields = {
            f.name: restore_names(getattr(obj, f.name), copies)
            for f in dataclasses.fields(obj)
            if f.init
        }
        return dataclasses.replace(obj, **fields)
    return obj
