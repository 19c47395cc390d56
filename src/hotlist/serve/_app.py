"""The ASGI application: routing, auth, limits, the endpoints.

A plain ASGI callable with msgspec for JSON rather than a framework: measured
in-process for ``POST /check`` (``benchmarks/bench_service.py --stacks``), a
framework's request and response objects cost more than the document check
itself.  The request schema and the OpenAPI document are derived from the one
table of query fields (:mod:`hotlist.serve._queries`, :mod:`hotlist.serve._openapi`),
so integrators lose nothing.  HTTP and problem details are in
:mod:`hotlist.serve._http`, the streamed check-many in :mod:`hotlist.serve._many`.

Every request that checks anything runs through a session of the library
(:mod:`hotlist.serve._session`), opened for the key's role, purpose and post
with the key name (or, with mutual TLS, the client certificate's subject) as
the operator.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
import math
import operator
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import Any, NamedTuple

import msgspec
import pyarrow as pa

import hotlist
from hotlist._errors import HotlistError
from hotlist.audit import matcher_version
from hotlist.engine import Hotlist
from hotlist.schema import CheckResult, CheckResultModel, Hit
from hotlist.serve import Limits
from hotlist.serve._data import DataHolder, ReloadOutcome
from hotlist.serve._docs import asset, docs_page
from hotlist.serve._http import (
    ARROW,
    JSON,
    PROBLEM_JSON,
    BodyReader,
    Problem,
    Receive,
    Scope,
    Send,
    decode,
    encode,
    header,
    invalid,
    problem_of,
    respond,
)
from hotlist.serve._keys import ApiKey, KeyStore
from hotlist.serve._many import Batch, stream
from hotlist.serve._metrics import CONTENT_TYPE, Metrics
from hotlist.serve._openapi import build_openapi
from hotlist.serve._queries import Keywords, QueryReader
from hotlist.serve._session import Gate, is_audited, open_session, rights_of, role_rights

__all__ = ["App", "RateLimiter", "result_dict"]

log = logging.getLogger("hotlist.serve")

Handler = Callable[[Scope, Receive, Send], Awaitable[None]]


class RateLimiter:
    """A token bucket per key: ``rate`` requests a second, ``burst`` at once."""

    def __init__(self) -> None:
        self._buckets: dict[str, tuple[float, float]] = {}

    def take(self, key: ApiKey, now: float | None = None) -> float:
        """0.0 when the request may go; else the seconds until it may."""
        if key.rate <= 0:
            return 0.0
        now = time.monotonic() if now is None else now
        tokens, last = self._buckets.get(key.name, (float(key.burst), now))
        tokens = min(float(key.burst), tokens + (now - last) * key.rate)
        if tokens < 1.0:
            self._buckets[key.name] = (tokens, now)
            return (1.0 - tokens) / key.rate
        self._buckets[key.name] = (tokens - 1.0, now)
        return 0.0


class Caller(NamedTuple):
    """Who asks: the key, and the operator (the key's name, or the client certificate's subject)."""

    key: ApiKey
    operator: str


_RESULT_FIELDS = tuple(CheckResultModel.model_fields)
_HIT_FIELDS = tuple(Hit.model_fields)
_result_values = operator.attrgetter(*_RESULT_FIELDS)
_hit_values = operator.attrgetter(*_HIT_FIELDS)
_CHALLENGE = [(b"www-authenticate", b'Bearer realm="hotlist"')]


def result_dict(result: CheckResult) -> dict[str, Any]:
    """A result as plain data in the shape of ``CheckResultModel`` (hits as the role sees them)."""
    out = dict(zip(_RESULT_FIELDS, _result_values(result), strict=True))
    out["hits"] = [dict(zip(_HIT_FIELDS, _hit_values(h), strict=True)) for h in result.hits]
    return out


class App:
    """The hotlist check service as an ASGI application."""

    def __init__(
        self,
        data: DataHolder,
        keys: KeyStore,
        *,
        limits: Limits | None = None,
        metrics: Metrics | None = None,
        watch_interval: float = 2.0,
        tls_operator: bool = False,
    ) -> None:
        self.data = data
        self.keys = keys
        self.limits = limits or Limits()
        self.metrics = metrics or Metrics()
        self.limiter = RateLimiter()
        self.watch_interval = watch_interval
        self.tls_operator = tls_operator
        self.started = dt.datetime.now(dt.UTC)
        self.queries = QueryReader(
            max_limit=self.limits.max_limit, max_rows=self.limits.max_batch_rows
        )
        self._gates: dict[tuple[int, str, str], Gate] = {}
        self._callers: dict[bytes, Caller] = {}  # by Authorization header (keys found only)
        self._gate_generation = -1
        self._openapi = encode(
            build_openapi(version=hotlist.__version__, max_rows=self.limits.max_batch_rows)
        )
        self._routes: dict[str, tuple[str, Handler]] = {
            "/v1/check": ("POST", self._check),
            "/v1/check-many": ("POST", self._check_many),
            "/v1/status": ("GET", self._status),
            "/v1/reload": ("POST", self._reload),
            "/healthz": ("GET", self._healthz),
            "/readyz": ("GET", self._readyz),
            "/metrics": ("GET", self._metrics),
            "/openapi.json": ("GET", self._openapi_json),
            "/docs": ("GET", self._docs),
        }
        self._tasks: list[asyncio.Task[None]] = []
        self.bodies = BodyReader(self.limits.request_seconds)
        self._batches = 0  # check-many requests in progress
        data.listeners.append(self._on_swap)
        if data.hl is not None:
            self._on_swap(data.hl)

    # -- ASGI entry ------------------------------------------------------------------
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "lifespan":
                await self._lifespan(receive, send)
            return
        path: str = scope["path"]
        route = self._routes.get(path)
        try:
            if route is None:
                if path.startswith("/docs/"):
                    await self._docs_asset(scope, receive, send)
                    return
                raise Problem(
                    404, "not-found", "Not found", f"no endpoint {path}", reason="not_found"
                )
            method, handler = route
            if scope["method"] != method and not (method == "GET" and scope["method"] == "HEAD"):
                raise Problem(
                    405,
                    "method-not-allowed",
                    "Method not allowed",
                    f"{path} takes {method}",
                    reason="invalid",
                    headers=[(b"allow", method.encode())],
                )
            await handler(scope, receive, send)
        except Problem as p:
            self.metrics.refused[p.reason].inc()
            await respond(send, p.status, p.body(path), PROBLEM_JSON, p.headers)
        except Exception:
            log.exception("unexpected error answering %s", path)
            self.metrics.refused["error"].inc()
            internal = Problem(
                500,
                "internal",
                "Internal error",
                "the error is logged on the server",
                reason="error",
            )
            await respond(send, 500, internal.body(path), PROBLEM_JSON)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                if self.data.watch is not None:
                    self._tasks.append(asyncio.ensure_future(self._watch()))
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                for task in self._tasks:
                    task.cancel()
                close = getattr(self.data.audit, "close", None)
                if callable(close):  # the audit log's last group commit and checkpoint
                    close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _watch(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(self.watch_interval)
            try:
                outcome = await loop.run_in_executor(None, self.data.poll)
            except Exception:  # the watcher must outlive any one bad poll
                log.exception("watching %s", self.data.watch)
                continue
            if outcome is not None:
                self.metrics.reload(outcome.ok)

    def reload_now(self, reason: str) -> ReloadOutcome:
        """Reload (blocking; run in a thread) and count it."""
        outcome = self.data.reload(reason)
        self.metrics.reload(outcome.ok)
        return outcome

    def reread_keys(self) -> None:
        """Read the keys file again (on SIGHUP); a bad file keeps the old keys."""
        if self.keys.path is None:
            return
        try:
            self.keys = KeyStore.read(self.keys.path)
            self._callers.clear()
        except HotlistError as exc:
            log.error("keeping the old keys: %s", exc)

    def _on_swap(self, hl: Hotlist) -> None:
        s = hl.stats()
        counts = {n: int(s[n]) for n in ("documents", "vehicles", "persons")}
        self.metrics.data(hl.data_version, counts, _age_of(hl))

    # -- helpers ---------------------------------------------------------------------
    def _caller(self, scope: Scope) -> Caller:
        auth = header(scope, b"authorization")
        caller = self._callers.get(auth) if auth is not None else None
        if caller is None:
            caller = self._authenticate(scope, auth)
        key = caller.key
        wait = self.limiter.take(key)
        if wait:
            raise Problem(
                429, "rate-limited", "Too many requests",
                f"key {key.name!r} may make {key.rate:g} requests a second (burst {key.burst})",
                reason="rate_limited", headers=[(b"retry-after", str(math.ceil(wait)).encode())],
            )  # fmt: skip
        return caller

    def _authenticate(self, scope: Scope, auth: bytes | None) -> Caller:
        """The caller of a request not seen before: its key (401 without a known one) and
        operator; remembered by the Authorization header when no certificate is asked."""
        if auth is None:
            raise Problem(
                401, "unauthenticated", "API key required",
                "send the key as 'Authorization: Bearer KEY' (made by `hotlist keys add`)",
                reason="unauthenticated", headers=_CHALLENGE,
            )  # fmt: skip
        scheme, _, token = auth.strip().partition(b" ")
        key = self.keys.lookup(token.strip()) if scheme.lower() == b"bearer" and token else None
        if key is None:
            raise Problem(
                401, "unauthenticated", "Unknown API key",
                "the key is not in this service's keys file", reason="unauthenticated",
                headers=_CHALLENGE,
            )  # fmt: skip
        operator = key.name
        if self.tls_operator:
            subject = scope.get("extensions", {}).get("tls", {}).get("client_cert_name")
            if not subject:
                raise Problem(
                    401, "unauthenticated", "Client certificate required",
                    "this service takes mutual TLS: present a client certificate",
                    reason="unauthenticated",
                )  # fmt: skip
            operator = str(subject)
        caller = Caller(key, operator)
        if not self.tls_operator:
            if len(self._callers) > 10_000:
                self._callers.clear()
            self._callers[auth] = caller
        return caller

    def _hotlist(self) -> Hotlist:
        hl = self.data.hl
        if hl is None:
            raise Problem(
                503, "no-data", "No data loaded",
                "the service has no hotlist data yet; see /readyz", reason="unavailable",
                headers=[(b"retry-after", b"5")],
            )  # fmt: skip
        return hl

    def _gate(self, hl: Hotlist, caller: Caller, right: str) -> Gate:
        if self._gate_generation != self.data.generation:
            self._gates.clear()
            self._gate_generation = self.data.generation
        k = caller.key
        cache_key = (id(hl), k.name, caller.operator)
        gate = self._gates.get(cache_key)
        if gate is None:
            try:
                gate = open_session(
                    hl, operator=caller.operator, role=k.role, purpose=k.purpose, post=k.post
                )
            except HotlistError as exc:
                raise Problem(
                    403, "forbidden", "No session for this key", str(exc), reason="forbidden"
                ) from exc
            if len(self._gates) > 10_000:
                self._gates.clear()
            self._gates[cache_key] = gate
        if right not in rights_of(gate):
            raise Problem(
                403, "forbidden", "Forbidden",
                f"role {k.role!r} of key {k.name!r} lacks the right {right!r}",
                reason="forbidden",
            )  # fmt: skip
        return gate

    # -- endpoints -------------------------------------------------------------------
    async def _check(self, scope: Scope, receive: Receive, send: Send) -> None:
        caller = self._caller(scope)
        body = await self.bodies.read(scope, receive, self.limits.max_body)
        try:
            obj = decode(body)
        except msgspec.DecodeError as exc:
            raise Problem(400, "bad-json", "Malformed JSON", str(exc), reason="invalid") from None
        query = self.queries.one(obj, options=True)
        gate = self._gate(self._hotlist(), caller, "check")
        kind = self.queries.kind(query)
        started = time.perf_counter()
        try:
            result = gate.check(**self.queries.keywords(query))
        except HotlistError as exc:
            raise problem_of(exc) from None
        except TypeError as exc:  # a value of the wrong JSON type for an option
            raise invalid(str(exc)) from None
        self.metrics.checked(kind, time.perf_counter() - started)
        for h in result.hits:
            self.metrics.hit(h.dataset, str(getattr(h, "severity", "possible")))
        await respond(send, 200, encode(result_dict(result)), JSON)

    async def _check_many(self, scope: Scope, receive: Receive, send: Send) -> None:
        caller = self._caller(scope)
        options = self.queries.batch_options(scope.get("query_string", b""))
        if self._batches >= self.limits.max_batches:
            raise Problem(
                503, "busy", "Too many batches at once",
                f"{self._batches} check-many requests are in progress, the most at once here; "
                "retry shortly", reason="unavailable", headers=[(b"retry-after", b"1")],
            )  # fmt: skip
        self._batches += 1
        try:
            limits = self.limits
            body = await self.bodies.read(scope, receive, limits.max_batch_body)
            ctype = (header(scope, b"content-type") or JSON).split(b";")[0].strip().lower()
            table = self.queries.table(ctype, body)
            hl = self._hotlist()  # one data version for the whole batch
            gate = self._gate(hl, caller, "check")
            batch = Batch(
                table=table,
                check=functools.partial(_check_table, gate, options),
                data_version=hl.data_version,
                arrow=ARROW in (header(scope, b"accept") or b""),
                most=limits.batch_chunk,
                seconds=limits.request_seconds,
            )
            await stream(batch, send, self.metrics)
        finally:
            self._batches -= 1

    async def _status(self, scope: Scope, receive: Receive, send: Send) -> None:
        caller = self._caller(scope)
        body = self.status()
        k = caller.key
        body["caller"] = {
            "key": k.name,
            "operator": caller.operator,
            "role": k.role,
            "purpose": k.purpose,
            "post": k.post,
        }
        await respond(send, 200, encode(body), JSON)

    def status(self) -> dict[str, Any]:
        hl = self.data.hl
        out: dict[str, Any] = {
            "data_version": None,
            "data_time": None,
            "data_age_seconds": None,
            "counts": {},
            "matcher_version": _matcher_version(),
            "audited": hl is not None and is_audited(hl),
            "last_reload": None if self.data.last is None else asdict(self.data.last),
            "served_from": None if self.data.served_from is None else str(self.data.served_from),
            "started_at": self.started.isoformat(timespec="seconds"),
        }
        if hl is not None:
            s = hl.stats()
            out.update(
                data_version=s["data_version"],
                data_time=s["data_time"],
                data_age_seconds=s["data_age_seconds"],
                counts={n: s[n] for n in ("documents", "vehicles", "persons")},
                max_age_seconds=s.get("max_age_seconds"),
                stale=s.get("stale"),
            )
        reasons = self.data.not_ready()
        out["ready"] = not reasons
        out["not_ready"] = reasons
        return out

    async def _reload(self, scope: Scope, receive: Receive, send: Send) -> None:
        caller = self._caller(scope)
        k = caller.key
        try:
            rights = role_rights(k.role)
        except HotlistError as exc:  # an unreadable roles file
            raise Problem(403, "forbidden", "Forbidden", str(exc), reason="forbidden") from None
        if rights is None or "reload" not in rights:
            why = "is not a role" if rights is None else "lacks the right 'reload'"
            raise Problem(
                403, "forbidden", "Forbidden", f"role {k.role!r} of key {k.name!r} {why}",
                reason="forbidden",
            )  # fmt: skip
        loop = asyncio.get_running_loop()
        outcome = await loop.run_in_executor(None, self.reload_now, "admin request")
        if not outcome.ok:
            raise Problem(
                409, "reload-failed", "Reload failed",
                f"{outcome.error}; still serving data version {self.data.version}",
                reason="invalid",
            )  # fmt: skip
        await respond(send, 200, encode(asdict(outcome)), JSON)

    async def _healthz(self, scope: Scope, receive: Receive, send: Send) -> None:
        await respond(send, 200, b'{"status":"ok"}', JSON)

    async def _readyz(self, scope: Scope, receive: Receive, send: Send) -> None:
        reasons = self.data.not_ready()
        self.metrics.ready.set(0 if reasons else 1)
        last = self.data.last
        body = {
            "ready": not reasons,
            "reasons": reasons,
            "data_version": self.data.version,
            "last_reload": None if last is None else asdict(last),
        }
        await respond(send, 503 if reasons else 200, encode(body), JSON)

    async def _metrics(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.metrics.ready.set(0 if self.data.not_ready() else 1)
        await respond(send, 200, self.metrics.render(), CONTENT_TYPE.encode())

    async def _openapi_json(self, scope: Scope, receive: Receive, send: Send) -> None:
        await respond(send, 200, self._openapi, JSON)

    async def _docs(self, scope: Scope, receive: Receive, send: Send) -> None:
        await respond(send, 200, docs_page(), b"text/html; charset=utf-8")

    async def _docs_asset(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = asset(scope["path"][len("/docs/") :])
        if found is None:
            raise Problem(
                404, "not-found", "Not found", f"no file {scope['path']}", reason="not_found"
            )
        body, ctype = found
        await respond(send, 200, body, ctype, [(b"cache-control", b"max-age=86400")])


def _age_of(hl: Hotlist) -> Callable[[], float]:
    def age() -> float:
        return hl.data_age.total_seconds()

    return age


def _matcher_version() -> str:
    version: str = matcher_version()
    return version


def _check_table(gate: Gate, options: Keywords, table: pa.Table) -> pa.Table:
    """One step of a check-many through the caller's session."""
    part = gate.check_many(table, **options)
    assert isinstance(part, pa.Table)
    return part
