"""Bad input: a clear InvalidQuery (TypeError for an unknown keyword), fast, never a crash."""

from __future__ import annotations

import time
from typing import Any

import pytest

import hotlist


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({}, "empty query"),
        ({"document": ""}, "empty"),
        ({"document": "   "}, "empty"),
        ({"document": "L898#902"}, "only A-Z and 0-9"),
        ({"document": 898902}, "must be text"),
        ({"name": "x" * 10_000}, "10,000 characters"),
        ({"name": "ANNA\x00ERIKSSON"}, "control character"),
        ({"document": "L898\x1b902C3"}, "control character"),
        ({"mrz": "P<UTO" * 1_000_000}, "characters long"),
        ({"mrz": "P<UTOERIKSSON<<ANNA"}, "MRZ"),
        ({"document": "L898902C3", "country": "Atlantis"}, "country"),
        ({"name": "Anna Eriksson", "dob": "1974-13-40"}, "month"),
        ({"name": "Anna Eriksson", "dob": "1974-02-30"}, "1974-02-30"),
        ({"dob": "1974-08-12"}, "qualify a person"),
        ({"country": "FRA"}, "qualifies a document"),
        ({"document": "L898902C3", "document_type": "spaceship"}, "document_type"),
        ({"vin": "1M8GDM9AXKP042788XYZ"}, "longer than"),
        ({"plate": "!!"}, "plate"),
        ({"name": "...", "dob": "1974"}, "letters"),
        ({"name": "Anna", "family_name": "Eriksson"}, "either name"),
    ],
)
def test_bad_queries_raise_invalid_query_quickly(
    hl: hotlist.Hotlist, query: dict[str, Any], message: str
) -> None:
    started = time.perf_counter()
    with pytest.raises(hotlist.InvalidQuery, match=message) as info:
        hl.check(**query)
    assert time.perf_counter() - started < 0.5  # generous; a length check takes microseconds
    assert isinstance(info.value, ValueError)
    assert len(str(info.value)) < 400  # a message a person reads, not a dump


def test_unknown_keyword_is_a_type_error(hl: hotlist.Hotlist) -> None:
    with pytest.raises(TypeError):
        hl.check(passport="L898902C3")  # type: ignore[call-arg]


def test_positional_arguments_are_refused(hl: hotlist.Hotlist) -> None:
    with pytest.raises(TypeError):
        hl.check("L898902C3")  # type: ignore[misc]


@pytest.mark.parametrize(
    "options",
    [{"limit": 0}, {"limit": 2.5}, {"min_score": 1.5}, {"max_edits": 2}, {"name_threshold": 0}],
)
def test_bad_options(hl: hotlist.Hotlist, options: dict[str, Any]) -> None:
    with pytest.raises(hotlist.InvalidQuery):
        hl.check(document="L898902C3", **options)
