"""The one place the service obtains a session for a request.

Every request runs through a session of the library (``Hotlist.session``,
:class:`hotlist.audit.Session`): the session stamps the check with who, where
and why, writes the audit entry when an audit log is attached, and limits each
hit's fields to what the role may see.  The service builds no roles or audit of
its own; it only asks the session's role for its rights (``"check"``,
``"reload"``...) to refuse a request with 403 before any work is done.
"""

from __future__ import annotations

from hotlist.audit import Session, load_roles
from hotlist.engine import Hotlist

__all__ = ["Gate", "is_audited", "open_session", "rights_of", "role_rights"]

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


def role_rights(role: str) -> frozenset[str] | None:
    """The rights of a role of the library's role table (None: no such role), for
    requests that check no data (a reload, also while nothing is loaded yet)."""
    found = load_roles(None).get(role)
    return None if found is None else frozenset(found.rights)
