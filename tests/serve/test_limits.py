"""Bounds that need a request held open: checked in-process on the ASGI app."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

from serve_helpers import Keys

from hotlist.serve import Limits, create_app


def test_check_many_at_once_is_bounded(sample_snapshot: Path, keys: Keys) -> None:
    app = create_app(sample_snapshot, keys=keys.path, limits=Limits(max_batches=1))
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


def _batch_scope(keys: Keys) -> dict[str, Any]:
    return {
        "type": "http",
        "method": "POST",
        "path": "/v1/check-many",
        "query_string": b"",
        "headers": [
            (b"authorization", f"Bearer {keys.tokens['gate']}".encode()),
            (b"content-type", b"application/json"),
        ],
    }


def _slowed(app: Any, seconds: float) -> None:
    """Make every check_many of the served Hotlist take at least ``seconds``."""
    hl = app.data.hl
    plain = hl.check_many

    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(seconds)
        return plain(*args, **kwargs)

    hl.check_many = slow


def test_a_batch_past_its_time_limit_ends_with_a_problem_line(
    sample_snapshot: Path, keys: Keys
) -> None:
    app = create_app(
        sample_snapshot, keys=keys.path, limits=Limits(request_seconds=0.3, batch_chunk=1)
    )
    _slowed(app, 0.05)
    body = json.dumps([{"document": "X1234567"}] * 200).encode()
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(asyncio.wait_for(app(_batch_scope(keys), receive, send), 60))
    assert sent[0]["status"] == 200
    lines = [json.loads(x) for m in sent[1:] for x in m.get("body", b"").splitlines()]
    answered = [x for x in lines if "query_index" in x]
    assert 0 < len(answered) < 200
    assert answered == sorted(answered, key=lambda x: x["query_index"])
    last = lines[-1]["error"]
    assert last["type"] == "urn:hotlist:problem:batch-stopped"
    assert f"stopped at row {len(answered)}" in last["detail"]
    assert sent[-1]["more_body"] is False


def test_a_reader_that_never_reads_is_cut_off(sample_snapshot: Path, keys: Keys) -> None:
    app = create_app(
        sample_snapshot, keys=keys.path, limits=Limits(request_seconds=0.5, batch_chunk=1)
    )
    body = json.dumps([{"document": "X1234567"}] * 5).encode()
    blocked = asyncio.Event()

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.body":
            await blocked.wait()  # the client's window is full and stays full

    asyncio.run(asyncio.wait_for(app(_batch_scope(keys), receive, send), 60))
    assert 'hotlist_refused_total{reason="timeout"} 1.0' in app.metrics.render().decode()


def test_a_body_that_never_arrives_is_408_and_the_next_request_is_answered(
    sample_snapshot: Path, keys: Keys
) -> None:
    app = create_app(sample_snapshot, keys=keys.path, limits=Limits(request_seconds=0.2))
    scope = {**_batch_scope(keys), "path": "/v1/check"}
    body = json.dumps({"document": "X1234567"}).encode()

    async def never() -> dict[str, Any]:
        await asyncio.Event().wait()  # the client sent its headers and nothing more
        return {}

    async def at_once() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def run() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        stuck: list[dict[str, Any]] = []
        fine: list[dict[str, Any]] = []

        async def into(out: list[dict[str, Any]], message: dict[str, Any]) -> None:
            out.append(message)

        held = asyncio.ensure_future(app(dict(scope), never, lambda m: into(stuck, m)))
        await app(dict(scope), at_once, lambda m: into(fine, m))  # not held up by the stuck one
        await held
        return stuck, fine

    stuck, fine = asyncio.run(asyncio.wait_for(run(), 30))
    assert fine[0]["status"] == 200
    assert stuck[0]["status"] == 408
    assert json.loads(stuck[1]["body"])["type"] == "urn:hotlist:problem:timeout"
    assert 'hotlist_refused_total{reason="timeout"} 1.0' in app.metrics.render().decode()
