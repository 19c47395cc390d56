"""JSON nested deeper than the decoder recurses is malformed JSON (400), not an
internal error: msgspec raises RecursionError there, not its DecodeError."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from serve_helpers import Keys, call_app

from hotlist.serve import create_app

DEEP = b"[" * 5_000 + b"]" * 5_000  # msgspec gives up at ~1,000 levels
GOOD = b'{"document": "L898902C3", "country": "UTO"}'


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
    status, answer = call_app(app, "POST", path, body, keys.tokens["gate"], content_type=ctype)
    assert status == 400
    problem = json.loads(answer)
    assert problem["type"] == "urn:hotlist:problem:bad-json"
    assert "nested" in problem["detail"]
    # and the service goes on answering
    status, answer = call_app(app, "POST", "/v1/check", GOOD, keys.tokens["gate"])
    assert status == 200
    assert json.loads(answer)["hit"] is True
