"""Fixtures: the sample data loaded, a snapshot of it, and the test manifest
(scale_manifest.py)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest
from scale_manifest import manifest_table

import hotlist


@pytest.fixture(scope="session")
def hl() -> hotlist.Hotlist:
    return hotlist.load(hotlist.sample_data_path(), progress=False)


@pytest.fixture(scope="session")
def snapshot(hl: hotlist.Hotlist, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("scale") / "snapshot"
    hl.save(path)
    return path


@pytest.fixture(scope="session")
def manifest() -> pa.Table:
    return manifest_table()
