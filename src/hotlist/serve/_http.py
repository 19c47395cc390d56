"""HTTP for the ASGI application: content types, problem details, reading a body, answering.

Plain ASGI with msgspec for JSON (see :mod:`hotlist.serve._app` for why); every
refusal is an RFC 9457 problem details answer raised as :class:`Problem`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import msgspec

from hotlist._errors import HotlistError, StaleDataError
from hotlist.audit import AccessDenied

__all__ = [
    "ARROW",
    "JSON",
    "NDJSON",
    "PROBLEM_JSON",
    "BodyReader",
    "Drain",
    "Problem",
    "Receive",
    "Scope",
    "Send",
    "decode",
    "encode",
    "header",
    "invalid",
    "problem_of",
    "respond",
    "too_large",
]

# The ASGI interface: the scope and the messages are plain dicts of mixed values.
Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

JSON = b"application/json"
PROBLEM_JSON = b"application/problem+json"
NDJSON = b"application/x-ndjson"
ARROW = b"application/vnd.apache.arrow.stream"

encode = msgspec.json.Encoder().encode
_decode = msgspec.json.decode


def decode(data: bytes) -> Any:
    """A JSON body or line as msgspec decodes it.  JSON nested deeper than the
    decoder recurses (``[[[[...``) is malformed JSON too (msgspec raises
    RecursionError there, which would have answered 500, not 400)."""
    try:
        return _decode(data)
    except RecursionError:
        raise msgspec.DecodeError("JSON is nested too deeply") from None


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
        return encode(
            {
                "type": f"urn:hotlist:problem:{self.slug}",
                "title": self.title,
                "status": self.status,
                "detail": self.detail,
                "instance": instance,
            }
        )


def invalid(detail: str) -> Problem:
    """422: the query cannot be used as given."""
    return Problem(422, "invalid-query", "Invalid query", detail, reason="invalid")


def too_large(detail: str, slug: str = "too-large", title: str = "Content too large") -> Problem:
    """413: the body or the batch is over its bound."""
    return Problem(413, slug, title, detail, reason="too_large")


def problem_of(exc: HotlistError) -> Problem:
    """The answer to a library error raised by a check: 403, 503 or 422 with its message."""
    if isinstance(exc, AccessDenied):
        return Problem(403, "forbidden", "Forbidden", str(exc), reason="forbidden")
    if isinstance(exc, StaleDataError):
        return Problem(503, "stale-data", "Data too old", exc.message, reason="unavailable")
    return invalid(exc.message)


def header(scope: Scope, name: bytes) -> bytes | None:
    """The value of a request header (lower-case name), or None."""
    for k, v in scope["headers"]:
        if k == name:
            return bytes(v)
    return None


async def respond(
    send: Send,
    status: int,
    body: bytes,
    content_type: bytes,
    headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    """A whole answer in one body message."""
    h = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
    if headers:
        h += headers
    await send({"type": "http.response.start", "status": status, "headers": h})
    await send({"type": "http.response.body", "body": body})


class BodyReader:
    """Reads request bodies: at most ``limit`` bytes (413), arrived within ``seconds`` (408).

    The time limit is kept by one watcher task per event loop that looks at the
    bodies being read a few times a second and cancels the reads past their
    deadline, rather than by a timer per request: ``asyncio.timeout`` costs
    about as much as the document check itself, for a body that is almost
    always there already.  A read is cut off at most ``seconds / 4`` (at most
    a second) late.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._reading: dict[asyncio.Task[object], float] = {}  # read -> its deadline
        self._expired: set[asyncio.Task[object]] = set()
        self._watcher: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def read(self, scope: Scope, receive: Receive, limit: int) -> bytes:
        declared = header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            raise too_large(
                f"the body is {int(declared):,} bytes; at most {limit:,} are accepted here"
            )
        task = asyncio.current_task()
        assert task is not None
        loop = task.get_loop()
        if self._loop is not loop or self._watcher is None or self._watcher.done():
            self._loop = loop
            self._reading.clear()
            self._watcher = loop.create_task(self._watch(), name="hotlist body deadlines")
        self._reading[task] = loop.time() + self.seconds
        try:
            return await self._chunks(receive, limit)
        except asyncio.CancelledError:
            if task not in self._expired:
                raise
            self._expired.discard(task)
            task.uncancel()
            raise Problem(
                408, "timeout", "Request timeout",
                f"the body took longer than {self.seconds:g} s to arrive", reason="timeout",
            ) from None  # fmt: skip
        finally:
            self._reading.pop(task, None)

    @staticmethod
    async def _chunks(receive: Receive, limit: int) -> bytes:
        message = await receive()
        chunk = message.get("body", b"")
        if not message.get("more_body", False) and message["type"] == "http.request":
            if len(chunk) > limit:
                raise too_large(f"the body is over {limit:,} bytes, the most accepted here")
            return bytes(chunk)  # the whole body in one message: the usual case
        chunks: list[bytes] = []
        size = 0
        while True:
            if message["type"] == "http.disconnect":
                raise Problem(400, "disconnected", "Client went away", "", reason="invalid")
            size += len(chunk)
            if size > limit:
                raise too_large(f"the body is over {limit:,} bytes, the most accepted here")
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)
            message = await receive()
            chunk = message.get("body", b"")

    async def _watch(self) -> None:
        loop = asyncio.get_running_loop()
        every = min(1.0, self.seconds / 4)
        while True:
            await asyncio.sleep(every)
            now = loop.time()
            for task, deadline in list(self._reading.items()):
                if deadline <= now and task not in self._expired:
                    self._expired.add(task)
                    task.cancel()


class Drain:
    """A write-only file for an Arrow IPC writer whose bytes are taken out chunk by chunk."""

    closed = False

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes | memoryview) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        return None

    def take(self) -> bytes:
        out = b"".join(self._parts)
        self._parts.clear()
        return out
