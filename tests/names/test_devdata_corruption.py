"""The development data's corruption model (``benchmarks/person_devdata.py``) on a
path a seed rarely takes: a name part joined to the one before it leaves an
empty part behind, which the next draw must not write as an initial."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
person_devdata = pytest.importorskip("person_devdata")


def test_a_part_joined_to_the_one_before_is_not_then_made_an_initial(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    person = person_devdata.Person(
        "P1", "SMITH", ["ANNA", "MARIA"], "F", "USA", dt.date(1980, 5, 6), "full", False
    )
    draws = iter(["exact", "join", "initial"])  # SMITH as is, ANNA+MARIA, then the blank

    def choose(table: dict[str, float], rng: np.random.Generator) -> str:
        return next(draws) if table is person_devdata.PART else "exact"

    monkeypatch.setattr(person_devdata, "_choose", choose)
    monkeypatch.setattr(person_devdata, "MIDDLE_DROP", 0.0)
    pop = SimpleNamespace(rng=np.random.default_rng(0), system_rng=np.random.default_rng(1))
    q = person_devdata.corrupt(person, pop)
    assert sorted(q.query["name"].replace(",", "").split()) == ["ANNAMARIA", "SMITH"]
    assert "joined" in q.kinds
    assert "initial" not in q.kinds
