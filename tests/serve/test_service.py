"""The service against a real ``hotlist serve`` process on loopback: endpoints, errors, auth."""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

import httpx
import pyarrow as pa
import pytest
from serve_helpers import Keys, Server, serve

import hotlist
from hotlist.fields import all_fields, field_names


@pytest.fixture(scope="module")
def hl() -> hotlist.Hotlist:
    return hotlist.load(hotlist.sample_data_path(), progress=False)


def post(
    server: Server,
    path: str,
    keys: Keys,
    name: str = "gate",
    headers: dict[str, str] | None = None,
    **kw: object,
) -> httpx.Response:
    sent = {**keys.auth(name), **(headers or {})}
    return httpx.post(f"{server.url}{path}", headers=sent, timeout=30, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "query",
    [
        {"document": "L898902C3", "country": "UTO"},
        {"document": "L8989O2C3", "country": "UTO", "max_edits": 0},
        {"vin": "1M8GDM9AXKP042788"},
        {"plate": "A8-123-CD", "country": "FRA"},
        {"name": "Anna Maria Eriksson", "dob": "1974-12-08"},
        {"document": "X1234567", "country": "FRA"},
        {"document": "L898902C3", "limit": 1, "min_score": 0.9},
    ],
)
def test_check_answers_as_the_library_does(
    server: Server, keys: Keys, hl: hotlist.Hotlist, query: dict[str, object]
) -> None:
    r = post(server, "/v1/check", keys, json=query)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/json"
    got = r.json()
    want = json.loads(hl.check(**query).model_dump_json())  # type: ignore[arg-type]
    assert got["hit"] == want["hit"]
    assert [(h["dataset"], h["record_id"], h["match"]) for h in got["hits"]] == [
        (h["dataset"], h["record_id"], h["match"]) for h in want["hits"]
    ]
    assert [h["score"] for h in got["hits"]] == pytest.approx([h["score"] for h in want["hits"]])
    assert got["warnings"] == want["warnings"]
    assert got["data_version"] == hl.data_version


def test_invalid_query_is_422_with_the_library_message(
    server: Server, keys: Keys, hl: hotlist.Hotlist
) -> None:
    with pytest.raises(hotlist.InvalidQuery) as exc:
        hl.check(document="L898902C3", country="XXXX")
    r = post(server, "/v1/check", keys, json={"document": "L898902C3", "country": "XXXX"})
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["detail"] == str(exc.value)
    assert problem["status"] == 422
    assert problem["instance"] == "/v1/check"
    assert problem["type"].startswith("urn:hotlist:problem:")


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"{not json", 400),
        (b"[1, 2]", 422),
        (b"{}", 422),
        (b'{"passport": "L898902C3"}', 422),
        (b'{"document": 12345}', 422),
        (b'{"document": "L898902C3", "limit": 5000}', 422),
        (b'{"document": "L898902C3", "max_edits": 2}', 422),
        (b'{"document": "' + b"9" * 200 + b'"}', 422),
    ],
)
def test_bad_bodies_get_problem_details(
    server: Server, keys: Keys, body: bytes, status: int
) -> None:
    r = post(server, "/v1/check", keys, content=body)
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert set(r.json()) >= {"type", "title", "status", "detail"}


def test_request_size_is_bounded(server: Server, keys: Keys) -> None:
    r = post(server, "/v1/check", keys, content=b'{"document": "' + b"1" * 100_000 + b'"}')
    assert r.status_code == 413
    assert r.json()["status"] == 413


def test_unknown_path_and_wrong_method(server: Server, keys: Keys) -> None:
    assert httpx.get(f"{server.url}/v2/nothing").status_code == 404
    r = httpx.get(f"{server.url}/v1/check", headers=keys.auth("gate"))
    assert r.status_code == 405
    assert r.headers["allow"] == "POST"


def test_no_key_or_unknown_key_is_401(server: Server, keys: Keys) -> None:
    q = {"document": "L898902C3"}
    for headers in ({}, {"Authorization": "Bearer hl_not-a-key"}, {"Authorization": "Basic x"}):
        r = httpx.post(f"{server.url}/v1/check", json=q, headers=headers)
        assert r.status_code == 401
        assert r.headers["www-authenticate"].startswith("Bearer")
        assert r.json()["status"] == 401
    assert httpx.get(f"{server.url}/v1/status").status_code == 401


def test_role_without_the_right_is_403(server: Server, keys: Keys) -> None:
    r = post(server, "/v1/reload", keys, "gate")
    assert r.status_code == 403
    assert "reload" in r.json()["detail"]


def test_rate_limit_is_429_per_key(server: Server, keys: Keys) -> None:
    q = {"document": "X1234567"}
    codes = [post(server, "/v1/check", keys, "slow", json=q).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    r = post(server, "/v1/check", keys, "slow", json=q)
    assert r.status_code == 429
    assert int(r.headers["retry-after"]) > 0
    # another key is not slowed by this one
    assert post(server, "/v1/check", keys, "gate", json=q).status_code == 200


def _ndjson(r: httpx.Response) -> list[dict[str, object]]:
    return [json.loads(line) for line in r.text.splitlines() if line]


BATCH = [
    {"document": "L898902C3", "country": "UTO"},
    {"vin": "1M8GDM9AXKP042788"},
    {"document": "X1234567", "country": "FRA"},
    {"name": "ERIKSSON, Anna Maria", "dob": "1974-08-12"},
    {"document": "L898902C3", "country": "XXXX"},
]


def _rows(table: pa.Table) -> list[tuple[object, ...]]:
    return sorted(
        (r["query_index"], r["hit"], r["dataset"], r["record_id"], r["error"])
        for r in table.to_pylist()
    )


def _ipc_stream(table: pa.Table) -> bytes:
    """``table`` as an Arrow IPC stream, the body of an Arrow check-many request."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as w:
        w.write_table(table)
    return bytes(sink.getvalue().to_pybytes())


def test_check_many_json_ndjson_and_arrow_agree_with_the_library(
    server: Server, keys: Keys, hl: hotlist.Hotlist
) -> None:
    want = _rows(hl.check_many(BATCH))
    r = post(server, "/v1/check-many", keys, json=BATCH)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/x-ndjson"
    assert _rows(pa.Table.from_pylist(_ndjson(r))) == want

    body = "\n".join(json.dumps(q) for q in BATCH).encode()
    r = post(
        server,
        "/v1/check-many",
        keys,
        content=body,
        headers={"content-type": "application/x-ndjson"},
    )
    assert _rows(pa.Table.from_pylist(_ndjson(r))) == want

    columns = list(dict.fromkeys(k for q in BATCH for k in q))  # from_pylist keeps row 0's keys
    table = pa.table({c: pa.array([q.get(c) for q in BATCH], pa.string()) for c in columns})
    r = post(
        server,
        "/v1/check-many",
        keys,
        content=_ipc_stream(table),
        headers={
            "content-type": "application/vnd.apache.arrow.stream",
            "accept": "application/vnd.apache.arrow.stream",
        },
    )
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/vnd.apache.arrow.stream"
    assert _rows(pa.ipc.open_stream(r.content).read_all()) == want


def test_check_many_options_and_bad_input(server: Server, keys: Keys) -> None:
    r = post(server, "/v1/check-many?limit=1&max_edits=0", keys, json=BATCH[:1])
    assert r.status_code == 200
    assert len(_ndjson(r)) == 1
    assert post(server, "/v1/check-many?limit=x", keys, json=BATCH).status_code == 422
    assert post(server, "/v1/check-many?bogus=1", keys, json=BATCH).status_code == 422
    assert post(server, "/v1/check-many", keys, json={"document": "x"}).status_code == 422
    r = post(server, "/v1/check-many", keys, json=[{"document": 5}])
    assert r.status_code == 422
    assert "row 0" in r.json()["detail"]
    r = post(
        server,
        "/v1/check-many",
        keys,
        content=b"x",
        headers={"content-type": "text/csv"},
    )
    assert r.status_code == 415


def _no_columns(n: int) -> pa.Table:
    return pa.Table.from_batches([pa.RecordBatch.from_pydict({"a": list(range(n))}).select([])])


@pytest.mark.parametrize("n", [0, 3, 150])
def test_check_many_of_an_arrow_table_without_columns_answers_its_rows(
    server: Server, keys: Keys, n: int
) -> None:
    # Reviewer's Y-26: pyarrow keeps a column-less table's row count whatever the
    # slice, so 0 rows in answered 100 rows out (the first step's size).
    r = post(
        server,
        "/v1/check-many",
        keys,
        content=_ipc_stream(_no_columns(n)),
        headers={"content-type": "application/vnd.apache.arrow.stream"},
    )
    assert r.status_code == 200, r.text
    rows = _ndjson(r)
    assert [row["query_index"] for row in rows] == list(range(n))
    assert all(row["error"].startswith("empty query") for row in rows)


def test_status_health_ready(server: Server, keys: Keys, hl: hotlist.Hotlist) -> None:
    s = httpx.get(f"{server.url}/v1/status", headers=keys.auth("gate")).json()
    assert s["data_version"] == hl.data_version
    assert s["counts"] == {n: hl.tables[n].num_rows for n in ("documents", "vehicles", "persons")}
    assert s["caller"]["operator"] == "gate"
    assert s["caller"]["post"] == "CDG-T2"
    assert s["matcher_version"].startswith("hotlist ")
    assert httpx.get(f"{server.url}/healthz").json() == {"status": "ok"}
    r = httpx.get(f"{server.url}/readyz")
    assert r.status_code == 200
    assert r.json()["ready"] is True


def _metric(text: str, name: str, **labels: str) -> float:
    want = ",".join(f'{k}="{v}"' for k, v in labels.items())
    pattern = (
        rf"^{re.escape(name)}(\{{{re.escape(want)}\}})? (\S+)$" if want else rf"^{name} (\S+)$"
    )
    for line in text.splitlines():
        m = re.match(pattern, line)
        if m:
            return float(m.groups()[-1])
    raise AssertionError(f"{name}{{{want}}} not in the metrics")


def test_metrics_count_checks_hits_and_refusals(server: Server, keys: Keys) -> None:
    before = httpx.get(f"{server.url}/metrics").text
    post(server, "/v1/check", keys, json={"vin": "1M8GDM9AXKP042788"})
    post(server, "/v1/check", keys, json={"vin": "1M8GDM9AXKP042788"})
    httpx.post(f"{server.url}/v1/check", json={"vin": "1M8GDM9AXKP042788"})
    r = httpx.get(f"{server.url}/metrics")
    assert r.headers["content-type"].startswith("text/plain")
    after = r.text

    def grew(name: str, **labels: str) -> float:
        return _metric(after, name, **labels) - _metric(before, name, **labels)

    assert grew("hotlist_checks_total", kind="vehicle") == 2
    assert grew("hotlist_check_seconds_count", kind="vehicle") == 2
    assert grew("hotlist_hits_total", dataset="vehicles", severity="alarm") == 2
    assert grew("hotlist_refused_total", reason="unauthenticated") == 1
    assert _metric(after, "hotlist_ready") == 1
    assert _metric(after, "hotlist_data_age_seconds") > 0
    assert _metric(after, "hotlist_records", dataset="documents") > 0


def test_openapi_derives_from_the_query_fields(server: Server) -> None:
    doc = httpx.get(f"{server.url}/openapi.json").json()
    query = doc["components"]["schemas"]["Query"]["properties"]
    for spec in all_fields():
        assert query[spec.name]["maxLength"] == spec.max_length
        assert query[spec.name]["description"] == spec.help
    assert set(query) == set(field_names()) | {"limit", "min_score", "max_edits", "name_threshold"}
    schemas = doc["components"]["schemas"]
    assert "CheckResult" in schemas
    # The hit's component keeps its public name (its pydantic class is HitModel)
    # and every reference in the document resolves to a component.
    assert schemas["Hit"]["title"] == "Hit"
    assert "HitModel" not in schemas
    refs = re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', json.dumps(doc))
    assert "Hit" in refs
    assert set(refs) <= set(schemas)
    page = httpx.get(f"{server.url}/docs")
    assert page.status_code == 200
    assert "/openapi.json" in page.text
    for asset in re.findall(r'(?:src|href)="(/docs/[^"]+)"', page.text):
        assert httpx.get(f"{server.url}{asset}").status_code == 200


def test_a_body_that_never_arrives_is_408_after_the_time_limit(
    sample_snapshot: Path, keys: Keys, tmp_path: Path
) -> None:
    args = [str(sample_snapshot), "--keys", str(keys.path), "--request-timeout", "1"]
    with serve(args, tmp_path) as s:
        port = int(s.url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=30) as c:
            c.sendall(
                b"POST /v1/check HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                + b"Authorization: Bearer " + keys.tokens["gate"].encode() + b"\r\n"
                + b"Content-Length: 100\r\n\r\n"
                + b'{"document": '
            )  # fmt: skip
            answer = c.recv(65536)
        assert answer.startswith(b"HTTP/1.1 408 ")
        assert b"application/problem+json" in answer
