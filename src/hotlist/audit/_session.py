"""Sessions: who checks, in which role, where and why -- every check stamped and logged.

``hl.session(operator=..., role=..., purpose=..., post=...)`` returns a
:class:`Session` with the same ``check`` / ``check_many`` as the Hotlist.  Each
call is written to the Hotlist's audit log (when one is attached: ``audit=``
at ``load`` / ``open``), and the hits it returns show only the record fields
the role allows.  ``confirm`` records the officer's decision on a hit, linked
to its check; ``result.receipt()`` is a signed statement that the check happened.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import importlib
import json
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any, Concatenate, NotRequired, ParamSpec, TypedDict, TypeVar

import numpy as np
import pyarrow as pa

from hotlist._errors import HotlistError, InvalidQuery
from hotlist._signing import load_public_key
from hotlist.audit._entries import BatchData, SessionContext, jsonable
from hotlist.audit._files import AuditError
from hotlist.audit._format import utc_text
from hotlist.audit._log import AuditLog, Pending
from hotlist.audit._roles import Role, load_roles
from hotlist.fields import field_names
from hotlist.schema import CheckResult, Hit

if TYPE_CHECKING:
    from collections.abc import Callable

    from hotlist._signing import KeyArg
    from hotlist.engine import Hotlist

__all__ = [
    "AccessDenied",
    "AuditedResult",
    "Receipt",
    "Session",
    "SessionWho",
    "matcher_version",
]

OUTCOMES = ("confirmed", "false_positive")
_NO_OPTIONS: dict[str, object] = {}
_RECEIPT_PREFIX = b"hotlist-receipt\x00"
_SCORING_MODULES = (
    "hotlist.scoring",
    "hotlist._documents",
    "hotlist._vehicles",
    "hotlist._persons",
    "hotlist._decisions",
    "hotlist.names",
    "hotlist.names._model",
)


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _keywords_of(
    method: Callable[Concatenate[Hotlist, _P], object],
) -> Callable[[Callable[..., _R]], Callable[Concatenate[Session, _P], _R]]:
    """For the type checker only: the session's method takes exactly the keywords of
    the Hotlist's (so a misspelt keyword is caught), whatever it returns."""

    def same(f: Callable[..., _R]) -> Callable[Concatenate[Session, _P], _R]:
        return f

    return same


if TYPE_CHECKING:
    _check_keywords = _keywords_of(Hotlist.check)
    _check_many_keywords = _keywords_of(Hotlist.check_many)
else:

    def _check_keywords(f):
        return f

    _check_many_keywords = _check_keywords


class AccessDenied(HotlistError):  # noqa: N818 - like InvalidQuery, a verdict
    """The session's role does not have the right this call needs."""


@functools.lru_cache(maxsize=1)
def matcher_version() -> str:
    """``hotlist <version>+<digest>``: the package version and a digest of every
    scoring constant (weights, thresholds, severity rules) of the matchers, so an
    audit entry says exactly which matching produced its answer."""
    h = hashlib.sha256()
    for name in _SCORING_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:  # a module of another version of the package
            continue
        for key, value in sorted(vars(module).items()):
            if key.isupper() and isinstance(value, (int, float, str, tuple, frozenset, dict)):
                text = repr(sorted(value)) if isinstance(value, frozenset) else repr(value)
                h.update(f"{name}.{key}={text}\n".encode())
    try:
        package = version("hotlist")
    except PackageNotFoundError:
        package = "0+unknown"
    return f"hotlist {package}+{h.hexdigest()[:12]}"


class AuditedResult(CheckResult):
    """A :class:`~hotlist.CheckResult` of a session: hits filtered to the role, and
    (with an audit log) a receipt."""

    __slots__ = ("_entry", "_session")

    _entry: Pending | None
    _session: Session

    @property
    def audit_id(self) -> str | None:
        """The id of this check's audit entry (None when no audit log is attached)."""
        return None if self._entry is None else self._entry.id

    def receipt(self) -> Receipt:
        """A signed statement: this query (as its keyed hash) was checked against
        this data version at this time, with this outcome."""
        return self._session.receipt(self)


_SLOTS = tuple(s for s in CheckResult.__slots__ if not s.startswith("__"))
_new = object.__new__


def _copy_any_slots(out: CheckResult, result: CheckResult) -> None:
    for slot in _SLOTS:
        setattr(out, slot, getattr(result, slot))


def _copy_known_slots(out: CheckResult, result: CheckResult) -> None:
    """:func:`_copy_any_slots` unrolled, for the slots CheckResult has today."""
    out.data_version = result.data_version
    out.hits = result.hits
    out.omitted = result.omitted
    out.query = result.query
    out.searched = result.searched
    out.warnings = result.warnings


_copy_slots = (
    _copy_known_slots
    if set(_SLOTS) == {"data_version", "hits", "omitted", "query", "searched", "warnings"}
    else _copy_any_slots
)


@dataclass(frozen=True)
class Receipt:
    """A signed statement that a check happened (``result.receipt()``).

    ``statement`` holds the keyed hash of each query value (never the value),
    the data version, the matcher version, the UTC time, the outcome
    (``alarm`` / ``possible`` / ``no hit``), the hits' record ids, who checked
    where and why, and the entry's place in the audit chain (seq and hash).
    """

    statement: dict[str, Any]
    signature: str

    def message(self) -> bytes:
        return (
            _RECEIPT_PREFIX
            + json.dumps(
                self.statement, sort_keys=True, separators=(",", ":"), ensure_ascii=False
            ).encode()
        )

    def verify(self, public_key: KeyArg) -> bool:
        """True when the signature holds for ``public_key`` (the audit log's)."""
        from cryptography.exceptions import (  # noqa: PLC0415 - lazy optional import (cryptography)
            InvalidSignature,
        )

        try:
            load_public_key(public_key).verify(base64.b64decode(self.signature), self.message())
        except (InvalidSignature, ValueError):
            return False
        return True

    def to_json(self) -> str:
        return json.dumps({"statement": self.statement, "signature": self.signature}, indent=2)

    @classmethod
    def from_json(cls, text: str) -> Receipt:
        data = json.loads(text)
        return cls(statement=data["statement"], signature=data["signature"])


class SessionWho(TypedDict):
    """Who checks, where and why: the keywords of ``Hotlist.session()`` and
    :class:`Session` (``post`` and ``roles`` may be left out)."""

    operator: str
    role: str | Role
    purpose: str
    post: NotRequired[str | None]
    roles: NotRequired[str | Mapping[str, Any] | None]


class Session:
    """Checks made by one operator, in one role, at one post, for one purpose."""

    def __init__(
        self,
        hotlist: Hotlist,
        *,
        operator: str,
        role: str | Role,
        purpose: str,
        post: str | None = None,
        roles: str | Mapping[str, Any] | None = None,
    ) -> None:
        for name, value in (("operator", operator), ("purpose", purpose)):
            if not isinstance(value, str) or not value.strip():
                raise InvalidQuery(
                    f"a session needs a {name} (e.g. hl.session(operator='officer-17', "
                    "role='frontline', purpose='border control', post='CDG-T2'))"
                )
        if post is not None and not isinstance(post, str):
            raise InvalidQuery("post must be text (where the checks are made)")
        if isinstance(role, Role):
            self.role = role
        else:
            table = load_roles(roles)
            if role not in table:
                raise InvalidQuery(f"unknown role {role!r}; roles are {', '.join(sorted(table))}")
            self.role = table[role]
        self.operator = operator.strip()
        self.purpose = purpose.strip()
        self.post = (post or "").strip()
        self.id = uuid.uuid4().hex[:16]
        self._hotlist = hotlist
        self._ctx = SessionContext(
            operator=self.operator,
            role=self.role.name,
            purpose=self.purpose,
            post=self.post,
            session=self.id,
        )
        self._matcher = matcher_version()
        self._recent: OrderedDict[int, tuple[Hit, Pending]] = OrderedDict()
        self._recent_lock = threading.Lock()

    def __repr__(self) -> str:
        return (
            f"<Session operator={self.operator!r} role={self.role.name!r} "
            f"post={self.post!r} purpose={self.purpose!r} audited={self.audited}>"
        )

    @property
    def audit(self) -> AuditLog | None:
        audit: AuditLog | None = self._hotlist.audit
        return audit

    @property
    def audited(self) -> bool:
        return self._hotlist.audit is not None

    def _need(self, right: str) -> None:
        if right not in self.role.rights:
            raise AccessDenied(
                f"role {self.role.name!r} may not {right.replace('_', ' ')} "
                f"(its rights: {', '.join(sorted(self.role.rights)) or 'none'})"
            )

    # -- check -----------------------------------------------------------------------
    @_check_keywords
    def check(self, **kwargs: Any) -> AuditedResult:
        """``Hotlist.check`` with the same keywords, audited and filtered to the role."""
        if "check" not in self.role.rights:
            self._need("check")
        log = self._hotlist.audit
        started = time.perf_counter_ns()
        try:
            result = self._hotlist.check(**kwargs)
        except HotlistError as exc:
            if log is not None:
                query, options = _split(kwargs)
                log.record(
                    "check",
                    (
                        self._ctx,
                        query,
                        options,
                        [],
                        False,
                        0,
                        time.perf_counter_ns() - started,
                        self._hotlist.data_version,
                        self._matcher,
                        type(exc).__name__,
                    ),
                )
            raise
        latency = time.perf_counter_ns() - started
        hits = result.hits
        entry = None
        if log is not None:
            query = result.query
            options = _NO_OPTIONS
            if len(kwargs) > len(query):  # options, extra=, or fields given as None
                options = _options(kwargs, query)
                if "extra" in kwargs:  # run-time fields: logged (hashed) as query fields
                    query = {**_split(kwargs)[0], **query}
            entry = log.record(
                "check",
                (
                    self._ctx,
                    query,
                    options,
                    [[h.dataset, h.record_id, h.severity] for h in hits] if hits else [],
                    result.alarm if hits else False,
                    result.omitted,
                    latency,
                    result.data_version,
                    self._matcher,
                    None,
                ),
            )
        out: AuditedResult = _new(AuditedResult)
        _copy_slots(out, result)
        out._entry = entry
        out._session = self
        if hits:
            out.hits = self._filtered(hits)
            if entry is not None:
                for h in out.hits:
                    self._remember(h, entry)
        return out

    def _filtered(self, hits: list[Hit]) -> list[Hit]:
        role = self.role
        if role.fields is None and role.reasons:
            return hits
        out = []
        for h in hits:
            update: dict[str, Any] = {"record": role.filter_record(h.dataset, h.record)}
            if not role.reasons:
                update["reasons"] = []
            out.append(h.model_copy(update=update))
        return out

    def _remember(self, hit: Hit, entry: Pending) -> None:
        # A hit reads its record from its table when first asked (schema.Hit):
        # read it now, so that the 10,000 hits kept for confirm() never keep the
        # columns of a data version the Hotlist has since left.
        hit.record  # noqa: B018 - read for its effect: the hit lets go of its table
        with self._recent_lock:
            self._recent[id(hit)] = (hit, entry)
            while len(self._recent) > 10_000:
                self._recent.popitem(last=False)

    @_check_many_keywords
    def check_many(self, queries: Any, **options: Any) -> pa.Table:
        """``Hotlist.check_many``, one audit entry per row (written in bulk)."""
        self._need("check")
        log = self._hotlist.audit
        started = time.perf_counter_ns()
        table = self._hotlist.check_many(queries, **options)
        latency = time.perf_counter_ns() - started
        if not self.role.reasons and "reasons" in table.column_names:
            i = table.schema.get_field_index("reasons")
            table = table.set_column(
                i, table.schema.field(i), pa.nulls(table.num_rows, table.schema.field(i).type)
            )
        if log is None:
            return table
        qi = np.asarray(table.column("query_index").to_numpy(), dtype=np.int64)
        if len(qi):
            starts = np.flatnonzero(np.r_[True, qi[1:] != qi[:-1]])
            n = int(qi.max()) + 1
        else:
            starts = np.zeros(0, dtype=np.int64)
            n = 0
        mapping = options.get("columns") or {}
        fields = field_names()
        source = {field: field for field in fields}
        for theirs, ours in mapping.items():
            if ours in fields:
                source[ours] = theirs
        columns: dict[str, list[object]] = {}
        first = pa.array(starts)
        for field, name in source.items():
            if name in table.column_names and name not in ("query_index",):
                columns[field] = table.column(name).take(first).to_pylist()
        hits: dict[int, list[list[str]]] = {}
        alarms: set[int] = set()
        hit_rows = np.flatnonzero(
            np.asarray(table.column("hit").to_numpy(zero_copy_only=False), dtype=bool)
        )
        if len(hit_rows):
            idx = pa.array(hit_rows)
            q = qi[hit_rows].tolist()
            ds = table.column("dataset").take(idx).to_pylist()
            rid = table.column("record_id").take(idx).to_pylist()
            sev = (
                table.column("severity").take(idx).to_pylist()
                if "severity" in table.column_names
                else ["possible"] * len(q)
            )
            for j, qq in enumerate(q):
                hits.setdefault(qq, []).append([ds[j], rid[j], sev[j]])
                if sev[j] == "alarm":
                    alarms.add(qq)
        errors: dict[int, str] = {}
        if "error" in table.column_names and table.column("error").null_count < table.num_rows:
            bad = np.flatnonzero(
                np.asarray(
                    table.column("error").is_valid().to_numpy(zero_copy_only=False), dtype=bool
                )
            )
            for qq in np.unique(qi[bad]).tolist():
                errors[qq] = "InvalidQuery"
        kept_options = {k: v for k, v in options.items() if k != "columns"}
        log.record(
            "batch",
            BatchData(
                ctx=self._ctx,
                columns=columns,
                rows=n,
                hits=hits,
                alarms=alarms,
                errors=errors,
                options=jsonable(kept_options),
                latency_ns=latency,
                data_version=self._hotlist.data_version,
                matcher=self._matcher,
            ),
        )
        return table

    # -- decisions and receipts ----------------------------------------------------------
    def confirm(
        self, result_or_hit: CheckResult | Hit, outcome: str = "confirmed", note: str | None = None
    ) -> str:
        """Record the officer's decision on a hit (or on every hit of a result):
        ``"confirmed"`` with the source, or ``"false_positive"``; linked to the
        check's audit entry.  Returns the decision's entry id."""
        self._need("confirm")
        if outcome not in OUTCOMES:
            raise InvalidQuery(f"outcome must be one of {', '.join(OUTCOMES)}, not {outcome!r}")
        if note is not None and not isinstance(note, str):
            raise InvalidQuery("note must be text")
        log = self.audit
        if log is None:
            raise AuditError(
                "confirm needs an audit log: load or open the data with audit=hotlist.AuditLog(...)"
            )
        if isinstance(result_or_hit, AuditedResult):
            entry = result_or_hit._entry
            hits = result_or_hit.hits
        elif isinstance(result_or_hit, Hit):
            with self._recent_lock:
                found = self._recent.get(id(result_or_hit))
            if found is None or found[0] is not result_or_hit:
                raise InvalidQuery(
                    "this hit did not come from a recent check of this session; "
                    "confirm the hit object that gate.check(...) returned"
                )
            entry = found[1]
            hits = [result_or_hit]
        else:
            raise InvalidQuery("confirm takes a result of gate.check(...) or one of its hits")
        if entry is None or not hits:
            raise InvalidQuery("there is no audited hit to confirm in this result")
        decision = log.record(
            "decision",
            {
                **self._ctx.fields,
                "check": entry.id,
                "records": [[h.dataset, h.record_id] for h in hits],
                "outcome": outcome,
                "note": note,
            },
        )
        return decision.id

    def receipt(self, result: AuditedResult) -> Receipt:
        log = self.audit
        if result._entry is None or log is None:
            raise AuditError("this result was not audited: attach an AuditLog to get receipts")
        if log.public_key is None:
            raise AuditError(
                "receipts are signed: create the AuditLog with signing_key=... "
                "(Ed25519; pip install 'hotlist[signing]')"
            )
        entry = log.written(result._entry)
        hits = [[h.dataset, h.record_id, h.severity] for h in result.hits]
        outcome = "alarm" if result.alarm else ("possible" if hits else "no hit")
        statement = {
            "type": "hotlist.check-receipt/1",
            "check": entry.id,
            "seq": entry.seq,
            "entry_hash": entry.hash,
            "query": log.hasher.query(result.query),
            "data_version": result.data_version,
            "matcher": self._matcher,
            "t": utc_text(entry.t_ns),
            "outcome": outcome,
            "hits": hits,
            "operator": self.operator,
            "role": self.role.name,
            "post": self.post,
            "purpose": self.purpose,
            "key": log.key_id,
        }
        unsigned = Receipt(statement, "")
        signature = log.sign(unsigned.message())
        assert signature is not None
        return Receipt(statement, signature)


def _options(kwargs: Mapping[str, object], query: Mapping[str, object]) -> dict[str, object]:
    """The options of a check that answered ``query``: every keyword but the query's
    fields, ``extra=`` and query fields given as None (the common case without
    building the field table)."""
    options: dict[str, object] = {}
    names: tuple[str, ...] | None = None
    for k, v in kwargs.items():
        if k in query or k == "extra":
            continue
        if v is None:
            names = names or field_names()
            if k in names:
                continue
        options[k] = v
    return options


def _split(kwargs: Mapping[str, object]) -> tuple[dict[str, object], dict[str, object]]:
    """A check's keywords as (query values given, options); the values of
    ``extra=`` (fields registered at run time) are query values, never options."""
    fields = field_names()
    query = {k: v for k, v in kwargs.items() if k in fields and v is not None}
    options = {k: v for k, v in kwargs.items() if k not in fields and k != "extra"}
    extra = kwargs.get("extra")
    if isinstance(extra, Mapping):
        query.update((str(k), v) for k, v in extra.items() if v is not None)
    return query, options
