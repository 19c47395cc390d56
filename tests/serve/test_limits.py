"""Bounds that need a request held open: checked in-process on the ASGI app."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from serve_helpers import Keys

from hotlist.serve import create_app


def test_check_many_at_once_is_bounded(sample_snapshot: Path, keys: Keys) -> None:
    app = create_app(sample_snapshot, keys=keys.path, max_batches=1)
    auth = (b"authorization", f"Bearer {keys.tokens['gate']}".encode())
    scope: dict[str, Any] = {
        "type": "http",
        "method": "POST",
        "path": "/v1/check-many",
        "query_string": b"",
        "headers": [auth, (b"content-type", b"application/json")],
    }
    body = json.dumps([{"document": "L898902C3", "country": "UTO"}]).encode()

    async def run() -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
        release = asyncio.Event()
        first: list[dict[str, Any]] = []
        second: list[dict[str, Any]] = []
        third: list[dict[str, Any]] = []

        async def slow_body() -> dict[str, Any]:
            await release.wait()  # the first client sends its body late
            return {"type": "http.request", "body": body, "more_body": False}

        async def fast_body() -> dict[str, Any]:
            return {"type": "http.request", "body": body, "more_body": False}

        async def into(out: list[dict[str, Any]], message: dict[str, Any]) -> None:
            out.append(message)

        held = asyncio.ensure_future(app(dict(scope), slow_body, lambda m: into(first, m)))
        await asyncio.sleep(0.05)
        await app(dict(scope), fast_body, lambda m: into(second, m))
        release.set()
        await held
        await app(dict(scope), fast_body, lambda m: into(third, m))  # the slot is free again
        return first, second, third

    first, second, third = asyncio.run(run())
    assert first[0]["status"] == 200
    assert second[0]["status"] == 503
    assert dict(second[0]["headers"])[b"retry-after"] == b"1"
    assert b"too many batches" in second[1]["body"].lower()
    assert third[0]["status"] == 200
