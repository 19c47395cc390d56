"""Fixtures of the lifecycle tests: the bundled sample data and a saved snapshot of it."""

from __future__ import annotations

from pathlib import Path

import pytest

import hotlist


@pytest.fixture(scope="session")
def sample() -> hotlist.Hotlist:
    return hotlist.load(hotlist.sample_data_path(), progress=False)


@pytest.fixture(scope="session")
def snapshot(sample: hotlist.Hotlist, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample.save(tmp_path_factory.mktemp("snap") / "sample")
