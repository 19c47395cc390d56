"""The one place the service obtains a session for a request.

Every request runs through a session of the library (``Hotlist.session``):
the session stamps the check with who, where and why, writes the audit entry
and limits each hit's fields to what the role may see.  The service builds no
roles or audit of its own; it only asks the session's role for its rights
(``"check"``, ``"reload"``...) to refuse a request with 403.

Until the library's sessions exist (``hotlist.audit``), :func:`open_session`
falls back to an unaudited pass-through that grants ``check`` to every role and
``reload`` to the role ``admin`` only, and says so in ``/v1/status``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from hotlist.engine import Hotlist
from hotlist.schema import CheckResult

__all__ = ["Gate", "has_sessions", "open_session", "rights_of"]


class Gate(Protocol):
    """What the service needs of a session."""

    def check(self, **query: Any) -> CheckResult: ...

    def check_many(self, queries: Any, **options: Any) -> Any: ...


def has_sessions(hl: Hotlist) -> bool:
    """True when the library provides audited sessions with roles."""
    return callable(getattr(hl, "session", None))


def open_session(hl: Hotlist, *, operator: str, role: str, purpose: str, post: str) -> Gate:
    """A session on ``hl`` for one caller (raises the library's error for an unknown role)."""
    factory: Any = getattr(hl, "session", None)
    if callable(factory):
        gate: Gate = factory(operator=operator, role=role, purpose=purpose, post=post)
        return gate
    return _Unaudited(hl, role)


def rights_of(gate: Gate) -> frozenset[str]:
    """The rights of the session's role."""
    role = getattr(gate, "role", None)
    rights = getattr(role, "rights", None)
    if rights is None:
        return frozenset()
    return frozenset(rights)


@dataclass(frozen=True)
class _Role:
    name: str
    rights: frozenset[str] = field(default_factory=frozenset)


class _Unaudited:
    """Stand-in while the library has no sessions: plain checks, no audit."""

    def __init__(self, hl: Hotlist, role: str) -> None:
        self._hl = hl
        self.role = _Role(role, frozenset({"check", "reload"} if role == "admin" else {"check"}))

    def check(self, **query: Any) -> CheckResult:
        return self._hl.check(**query)

    def check_many(self, queries: Any, **options: Any) -> Any:
        return self._hl.check_many(queries, **options)
