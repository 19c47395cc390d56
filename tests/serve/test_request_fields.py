"""The service's request schema is the one table of query fields, registered fields included."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from serve_helpers import Keys, call_app

from hotlist import CheckResult, Hotlist, fields
from hotlist.fields import QueryField
from hotlist.serve import create_app
from registered_kind import firearms_extract


@pytest.fixture
def firearm_serial() -> Iterator[QueryField]:
    """A query field a test-only dataset kind registers (and removes after)."""
    spec = QueryField("serial", "str | None", 40, ("firearms",), "a firearm's serial", "SERIAL")
    fields.register_field(spec)
    yield spec
    fields.unregister_field(spec.name)


def test_a_registered_field_is_in_the_schema_and_reaches_the_check(
    firearm_serial: QueryField,
    sample_snapshot: Path,
    keys: Keys,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = create_app(sample_snapshot, keys=keys.path)
    status, body = call_app(app, "GET", "/openapi.json")
    query = json.loads(body)["components"]["schemas"]["Query"]["properties"]
    assert query["serial"] == {
        "type": "string",
        "maxLength": 40,
        "description": "a firearm's serial",
    }

    calls: list[dict[str, object]] = []

    def check_spy(self: Hotlist, **kwargs: object) -> CheckResult:
        calls.append(kwargs)
        return CheckResult.make([], [], {"serial": "AB1234"}, self.data_version)

    monkeypatch.setattr(Hotlist, "check", check_spy)
    sent = json.dumps({"serial": "AB1234", "country": "FRA", "limit": 3}).encode()
    status, body = call_app(app, "POST", "/v1/check", sent, keys.tokens["gate"])
    assert status == 200, body
    assert json.loads(body)["query"] == {"serial": "AB1234"}
    # built-in fields and options as check()'s keywords, registered ones through extra=
    assert calls == [{"country": "FRA", "limit": 3, "extra": {"serial": "AB1234"}}]

    unknown = json.dumps({"serial_number": "AB1234"}).encode()
    status, body = call_app(app, "POST", "/v1/check", unknown, keys.tokens["gate"])
    assert status == 422 and "unknown field 'serial_number'" in json.loads(body)["detail"]


def test_the_schema_is_the_field_table(sample_snapshot: Path, keys: Keys) -> None:
    app = create_app(sample_snapshot, keys=keys.path)
    _, body = call_app(app, "GET", "/openapi.json")
    schemas = json.loads(body)["components"]["schemas"]
    options = {"limit", "min_score", "max_edits", "name_threshold"}
    assert set(schemas["Query"]["properties"]) == set(fields.field_names()) | options
    assert set(schemas["BatchQuery"]["properties"]) == set(fields.field_names())
    for spec in fields.all_fields():
        assert schemas["Query"]["properties"][spec.name] == {
            "type": "string",
            "maxLength": spec.max_length,
            "description": spec.help,
        }


def test_a_registered_kind_is_checked_through_the_service(tmp_path: Path, keys: Keys) -> None:
    with firearms_extract(tmp_path / "extract") as folder:
        app = create_app(folder, keys=keys.path)
        sent = json.dumps({"serial": "ab 12345", "make": "GLOCK"}).encode()
        status, body = call_app(app, "POST", "/v1/check", sent, keys.tokens["gate"])
        assert status == 200, body
        result = json.loads(body)
        assert [(h["dataset"], h["record_id"], h["match"]) for h in result["hits"]] == [
            ("firearms", "F1", "exact")
        ]
        assert result["alarm"] is True
        alone = json.dumps({"make": "GLOCK"}).encode()  # a make only narrows a serial
        status, body = call_app(app, "POST", "/v1/check", alone, keys.tokens["gate"])
        assert status == 422 and "serial" in json.loads(body)["detail"]
        rows = json.dumps([{"serial": "CZOO4273I"}, {"serial": "NOSUCH999"}]).encode()
        status, body = call_app(app, "POST", "/v1/check-many", rows, keys.tokens["gate"])
        assert status == 200, body
        found = [json.loads(x) for x in body.splitlines()]
        assert [(x["query_index"], x["record_id"]) for x in found if x["record_id"]] == [(0, "F5")]
