"""Where the bundled sample data is, wherever hotlist is installed."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["sample_data_path"]


def sample_data_path() -> Path:
    """The bundled sample data folder, wherever hotlist is installed."""
    return Path(str(resources.files("hotlist") / "sample_data"))
