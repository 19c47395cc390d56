"""The ASGI application: routing, auth, limits, the endpoints, problem details.

A plain ASGI callable with msgspec for JSON rather than a framework: measured
in-process for ``POST /check`` (``benchmarks/bench_service.py --stacks``), a
framework's request and response objects cost more than the document check
itself.  The OpenAPI document is generated from the engine's query-field
table (:mod:`hotlist.serve._openapi`), so integrators lose nothing.

Every request that checks anything runs through a session of the library
(:mod:`hotlist.serve._session`), opened for the key's role, purpose and post
with the key name (or, with mutual TLS, the client certificate's subject) as
the operator.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import parse_qsl

import msgspec
import pyarrow as pa

import hotlist
from hotlist._errors import HotlistError, StaleDataError
from hotlist.audit import AccessDenied, matcher_version
from hotlist.engine import Hotlist
from hotlist.schema import CheckResult, CheckResultModel, Hit
from hotlist.serve._data import DataHolder
from hotlist.serve._keys import ApiKey, KeyStore
from hotlist.serve._metrics import CONTENT_TYPE, Metrics
from hotlist.serve._openapi import MAX_LIMIT, OPTIONS, build_openapi, query_fields
from hotlist.serve._session import Gate, is_audited, open_session, rights_of, role_rights

__all__ = ["App", "Limits", "Problem", "RateLimiter"]

log = logging.getLogger("hotlist.serve")

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

JSON = b"application/json"
PROBLEM_JSON = b"application/problem+json"
NDJSON = b"application/x-ndjson"
ARROW = b"application/vnd.apache.arrow.stream"

_encode = msgspec.json.Encoder().encode
FIRST_STEP = 100  # rows in the first step of a streamed check-many
STEP_SECONDS = 0.25  # the time each later step aims at
_decode = msgspec.json.decode


@dataclass(frozen=True)
class Limits:
    """Bounds on what one request may cost."""

    max_body: int = 64 * 1024  # POST /v1/check
    max_batch_body: int = 32 * 1024 * 1024  # POST /v1/check-many
    max_batch_rows: int = 100_000
    batch_chunk: int = 2_000  # rows checked per step of a streamed check-many
    request_seconds: float = 30.0  # reading the body and answering a check-many
    max_batches: int = 4  # check-many requests at once (each may hold max_batch_body)
    max_limit: int = MAX_LIMIT


class Problem(Exception):  # noqa: N818 - it is an RFC 9457 problem, not an error of ours
    """An RFC 9457 problem details answer."""

    def __init__(
        self,
        status: int,
        slug: str,
        title: str,
        detail: str,
        *,
        reason: str,
        headers: list[tuple[bytes, bytes]] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.slug = slug
        self.title = title
        self.detail = detail
        self.reason = reason  # the refusal counter's label
        self.headers = headers or []

    def body(self, instance: str) -> bytes:
        return _encode(
            {
                "type": f"urn:hotlist:problem:{self.slug}",
                "title": self.title,
                "status": self.status,
                "detail": self.detail,
                "instance": instance,
            }
        )


def _invalid(detail: str) -> Problem:
    return Problem(422, "invalid-query", "Invalid query", detail, reason="invalid")


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


@dataclass(frozen=True)
class Caller:
    key: ApiKey
    operator: str


def _header(scope: Scope, name: bytes) -> bytes | None:
    for k, v in scope["headers"]:
        if k == name:
            return bytes(v)
    return None


def _kind(query: dict[str, Any]) -> str:
    kinds = set()
    for field in query:
        if field in ("document", "document_type"):
            kinds.add("document")
        elif field == "mrz":
            kinds.add("mrz")
        elif field in ("vin", "plate"):
            kinds.add("vehicle")
        elif field in ("name", "family_name", "given_names", "dob", "nationality", "sex"):
            kinds.add("person")
    if len(kinds) == 1:
        return kinds.pop()
    return "mixed" if kinds else "document"


_RESULT_FIELDS = tuple(CheckResultModel.model_fields)
_HIT_FIELDS = tuple(Hit.model_fields)


def result_dict(result: CheckResult) -> dict[str, Any]:
    """A result as plain data in the shape of ``CheckResultModel`` (hits as the role sees them)."""
    out: dict[str, Any] = {}
    for name in _RESULT_FIELDS:
        if name == "hits":
            out["hits"] = [{f: getattr(h, f) for f in _HIT_FIELDS} for h in result.hits]
        else:
            out[name] = getattr(result, name)
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
        self._fields = frozenset(query_fields())
        self._options = frozenset(OPTIONS)
        self._gates: dict[tuple[int, str, str], Gate] = {}
        self._gate_generation = -1
        self._openapi = _encode(
            build_openapi(version=hotlist.__version__, max_rows=self.limits.max_batch_rows)
        )
        self._routes: dict[str, tuple[str, Callable[[Scope, Receive, Send], Awaitable[None]]]] = {
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
        self._batches = 0  # check-many requests in progress
        data.listeners.append(self._on_swap)
        if data.hl is not None:
            self._on_swap(data.hl)

    # -- ASGI entry ------------------------------------------------------------------
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            await self._http(scope, receive, send)
        elif kind == "lifespan":
            await self._lifespan(receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
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
            await self._send(send, p.status, p.body(path), PROBLEM_JSON, p.headers)
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
            await self._send(send, 500, internal.body(path), PROBLEM_JSON)

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

    def reload_now(self, reason: str) -> Any:
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
        except HotlistError as exc:
            log.error("keeping the old keys: %s", exc)

    def _on_swap(self, hl: Hotlist) -> None:
        s = hl.stats()
        counts = {n: int(s[n]) for n in ("documents", "vehicles", "persons")}
        self.metrics.data(hl.data_version, counts, _age_of(hl))

    # -- helpers ---------------------------------------------------------------------
    @staticmethod
    async def _send(
        send: Send,
        status: int,
        body: bytes,
        content_type: bytes,
        headers: list[tuple[bytes, bytes]] | None = None,
    ) -> None:
        h = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
        if headers:
            h += headers
        await send({"type": "http.response.start", "status": status, "headers": h})
        await send({"type": "http.response.body", "body": body})

    async def _body(self, scope: Scope, receive: Receive, limit: int) -> bytes:
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            raise Problem(
                413, "too-large", "Content too large",
                f"the body is {int(declared):,} bytes; at most {limit:,} are accepted here",
                reason="too_large",
            )  # fmt: skip
        chunks: list[bytes] = []
        size = 0
        more = True
        try:
            # One timer for the whole body (asyncio.timeout, not wait_for: no task per read).
            async with asyncio.timeout(self.limits.request_seconds):
                while more:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        raise Problem(400, "disconnected", "Client went away", "", reason="invalid")
                    chunk = message.get("body", b"")
                    size += len(chunk)
                    if size > limit:
                        raise Problem(
                            413, "too-large", "Content too large",
                            f"the body is over {limit:,} bytes, the most accepted here",
                            reason="too_large",
                        )  # fmt: skip
                    chunks.append(chunk)
                    more = message.get("more_body", False)
        except TimeoutError:
            raise Problem(
                408, "timeout", "Request timeout",
                f"the body took longer than {self.limits.request_seconds:g} s to arrive",
                reason="timeout",
            ) from None  # fmt: skip
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    def _caller(self, scope: Scope) -> Caller:
        auth = _header(scope, b"authorization")
        challenge = [(b"www-authenticate", b'Bearer realm="hotlist"')]
        if auth is None:
            raise Problem(
                401, "unauthenticated", "API key required",
                "send the key as 'Authorization: Bearer KEY' (made by `hotlist keys add`)",
                reason="unauthenticated", headers=challenge,
            )  # fmt: skip
        scheme, _, token = auth.strip().partition(b" ")
        key = self.keys.lookup(token.strip()) if scheme.lower() == b"bearer" and token else None
        if key is None:
            raise Problem(
                401, "unauthenticated", "Unknown API key",
                "the key is not in this service's keys file", reason="unauthenticated",
                headers=challenge,
            )  # fmt: skip
        wait = self.limiter.take(key)
        if wait:
            raise Problem(
                429, "rate-limited", "Too many requests",
                f"key {key.name!r} may make {key.rate:g} requests a second (burst {key.burst})",
                reason="rate_limited", headers=[(b"retry-after", str(math.ceil(wait)).encode())],
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
        return Caller(key, operator)

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

    def _query(self, obj: object, *, options: bool, where: str = "") -> dict[str, Any]:
        if not isinstance(obj, dict):
            raise _invalid(f"{where}a query is a JSON object of check() keywords")
        out: dict[str, Any] = {}
        for name, value in obj.items():
            if name in self._fields or (options and name in self._options):
                if value is not None:
                    out[name] = value
            else:
                allowed = sorted(self._fields | (self._options if options else frozenset()))
                raise _invalid(f"{where}unknown field {name!r}; fields are {', '.join(allowed)}")
        limit = out.get("limit")
        if isinstance(limit, int) and limit > self.limits.max_limit:
            raise _invalid(f"limit is at most {self.limits.max_limit} here, not {limit}")
        return out

    # -- endpoints -------------------------------------------------------------------
    async def _check(self, scope: Scope, receive: Receive, send: Send) -> None:
        caller = self._caller(scope)
        body = await self._body(scope, receive, self.limits.max_body)
        try:
            obj = _decode(body)
        except msgspec.DecodeError as exc:
            raise Problem(400, "bad-json", "Malformed JSON", str(exc), reason="invalid") from None
        query = self._query(obj, options=True)
        hl = self._hotlist()
        gate = self._gate(hl, caller, "check")
        kind = _kind(query)
        started = time.perf_counter()
        try:
            result = gate.check(**query)
        except AccessDenied as exc:
            raise Problem(403, "forbidden", "Forbidden", str(exc), reason="forbidden") from None
        except StaleDataError as exc:
            raise Problem(
                503, "stale-data", "Data too old", exc.message, reason="unavailable"
            ) from None
        except HotlistError as exc:
            raise _invalid(exc.message) from None
        except TypeError as exc:  # a value of the wrong JSON type for an option
            raise _invalid(str(exc)) from None
        self.metrics.latency[kind].observe(time.perf_counter() - started)
        self.metrics.checks[kind].inc()
        for h in result.hits:
            self.metrics.hit(h.dataset, str(getattr(h, "severity", "possible")))
        await self._send(send, 200, _encode(result_dict(result)), JSON)

    def _batch_options(self, scope: Scope) -> dict[str, Any]:
        raw = scope.get("query_string", b"").decode("latin-1")
        out: dict[str, Any] = {}
        for name, value in parse_qsl(raw, keep_blank_values=True):
            if name not in self._options:
                raise _invalid(f"unknown option {name!r}; options are {', '.join(OPTIONS)}")
            try:
                out[name] = int(value) if name in ("limit", "max_edits") else float(value)
            except ValueError:
                raise _invalid(f"option {name} must be a number, not {value!r}") from None
        limit = out.get("limit")
        if isinstance(limit, int) and limit > self.limits.max_limit:
            raise _invalid(f"limit is at most {self.limits.max_limit} here, not {limit}")
        return out

    def _batch_table(self, scope: Scope, body: bytes) -> pa.Table:
        ctype = (_header(scope, b"content-type") or JSON).split(b";")[0].strip().lower()
        if ctype == ARROW:
            try:
                table = pa.ipc.open_stream(pa.py_buffer(body)).read_all()
            except (pa.ArrowInvalid, pa.ArrowException, OSError) as exc:
                raise Problem(
                    400, "bad-arrow", "Malformed Arrow IPC stream", str(exc), reason="invalid"
                ) from None
            unknown = [c for c in table.column_names if c not in self._fields]
            if unknown:
                raise _invalid(f"unknown columns {', '.join(unknown)}; columns are query fields")
            return table
        rows: list[Any]
        if ctype in (NDJSON, b"application/jsonl", b"application/x-jsonlines"):
            rows = []
            for n, line in enumerate(body.split(b"\n"), 1):
                if line.strip():
                    try:
                        rows.append(_decode(line))
                    except msgspec.DecodeError as exc:
                        raise Problem(
                            400,
                            "bad-json",
                            "Malformed NDJSON",
                            f"line {n}: {exc}",
                            reason="invalid",
                        ) from None
        elif ctype in (JSON, b"text/json", b"*/*", b""):
            try:
                parsed = _decode(body)
            except msgspec.DecodeError as exc:
                raise Problem(
                    400, "bad-json", "Malformed JSON", str(exc), reason="invalid"
                ) from None
            if not isinstance(parsed, list):
                raise _invalid("check-many takes a JSON array of query objects (or NDJSON)")
            rows = parsed
        else:
            raise Problem(
                415, "unsupported-media-type", "Unsupported content type",
                "send application/json (an array), application/x-ndjson or "
                "application/vnd.apache.arrow.stream", reason="invalid",
            )  # fmt: skip
        if len(rows) > self.limits.max_batch_rows:
            raise Problem(
                413, "batch-too-large", "Batch too large",
                f"{len(rows):,} queries; at most {self.limits.max_batch_rows:,} per request",
                reason="too_large",
            )  # fmt: skip
        columns: dict[str, list[str | None]] = {}
        for i, row in enumerate(rows):
            q = self._query(row, options=False, where=f"row {i}: ")
            for name, value in q.items():
                if not isinstance(value, str):
                    raise _invalid(f"row {i}: {name} must be text, not {type(value).__name__}")
                columns.setdefault(name, [None] * len(rows))[i] = value
        if not columns:
            return pa.table({"document": pa.array([None] * len(rows), pa.string())})
        return pa.table({k: pa.array(v, pa.string()) for k, v in columns.items()})

    async def _check_many(self, scope: Scope, receive: Receive, send: Send) -> None:
        caller = self._caller(scope)
        options = self._batch_options(scope)
        if self._batches >= self.limits.max_batches:
            raise Problem(
                503, "busy", "Too many batches at once",
                f"{self._batches} check-many requests are in progress, the most at once here; "
                "retry shortly", reason="unavailable", headers=[(b"retry-after", b"1")],
            )  # fmt: skip
        self._batches += 1
        try:
            await self._batch(scope, receive, send, caller, options)
        finally:
            self._batches -= 1

    async def _batch(
        self, scope: Scope, receive: Receive, send: Send, caller: Caller, options: dict[str, Any]
    ) -> None:
        body = await self._body(scope, receive, self.limits.max_batch_body)
        table = self._batch_table(scope, body)
        if table.num_rows > self.limits.max_batch_rows:
            raise Problem(
                413, "batch-too-large", "Batch too large",
                f"{table.num_rows:,} queries; at most {self.limits.max_batch_rows:,} per request",
                reason="too_large",
            )  # fmt: skip
        hl = self._hotlist()  # one data version for the whole batch
        gate = self._gate(hl, caller, "check")
        arrow_out = ARROW in (_header(scope, b"accept") or b"")
        loop = asyncio.get_running_loop()
        started = time.perf_counter()
        deadline = started + self.limits.request_seconds
        # Steps of about STEP_SECONDS each: a batch of person checks goes in small steps,
        # one of document numbers in big ones; the time limit is checked between steps.
        most = max(1, self.limits.batch_chunk)
        size = min(most, FIRST_STEP)

        def run(offset: int, size: int) -> pa.Table:
            part = gate.check_many(table.slice(offset, size), **options)
            assert isinstance(part, pa.Table)
            if offset and "query_index" in part.column_names:
                i = part.schema.get_field_index("query_index")
                shifted = pa.compute.add(part.column(i), offset)
                part = part.set_column(i, part.schema.field(i), shifted)
            return part

        try:
            t0 = time.perf_counter()
            first = await loop.run_in_executor(None, run, 0, size)
        except AccessDenied as exc:
            raise Problem(403, "forbidden", "Forbidden", str(exc), reason="forbidden") from None
        except StaleDataError as exc:
            raise Problem(
                503, "stale-data", "Data too old", exc.message, reason="unavailable"
            ) from None
        except HotlistError as exc:
            raise _invalid(exc.message) from None
        ctype = ARROW if arrow_out else NDJSON
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", ctype),
                    (b"x-hotlist-data-version", hl.data_version.encode()),
                ],
            }
        )
        drain = _Drain() if arrow_out else None
        writer = pa.ipc.new_stream(drain, first.schema) if drain is not None else None
        part: pa.Table | None = first
        offset = 0
        rows = 0
        # A reader that does not take the answer within twice the time limit is cut off.
        cutoff = loop.time() + (deadline - time.perf_counter()) + self.limits.request_seconds

        async def out(message: dict[str, Any]) -> None:
            async with asyncio.timeout_at(cutoff):
                await send(message)

        try:
            while part is not None:
                took = time.perf_counter() - t0
                done = min(size, table.num_rows - offset)
                rows += done
                self._count_batch(part)
                if writer is not None and drain is not None:
                    writer.write_table(part.cast(first.schema))
                    chunk = drain.take()
                else:
                    chunk = b"".join(_encode(r) + b"\n" for r in part.to_pylist())
                await out({"type": "http.response.body", "body": chunk, "more_body": True})
                offset += done
                part = None
                if offset >= table.num_rows:
                    break
                if time.perf_counter() > deadline:
                    await self._stream_error(out, arrow_out, offset, "time limit reached")
                    self.metrics.refused["timeout"].inc()
                    return
                grow = int(size * STEP_SECONDS / max(took, 1e-4))
                size = max(1, min(most, size * 8, grow))
                try:
                    t0 = time.perf_counter()
                    part = await loop.run_in_executor(None, run, offset, size)
                except Exception as exc:
                    log.exception("check-many failed at row %d", offset)
                    await self._stream_error(out, arrow_out, offset, str(exc))
                    return
            tail = b""
            if writer is not None and drain is not None:
                writer.close()
                tail = drain.take()
            await out({"type": "http.response.body", "body": tail, "more_body": False})
        except TimeoutError:
            log.warning("check-many: the client did not read the answer in time; cut off")
            self.metrics.refused["timeout"].inc()
            return
        self.metrics.latency["batch"].observe(time.perf_counter() - started)
        self.metrics.checks["batch"].inc(rows)

    def _count_batch(self, part: pa.Table) -> None:
        if "dataset" not in part.column_names:
            return
        has_severity = "severity" in part.column_names
        datasets = part.column("dataset").to_pylist()
        severities = part.column("severity").to_pylist() if has_severity else [None] * len(datasets)
        for d, s in zip(datasets, severities, strict=True):
            if d is not None:
                self.metrics.hit(d, s or "possible")

    async def _stream_error(self, send: Send, arrow: bool, offset: int, why: str) -> None:
        """End a streamed answer that cannot go on: a last NDJSON line says where and why."""
        line = b""
        if not arrow:
            line = _encode(
                {"error": {"type": "urn:hotlist:problem:batch-stopped", "status": 503,
                           "title": "Batch stopped", "detail": f"stopped at row {offset}: {why}"}}
            ) + b"\n"  # fmt: skip
        await send({"type": "http.response.body", "body": line, "more_body": False})

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
        await self._send(send, 200, _encode(body), JSON)

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
        await self._send(send, 200, _encode(asdict(outcome)), JSON)

    async def _healthz(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._send(send, 200, b'{"status":"ok"}', JSON)

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
        await self._send(send, 503 if reasons else 200, _encode(body), JSON)

    async def _metrics(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.metrics.ready.set(0 if self.data.not_ready() else 1)
        await self._send(send, 200, self.metrics.render(), CONTENT_TYPE.encode())

    async def _openapi_json(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._send(send, 200, self._openapi, JSON)

    async def _docs(self, scope: Scope, receive: Receive, send: Send) -> None:
        from hotlist.serve._docs import docs_page

        await self._send(send, 200, docs_page(), b"text/html; charset=utf-8")

    async def _docs_asset(self, scope: Scope, receive: Receive, send: Send) -> None:
        from hotlist.serve._docs import asset

        found = asset(scope["path"][len("/docs/") :])
        if found is None:
            raise Problem(
                404, "not-found", "Not found", f"no file {scope['path']}", reason="not_found"
            )
        body, ctype = found
        await self._send(send, 200, body, ctype, [(b"cache-control", b"max-age=86400")])


class _Drain:
    """A write-only file for an Arrow IPC writer whose bytes are taken out chunk by chunk."""

    closed = False

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: Any) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        return None

    def take(self) -> bytes:
        out = b"".join(self._parts)
        self._parts.clear()
        return out


def _age_of(hl: Hotlist) -> Callable[[], float]:
    def age() -> float:
        return hl.data_age.total_seconds()

    return age


def _matcher_version() -> str:
    version: str = matcher_version()
    return version
