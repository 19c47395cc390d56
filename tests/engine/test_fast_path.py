"""check()'s document fast path (hotlist._query.document_check) answers exactly as
the general query pipeline (check_query: clean, normalise, every kind's match):
the same result, or the same error, for any document text, qualifiers and options.
And docnum.plain_keys, its one-step keys, is validate() + ocr_key() where it answers."""

from __future__ import annotations

from typing import Any

import pytest
from engine_tables import DOCUMENTS, PERSONS, documents_table
from hypothesis import given, settings
from hypothesis import strategies as st

import hotlist
from hotlist import _query
from hotlist._query import DEFAULT_LIMIT, DEFAULT_MIN_SCORE, document_check
from hotlist.fields import clean
from hotlist.ids import docnum
from hotlist.schema import CheckResult
from pipeline_answers import answer, general, slots

LISTED = [n for _, n, *_ in DOCUMENTS] + ["L898902C3"]
CHARS = "L898902C3C01X00T47ABOQIZS5 -./<\t\n\x00\u00a0\u00e9\uff11#l"
NUMBERS = (
    st.sampled_from(LISTED)
    | st.text(st.sampled_from(CHARS), max_size=24)
    | st.builds(
        lambda n, i, c: n[:i] + c + n[i:],
        st.sampled_from(LISTED),
        st.integers(0, 9),
        st.sampled_from(CHARS),
    )
    | st.text(max_size=8)
)


# document_check's arguments after the state, in its order: a value for each
# of the number, country, document_type, limit, min_score, max_edits, name_threshold
ARGUMENTS = st.tuples(
    NUMBERS,
    st.none() | st.sampled_from(["UTO", "DEU", "de", "Germany", "XXA", "nowhere", " "]),
    st.none() | st.sampled_from(["passport", "id_card", "Passport", "bike"]),
    st.sampled_from([DEFAULT_LIMIT, 1, 2, 0]),
    # the default object itself (the compiled miss check compares by identity) and
    # an equal float that is not it
    st.sampled_from([DEFAULT_MIN_SCORE, 0.5 + 0.0 * len(CHARS), 0.0, 0.95, 1.5]),
    st.sampled_from([1, 0, 2, True]),
    st.sampled_from([None, 0.8]),
)


@settings(max_examples=400, deadline=None)
@given(ARGUMENTS)
def test_fast_path_equals_the_general_pipeline(
    hl: hotlist.Hotlist, arguments: tuple[Any, ...]
) -> None:
    state = hl._state
    document, country, document_type, limit, min_score, max_edits, threshold = arguments
    fast = answer(lambda: document_check(state, *arguments))
    asked = {"document": document, "country": country, "document_type": document_type}
    options = {"limit": limit, "min_score": min_score, "max_edits": max_edits}
    result = answer(lambda: general(state, asked, **options, name_threshold=threshold))
    assert fast == result
    if isinstance(fast, CheckResult):
        assert isinstance(result, CheckResult)
        assert slots(fast) == slots(result)


@pytest.mark.skipif(_query._FAST_MISS is None, reason="compiled kernel not built")
@pytest.mark.parametrize(
    ("number", "country", "told"),
    [
        ("L898902C4", "DEU", True),  # one edit from UTO's: 0.75 x 0.6 < 0.5, no hit
        ("L898902C4", "UTO", False),  # the same issuer: a hit, answered in full
        ("L898902C4", "XXA", False),  # an unknown issuer asked: a hit
        ("L898902C", "FRA", True),
        ("C01X00T4", "DEU", False),  # DEU lists it too
        ("C01X00T4", "FRA", True),  # DEU's and AUT's: both another issuer
        ("X500000", "DEU", False),  # XXA's: an unknown issuer listed, a hit
        ("L898902C3", "DEU", False),  # the number itself, another issuer: a hit (0.6)
    ],
)
def test_compiled_miss_of_another_issuers_neighbour(
    hl: hotlist.Hotlist, number: str, country: str, told: bool
) -> None:
    """A number one edit from a number listed only by other issuers is a miss at
    the default min_score: the compiled check tells it (the same result as the
    general pipeline); anything that scores as a hit is made a hit (the compiled
    hit, hotlist.index._document_hits.pxi) or left to the Python search -- the
    same result either way."""
    state = hl._state
    hl.check(document="X", country=country)  # the country text is read once
    assert _query._FAST_MISS is not None
    fast = _query._FAST_MISS(
        state, number, country, None, DEFAULT_LIMIT, DEFAULT_MIN_SCORE, 1, None
    )
    result = general(state, {"document": number, "country": country})
    assert (fast is not None and not fast.hits) == told
    assert bool(result.hits) != told
    if fast is not None:
        assert slots(fast) == slots(result)


@pytest.mark.skipif(_query._FAST_MISS is None, reason="compiled kernel not built")
@pytest.mark.parametrize("max_edits", [1, 0])
@pytest.mark.parametrize("number", ["Q1234567", " q12-345 67 ", "L898902C4", "ZZ"])
def test_compiled_miss_answers_as_the_general_pipeline(
    hl: hotlist.Hotlist, number: str, max_edits: int
) -> None:
    """A miss with a country already read is answered by the compiled check (a
    near miss, one edit from a listed number, is a hit: made by the compiled hit
    with the default max_edits, else left to Python), with the same result, slot
    for slot, as the general pipeline."""
    state = hl._state
    hl.check(document="X", country="UTO")  # the country text is read once
    assert _query._FAST_MISS is not None
    fast = _query._FAST_MISS(
        state, number, "UTO", None, DEFAULT_LIMIT, DEFAULT_MIN_SCORE, max_edits, None
    )
    result = general(state, {"document": number, "country": "UTO"}, max_edits=max_edits)
    if result.hits and max_edits == 0:
        assert fast is None
        return
    if fast is not None:
        assert slots(fast) == slots(result)
    assert slots(hl.check(document=number, country="UTO", max_edits=max_edits)) == slots(result)
    if number.strip() == "Q1234567":
        assert fast is not None  # far from every listed number: told by the filter


@settings(max_examples=1000, deadline=None)
@given(st.text(st.sampled_from(CHARS), max_size=30) | st.text(max_size=30))
def test_plain_keys_are_validate_and_ocr_key(number: str) -> None:
    keys = docnum.plain_keys(number)
    if keys is None:
        return
    compact = docnum.validate(clean("document", number))
    assert keys == (compact, docnum.ocr_key(compact))


@pytest.mark.parametrize("number", ["L898902C3", " l898 902-c3 ", "C01X00T47", "X5000001"])
def test_plain_keys_answer_plain_numbers(number: str) -> None:
    assert docnum.plain_keys(number) is not None


@pytest.mark.skipif(_query._FAST_MISS is None, reason="compiled kernel not built")
def test_compiled_miss_builds_no_filter_for_the_persons_numbers() -> None:
    """The persons' listed document numbers are only ever looked up whole: the
    compiled miss check asks them through the exact probe, and builds the
    pre-filter for the documents alone."""
    hl = hotlist.Hotlist.from_tables(documents=documents_table(DOCUMENTS), persons=PERSONS)
    for _ in range(2):
        assert not hl.check(document="ZZ9999999", country="UTO").hit
    assert hl._state.documents.index._filter is not None
    assert hl._state.person_documents.index._filter is None
