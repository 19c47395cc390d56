"""Sessions, roles and the audit log: who checked what, when, where, why -- provably.

>>> import hotlist, secrets, tempfile
>>> log = hotlist.AuditLog(tempfile.mkdtemp(), secret=secrets.token_bytes(32))
>>> hl = hotlist.load(hotlist.sample_data_path(), audit=log, progress=False)
>>> gate = hl.session(operator="officer-17", role="frontline", purpose="border control",
...                   post="CDG-T2")
>>> r = gate.check(document="L898902C3", country="UTO")
>>> r.alarm, r.hits[0].severity, sorted(r.hits[0].record)
(True, 'alarm', ['document_number', 'document_type', 'issuing_country', 'record_id', 'status'])
>>> log.close()
>>> hotlist.audit.verify(log.path).ok
True
"""

from __future__ import annotations

from hotlist.audit._entries import SessionContext
from hotlist.audit._format import KeyedHasher
from hotlist.audit._log import AuditError, AuditLog
from hotlist.audit._roles import DEFAULT_ROLES, RIGHTS, Role, load_roles
from hotlist.audit._session import (
    AccessDenied,
    AuditedResult,
    Receipt,
    Session,
    SessionWho,
    matcher_version,
)
from hotlist.audit._verify import SearchHit, VerifyReport, search, verify

__all__ = [
    "DEFAULT_ROLES",
    "RIGHTS",
    "AccessDenied",
    "AuditError",
    "AuditLog",
    "AuditedResult",
    "KeyedHasher",
    "Receipt",
    "Role",
    "SearchHit",
    "Session",
    "SessionContext",
    "SessionWho",
    "VerifyReport",
    "load_roles",
    "matcher_version",
    "search",
    "verify",
]
