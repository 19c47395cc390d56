from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from hotlist._signing import generate_key_pair


@pytest.fixture(scope="session")
def keys() -> tuple[bytes, bytes]:
    return generate_key_pair()


@pytest.fixture
def secret() -> bytes:
    return secrets.token_bytes(32)


@pytest.fixture
def log_dir(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "audit"
