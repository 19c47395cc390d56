"""Fixtures of the service tests: keys, a snapshot of the sample data, a running server."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from serve_helpers import Keys, Server, serve

import hotlist

pytest.importorskip("uvicorn", reason="the service extra is not installed")


@pytest.fixture(autouse=True)
def _thawed_heap() -> Iterator[None]:
    """A service made in this process (create_app) freezes the heap at each load
    (hotlist.serve._data.settle_heap): thaw it after the test, so the rest of the
    run collects its garbage as usual."""
    yield
    gc.unfreeze()


@pytest.fixture(scope="session")
def sample_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    hl = hotlist.load(hotlist.sample_data_path(), progress=False)
    return hl.save(tmp_path_factory.mktemp("serve-data") / "sample")


@pytest.fixture(scope="session")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Keys:
    k = Keys(tmp_path_factory.mktemp("serve-keys") / "keys.toml")
    k.add("gate", "frontline")
    k.add("admin", "admin", post="HQ")
    k.add("slow", "frontline", rate=0.001, burst=2)  # a third request within ~15 min is refused
    k.add("desk", "analyst", post="NCB")
    k.add("auditor", "auditor", post="DPO")
    k.add("nobody", "no-such-role")
    return k


@pytest.fixture(scope="session")
def server(
    sample_snapshot: Path, keys: Keys, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("serve-run")
    with serve([str(sample_snapshot), "--keys", str(keys.path)], tmp) as s:
        yield s
