"""Reloads while serving: a watched folder, SIGHUP and the admin request, under load.

Two data versions differ in one document each: X is listed only in version A
(and in the later copy D of it), Y only in version B.  Clients check X and Y
one by one and in check-many batches streamed in chunks of two rows while the
data is swapped five times, once to a damaged snapshot.  Zero requests may fail,
and no answer may mix the versions: a batch that finds X must not find Y.
"""

from __future__ import annotations

import json
import shutil
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from serve_helpers import Keys, Server, serve

import hotlist

X = {"document": "L898902C3", "country": "UTO"}
Y = {"document": "ZZ7700441", "country": "UTO"}
X_ID, Y_ID = "DEMO-D-0001", "TEST-D-Y"


def _versions(sample: hotlist.Hotlist) -> tuple[hotlist.Hotlist, hotlist.Hotlist]:
    """B: the sample without document X and with Y; D: the sample as it is, rebuilt later."""
    t = sample.tables
    docs = t["documents"]
    x = docs.filter(pc.equal(docs.column("record_id"), X_ID))
    assert x.num_rows == 1
    y = x.set_column(0, "record_id", pa.array([Y_ID])).set_column(
        1, "document_number", pa.array([Y["document"]])
    )
    b_docs = pa.concat_tables(
        [docs.filter(pc.not_equal(docs.column("record_id"), X_ID)), y.cast(docs.schema)]
    )
    b = hotlist.Hotlist.from_tables(
        documents=b_docs, vehicles=t["vehicles"], persons=t["persons"], data_version="version-b"
    )
    time.sleep(0.01)  # a later data time than B
    d = hotlist.Hotlist.from_tables(
        documents=docs, vehicles=t["vehicles"], persons=t["persons"], data_version="version-d"
    )
    return b, d


def _doc_ids(result: dict[str, Any]) -> set[str]:
    return {h["record_id"] for h in result["hits"] if h["dataset"] == "documents"}


class Load:
    """Client threads checking X and Y until stopped; every answer is kept."""

    def __init__(self, url: str, headers: dict[str, str], threads: int = 3) -> None:
        self.url = url
        self.headers = headers
        self.stop = threading.Event()
        self.failures: list[str] = []
        self.singles: list[tuple[str, set[str]]] = []
        self.batches: list[tuple[str, set[str]]] = []
        self.threads = [threading.Thread(target=self.run, args=(i,)) for i in range(threads)]

    def __enter__(self) -> Load:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=60)

    def run(self, i: int) -> None:
        batch = [X, Y] * 10  # 20 rows: 10 chunks of two, each checked in its own step
        with httpx.Client(base_url=self.url, headers=self.headers, timeout=30) as c:
            n = 0
            while not self.stop.is_set():
                n += 1
                try:
                    if (n + i) % 3 == 0:
                        r = c.post("/v1/check-many", json=batch)
                        if r.status_code != 200:
                            self.failures.append(f"check-many {r.status_code}: {r.text[:200]}")
                            continue
                        rows = [json.loads(line) for line in r.text.splitlines() if line]
                        if any(isinstance(row.get("error"), dict) for row in rows):
                            self.failures.append(f"check-many stopped: {rows[-1]}")
                        ids = {
                            row["record_id"] for row in rows if row.get("dataset") == "documents"
                        }
                        self.batches.append((r.headers["x-hotlist-data-version"], ids))
                    else:
                        r = c.post("/v1/check", json=X if n % 2 else Y)
                        if r.status_code != 200:
                            self.failures.append(f"check {r.status_code}: {r.text[:200]}")
                            continue
                        body = r.json()
                        self.singles.append((body["data_version"], _doc_ids(body)))
                except httpx.HTTPError as exc:
                    self.failures.append(f"{type(exc).__name__}: {exc}")


def _wait(what: str, cond: Any, timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = cond()
        if got:
            return got
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _status(server: Server, keys: Keys) -> dict[str, Any]:
    r = httpx.get(f"{server.url}/v1/status", headers=keys.auth("gate"), timeout=30)
    assert r.status_code == 200
    body: dict[str, Any] = r.json()
    return body


def _metric(server: Server, name: str) -> float:
    for line in httpx.get(f"{server.url}/metrics", timeout=30).text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    raise AssertionError(name)


def test_reloads_under_load_fail_nothing_and_mix_nothing(
    keys: Keys, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    sample = hotlist.load(hotlist.sample_data_path(), progress=False)
    b, d = _versions(sample)
    watch = tmp_path / "snapshots"
    watch.mkdir()
    args = ["--watch", str(watch), "--watch-interval", "0.1", "--batch-chunk", "2"]
    args += ["--keys", str(keys.path)]
    with serve(args, tmp_path_factory.mktemp("reload")) as server:
        # Nothing to serve yet: alive, not ready, checks refused with 503.
        ready = httpx.get(f"{server.url}/readyz")
        assert ready.status_code == 503
        assert "no data loaded" in ready.json()["reasons"]
        r = httpx.post(f"{server.url}/v1/check", json=X, headers=keys.auth("gate"))
        assert r.status_code == 503
        r = httpx.post(f"{server.url}/v1/reload", headers=keys.auth("admin"), timeout=60)
        assert r.status_code == 409  # an admin may ask; there is nothing to load yet
        assert "no snapshot" in r.json()["detail"]

        sample.save(watch / "a")
        _wait("version A", lambda: _status(server, keys)["data_version"] == sample.data_version)
        assert httpx.get(f"{server.url}/readyz").status_code == 200

        with Load(server.url, keys.auth("gate")) as load:
            _wait("answers from A", lambda: len(load.singles) > 20 and len(load.batches) > 3)
            b.save(watch / "b")  # 1: the watcher finds a newer snapshot
            _wait("version B", lambda: _status(server, keys)["data_version"] == "version-b")
            server.hup()  # 2: SIGHUP reloads the newest snapshot again
            _wait(
                "the SIGHUP reload",
                lambda: _status(server, keys)["last_reload"]["reason"] == "SIGHUP",
            )
            r = httpx.post(f"{server.url}/v1/reload", headers=keys.auth("admin"), timeout=60)
            assert r.status_code == 200, r.text  # 3: the admin request
            assert r.json()["data_version"] == "version-b"

            # 4: a damaged snapshot (a truncated table) is refused; B keeps serving.
            c = tmp_path / "c"
            d.save(c)
            table = c / "documents.arrow"
            table.write_bytes(table.read_bytes()[:-100])
            shutil.move(c, watch / "c")
            _wait("the failed reload", lambda: _status(server, keys)["last_reload"]["ok"] is False)
            status = _status(server, keys)
            assert status["data_version"] == "version-b"
            assert any("integrity check" in why for why in status["not_ready"])
            assert httpx.get(f"{server.url}/readyz").status_code == 503
            assert _metric(server, "hotlist_last_reload_ok") == 0
            n = len(load.singles)
            _wait("answers after the failed reload", lambda: len(load.singles) > n + 10)

            shutil.rmtree(watch / "c")
            d.save(watch / "d")  # 5: a good newer snapshot: served, ready again
            _wait("version D", lambda: _status(server, keys)["data_version"] == "version-d")
            assert httpx.get(f"{server.url}/readyz").status_code == 200
            assert _metric(server, "hotlist_last_reload_ok") == 1
            n = len(load.batches)
            _wait("batches from D", lambda: len(load.batches) > n + 3)

    assert load.failures == []
    has_x = {sample.data_version, "version-d"}
    seen = {v for v, _ in load.singles} | {v for v, _ in load.batches}
    assert seen == has_x | {"version-b"}
    for version, ids in load.singles:
        assert ids <= ({X_ID} if version in has_x else {Y_ID}), (version, ids)
    for version, ids in load.batches:
        assert ids == ({X_ID} if version in has_x else {Y_ID}), (version, ids)


def test_stale_data_is_not_ready_but_still_answers_with_a_warning(
    sample_snapshot: Path, keys: Keys, tmp_path_factory: pytest.TempPathFactory
) -> None:
    args = [str(sample_snapshot), "--keys", str(keys.path), "--max-age", "0.001"]
    with serve(args, tmp_path_factory.mktemp("stale")) as server:
        r = httpx.get(f"{server.url}/readyz")
        assert r.status_code == 503
        assert "older than max_age" in r.json()["reasons"][0]
        r = httpx.post(f"{server.url}/v1/check", json=X, headers=keys.auth("gate"))
        assert r.status_code == 200
        assert r.json()["hit"] is True
        assert any("max_age" in w for w in r.json()["warnings"])


def test_a_snapshot_whose_signature_fails_is_not_served_until_signed(
    keys: Keys, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    pytest.importorskip("cryptography")
    from hotlist._signing import generate_key_pair, sign_file

    private, public = generate_key_pair()
    (tmp_path / "issuer.pub").write_bytes(public)
    sample = hotlist.load(hotlist.sample_data_path(), progress=False)
    b, _ = _versions(sample)
    watch = tmp_path / "snapshots"
    watch.mkdir()
    sign_file(sample.save(watch / "a") / "manifest.json", private)
    args = ["--watch", str(watch), "--watch-interval", "0.1", "--keys", str(keys.path)]
    args += ["--public-key", str(tmp_path / "issuer.pub")]
    with serve(args, tmp_path_factory.mktemp("signed")) as server:
        assert _status(server, keys)["data_version"] == sample.data_version
        b.save(watch / "b")  # newer, but not signed: refused, A keeps serving
        _wait("the refused snapshot", lambda: _status(server, keys)["last_reload"]["ok"] is False)
        status = _status(server, keys)
        assert status["data_version"] == sample.data_version
        assert any("integrity check" in why for why in status["not_ready"])
        assert httpx.get(f"{server.url}/readyz").status_code == 503
        r = httpx.post(f"{server.url}/v1/check", json=X, headers=keys.auth("gate"))
        assert r.status_code == 200  # still answering from the signed version
        sign_file(watch / "b" / "manifest.json", private)  # signed now: served
        _wait("version B", lambda: _status(server, keys)["data_version"] == "version-b")
        assert httpx.get(f"{server.url}/readyz").status_code == 200
