"""JSON nested deeper than the decoder recurses is malformed JSON (400), not an
internal error: msgspec raises RecursionError there, not its DecodeError."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from serve_helpers import Keys

from hotlist.serve import create_app

DEEP = b"[" * 5_000 + b"]" * 5_000  # msgspec gives up at ~1,000 levels
GOOD = b'{"document": "L898902C3", "country": "UTO"}'


def _post(app: Any, path: str, ctype: bytes, body: bytes, token: str) -> tuple[int, bytes]:
    scope: dict[str, Any] = {
        "type": "http",
        "method": "POST",
        "path": path,
        "query_string": b"",
        "headers": [(b"authorization", f"Bearer {token}".encode()), (b"content-type", ctype)],
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


@pytest.mark.parametrize(
    ("path", "ctype", "body"),
    [
        ("/v1/check", b"application/json", DEEP),
        ("/v1/check-many", b"application/json", DEEP),
        ("/v1/check-many", b"application/x-ndjson", GOOD + b"\n" + DEEP + b"\n" + GOOD),
    ],
)
def test_deeply_nested_json_is_malformed_json(
    sample_snapshot: Path, keys: Keys, path: str, ctype: bytes, body: bytes
) -> None:
    app = create_app(sample_snapshot, keys=keys.path)
    status, answer = _post(app, path, ctype, body, keys.tokens["gate"])
    assert status == 400
    problem = json.loads(answer)
    assert problem["type"] == "urn:hotlist:problem:bad-json"
    assert "nested" in problem["detail"]
    # and the service goes on answering
    status, answer = _post(app, "/v1/check", b"application/json", GOOD, keys.tokens["gate"])
    assert status == 200
    assert json.loads(answer)["hit"] is True
