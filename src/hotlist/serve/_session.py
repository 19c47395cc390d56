"""The one place the service obtains a session for a request.

Every request runs through a session of the library (``Hotlist.session``,
:class:`hotlist.audit.Session`): the session stamps the check with who, where
and why, writes the audit entry when an audit log is attached, and limits each
hit's fields to what the role may see.  The service builds no roles or audit of
its own; it only asks the session's role for its rights (``"check"``,
``"reload"``...) to refuse a request with 403 before any work is done.
"""

from __future__ import annotations

from hotlist.audit import Session
from hotlist.engine import Hotlist

__all__ = ["Gate", "is_audited", "open_session", "rights_of"]

Gate = Session


def open_session(hl: Hotlist, *, operator: str, role: str, purpose: str, post: str) -> Gate:
    """A session on ``hl`` for one caller (the library's error for an unknown role)."""
    gate: Gate = hl.session(operator=operator, role=role, purpose=purpose, post=post)
    return gate


def rights_of(gate: Gate) -> frozenset[str]:
    """The rights of the session's role."""
    return frozenset(gate.role.rights)


def is_audited(hl: Hotlist) -> bool:
    """True when the Hotlist's sessions write to an audit log."""
    return hl.audit is not None
