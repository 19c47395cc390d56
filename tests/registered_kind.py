"""The test-only firearms kind (``firearms_kind.py``) registered for one test, with a
folder holding its extract: what the CLI and service tests of a run-time kind share."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import firearms_kind
from hotlist import fields

FIREARMS = """record_id,serial,make,model,reporting_country,stolen_on
F1,AB12345,Glock,17,DEU,2024-03-01
F5,CZ0042731,CZ,75,CZE,2024-07-15
"""


@contextlib.contextmanager
def firearms_extract(folder: Path) -> Iterator[Path]:
    """``folder``/firearms.csv written, the kind and its fields registered; both undone after."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "firearms.csv").write_text(FIREARMS)
    firearms_kind.register()
    try:
        yield folder
    finally:
        firearms_kind.unregister()
        for spec in firearms_kind.FIELDS:
            fields.unregister_field(spec.name)
