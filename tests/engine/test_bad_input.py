"""Bad input: a clear InvalidQuery (TypeError for an unknown keyword), bounded work, no crash."""

from __future__ import annotations

from typing import Any

import pytest

import hotlist
from hotlist.engine import CHECK_FIELDS


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
def test_bad_queries_raise_invalid_query(
    hl: hotlist.Hotlist, query: dict[str, Any], message: str
) -> None:
    with pytest.raises(hotlist.InvalidQuery, match=message) as info:
        hl.check(**query)
    assert isinstance(info.value, ValueError)
    assert len(str(info.value)) < 400  # a message a person reads, not a dump


@pytest.mark.parametrize("field", sorted(CHECK_FIELDS))
def test_an_overlong_value_is_refused_before_it_is_read(hl: hotlist.Hotlist, field: str) -> None:
    # The same work (Python lines run) for 5 MB as for one character over the limit.
    from work import python_lines

    just_over, small_error = python_lines(hl.check, **{field: "A" * (CHECK_FIELDS[field] + 1)})
    huge, huge_error = python_lines(hl.check, **{field: "A" * 5_000_000})
    for error in (small_error, huge_error):
        assert isinstance(error, hotlist.InvalidQuery), error
        assert "characters long" in str(error) and field in str(error)
    assert huge <= just_over


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
