"""check()'s document hit path (hotlist._query.document_check after the compiled
miss check, DocumentIndex.candidates scoring each shape once) answers exactly as
the general query pipeline (check_query): the same hits, scores, reasons,
severities, actions, warnings and records, for listed numbers, their OCR slips and
one-edit variants, with and without a country.  And DocumentIndex.candidates
equals the per-candidate reference it replaced (document_reasons, document_score,
document_severity and the letter swaps, row by row)."""

from __future__ import annotations

import pyarrow as pa
import pytest
from engine_tables import DOCUMENTS, PERSONS, VEHICLES, documents_table
from hypothesis import given, settings
from hypothesis import strategies as st

import hotlist
from hotlist._decisions import document_severity, letters_reason, ocr_letter_swaps
from hotlist._documents import Candidate, DocumentIndex, document_reasons, document_score
from hotlist._query import DEFAULT_LIMIT, DEFAULT_MIN_SCORE, document_check
from hotlist.ids import docnum
from hotlist.ids.ocr import slips
from hotlist.scoring import render
from pipeline_answers import general

# numbers with look-alike letters (O/D/Q, I/L), digits that read as letters, the
# same number under several issuers (an unknown one among them), one-edit neighbours
ROWS = [
    *DOCUMENTS,
    ("H1", "O39380850", "UTO", "passport", "stolen"),
    ("H2", "Q39380850", "DEU", "id_card", "lost"),
    ("H3", "D1L0O5Q8", "FRA", "passport", "revoked"),
    ("H4", "D1L0O5Q8", "XXB", "visa", "stolen"),
    ("H5", "D1L0O5Q9", "FRA", "passport", "stolen"),
    ("H6", "AB1234567", "ITA", "passport", "stolen_blank"),
    ("H7", "AB1234568", "ITA", "id_card", "invalidated"),
    ("H8", "8B5S2Z6G0", "ESP", "passport", "stolen"),
]
LISTED = [number for _, number, *_ in ROWS]
SLIPS = slips()
ALPHABET = "0123456789ABCDGILOQSZ"
COUNTRIES = [None, "UTO", "DEU", "FRA", "ITA", "XXA", "XXB", "ESP", "de"]


@pytest.fixture(scope="module")
def hl() -> hotlist.Hotlist:
    return hotlist.Hotlist.from_tables(
        documents=documents_table(ROWS), vehicles=VEHICLES, persons=PERSONS
    )


@st.composite
def _variant(draw: st.DrawFn) -> str:
    """A listed number, one with OCR slips, or one edit away (either may be both)."""
    number = draw(st.sampled_from(LISTED))
    chars = list(number)
    for i in draw(st.lists(st.integers(0, len(chars) - 1), max_size=3, unique=True)):
        options = SLIPS.get(chars[i], "")
        if options:
            chars[i] = draw(st.sampled_from(options))
    number = "".join(chars)
    edit = draw(st.sampled_from(["none", "substitute", "insert", "delete", "transpose"]))
    i = draw(st.integers(0, len(number) - 1))
    c = draw(st.sampled_from(ALPHABET))
    if edit == "substitute":
        number = number[:i] + c + number[i + 1 :]
    elif edit == "insert":
        number = number[:i] + c + number[i:]
    elif edit == "delete":
        number = number[:i] + number[i + 1 :]
    elif edit == "transpose" and i + 1 < len(number):
        number = number[:i] + number[i + 1] + number[i] + number[i + 2 :]
    return draw(st.sampled_from([number, number.lower(), f" {number[:3]} {number[3:]}"]))


@settings(max_examples=600, deadline=None)
@given(
    _variant(),
    st.sampled_from(COUNTRIES),
    st.sampled_from([None, None, "passport", "id_card"]),
    st.sampled_from([DEFAULT_LIMIT, 1]),
    st.sampled_from([DEFAULT_MIN_SCORE, 0.0]),
    st.sampled_from([1, 0]),
)
def test_hit_path_equals_the_general_pipeline(  # noqa: PLR0917 - hypothesis arguments
    hl: hotlist.Hotlist,
    number: str,
    country: str | None,
    document_type: str | None,
    limit: int,
    min_score: float,
    max_edits: int,
) -> None:
    state = hl._state
    fast = document_check(state, number, country, document_type, limit, min_score, max_edits, None)
    asked = {"document": number, "country": country, "document_type": document_type}
    result = general(state, asked, limit=limit, min_score=min_score, max_edits=max_edits)
    assert fast == result
    assert [h.model_dump() for h in fast.hits] == [h.model_dump() for h in result.hits]
    assert (fast.warnings, fast.omitted, fast.searched) == (
        result.warnings,
        result.omitted,
        result.searched,
    )
    table = state.tables["documents"]
    for h in fast.hits:
        if h.dataset == "documents":
            row = table.column("record_id").to_pylist().index(h.record_id)
            assert h.record == table.slice(row, 1).to_pylist()[0]


def _reference(  # noqa: PLR0917 - the signature it stands in for
    index: DocumentIndex,
    rows: list[int],
    compact: str,
    key: str,
    country: str | None,
    kind: str | None,
) -> list[Candidate]:
    """DocumentIndex.candidates as it was: every reason made per candidate."""
    out = []
    for row in rows:
        level = index.level_of(row, compact, key)
        listed_country = index.country_of(row)
        asked = (level, country, listed_country, kind, index.type_of(row))
        score, why = document_reasons(*asked)
        reasons = document_score(*asked)[1]
        swaps = None
        if level == "ocr":
            swaps = ocr_letter_swaps(docnum.compact(index.number_of(row)), compact)
            if swaps:
                letters = letters_reason(swaps)
                why = (*why, letters)
                reasons = (*reasons, render(letters))
        severity = document_severity(level, country, listed_country, letters_only=bool(swaps))
        out.append(Candidate("documents", row, level, score, reasons, severity, why))
    return out


@settings(max_examples=400, deadline=None)
@given(
    _variant(),
    st.sampled_from([c for c in COUNTRIES if c != "de"]),
    st.sampled_from([None, "passport", "visa"]),
)
def test_candidates_equal_the_reference(
    hl: hotlist.Hotlist, number: str, country: str | None, kind: str | None
) -> None:
    index = hl._state.documents
    try:
        compact = docnum.validate(number)
    except hotlist.InvalidQuery:
        return
    key = docnum.ocr_key(compact)
    rows = index.index.within_one_edit(key)
    got = index.candidates(rows, compact, key, country, kind)
    assert got == _reference(index, rows.tolist(), compact, key, country, kind)


def test_every_listed_number_is_an_alarm_hit_with_its_record(hl: hotlist.Hotlist) -> None:
    table = hl._state.tables["documents"]
    for row, (record_id, number, country, _, _) in enumerate(ROWS):
        result = hl.check(document=number, country=country)
        (hit,) = [h for h in result.hits if h.record_id == record_id]
        assert hit.severity == "alarm"
        assert hit.record == table.slice(row, 1).to_pylist()[0]
        assert isinstance(table, pa.Table)
