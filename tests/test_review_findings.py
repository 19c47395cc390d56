"""Regression tests for the reviewer's findings (/tmp/notes/V.md), each failing before its fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import hotlist

PERSONS = [
    {
        "record_id": "P-IVANOV",
        "family_name": "IVANOV",
        "given_names": "Pyotr",
        "date_of_birth": "1960-03-14",
    },
    {
        "record_id": "P-OTHER",
        "family_name": "SMIRNOVA",
        "given_names": "Elena",
        "date_of_birth": "1971-11-02",
    },
]


@pytest.fixture(scope="module")
def listed(tmp_path_factory: pytest.TempPathFactory) -> hotlist.Hotlist:
    path = Path(tmp_path_factory.mktemp("v2")) / "persons.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in PERSONS), encoding="utf-8")
    return hotlist.load(persons=path)


@pytest.mark.parametrize(
    "query",
    [
        {"family_name": "IVANOV", "given_names": "Petr"},  # ICAO 9303 writes Пётр as PETR
        {"name": "IVANOV, Petr"},
        {"name": "ИВАНОВ Пётр"},  # transliterated by the library itself
    ],
)
def test_v2_petr_is_a_spelling_variant_of_pyotr(
    listed: hotlist.Hotlist, query: dict[str, str]
) -> None:
    """V-2: PETR / PYOTR (the usual English form) was a "loose" variant after d42bf8f,
    so the exact family name with this given name, and no date of birth, was no hit."""
    result = listed.check(**query)  # type: ignore[arg-type]
    assert [h.record_id for h in result.hits] == ["P-IVANOV"]
    assert any(
        "spelling variant: PETR / PYOTR" in r and "loose" not in r for r in result.hits[0].reasons
    )


def test_v2_petr_with_the_listed_date_of_birth_is_an_alarm(listed: hotlist.Hotlist) -> None:
    result = listed.check(name="IVANOV, Petr", dob="1960-03-14")
    assert [(h.record_id, h.severity) for h in result.hits] == [("P-IVANOV", "alarm")]
