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
    "read_body",
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
decode = msgspec.json.decode


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


async def read_body(scope: Scope, receive: Receive, limit: int, seconds: float) -> bytes:
    """The request body: at most ``limit`` bytes (413), arrived within ``seconds`` (408)."""
    declared = header(scope, b"content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_large(f"the body is {int(declared):,} bytes; at most {limit:,} are accepted here")
    chunks: list[bytes] = []
    size = 0
    more = True
    try:
        # One timer for the whole body (asyncio.timeout, not wait_for: no task per read).
        async with asyncio.timeout(seconds):
            while more:
                message = await receive()
                if message["type"] == "http.disconnect":
                    raise Problem(400, "disconnected", "Client went away", "", reason="invalid")
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > limit:
                    raise too_large(f"the body is over {limit:,} bytes, the most accepted here")
                chunks.append(chunk)
                more = message.get("more_body", False)
    except TimeoutError:
        raise Problem(
            408, "timeout", "Request timeout",
            f"the body took longer than {seconds:g} s to arrive", reason="timeout",
        ) from None  # fmt: skip
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


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
