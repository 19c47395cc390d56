"""A small hand-made Hotlist whose every record is there for a reason."""

from __future__ import annotations

import pytest
from engine_tables import DOCUMENTS, PERSONS, VEHICLES, documents_table

import hotlist


@pytest.fixture(scope="session")
def hl() -> hotlist.Hotlist:
    return hotlist.Hotlist.from_tables(
        documents=documents_table(DOCUMENTS), vehicles=VEHICLES, persons=PERSONS
    )
