"""check()'s document hit made in C (``DocumentMiss.check`` with its
``DocumentHits``: hotlist.index._document_hits.pxi) answers exactly as the Python
search it stands in for (``hotlist._query.document_search``) and as the general
pipeline: the same hits in the same order -- records, levels, scores, reasons,
severities, actions -- the same warnings, query, version and ``searched``, for
listed numbers and their one-edit and OCR variants, with and without a country;
and a whole run with ``HOTLIST_PURE=1`` (no kernel at all) gives the same results.
The same for max_edits=0 (the rows of the very key, made in C too).  What it
leaves to Python (a non-ASCII listed number, more hits than ``limit``, a number a
wanted person lists, a kind owning the documents' action) is answered there."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from engine_tables import documents_table, persons_table
from hypothesis import given, settings
from hypothesis import strategies as st

import hotlist
from hotlist import _query
from hotlist._decisions import set_kind_action
from hotlist._query import DEFAULT_LIMIT, DEFAULT_MAX_EDITS, DEFAULT_MIN_SCORE, document_search
from hotlist.schema import CheckResult
from pipeline_answers import general

pytestmark = pytest.mark.skipif(
    _query._KERNEL_HITS is None, reason="compiled kernel not built (or HOTLIST_PURE=1)"
)

# Every shape the C path reads or leaves: the same number under several issuers
# (an unknown one), separators and lower case in the listed number, look-alike
# letters (an ocr row), a non-ASCII listed number, one-edit neighbours, more
# neighbours than limit, every status, a number listed on a wanted person.
ROWS = [
    ("D1", "L898902C3", "UTO", "passport", "stolen"),
    ("D2", "C01X00T47", "DEU", "passport", "lost"),
    ("D3", "C01X00T47", "AUT", "passport", "revoked"),
    ("D4", "C01X00T47", "XXA", "id_card", "invalidated"),
    ("D5", "ab-123 456", "ITA", "id_card", "stolen_blank"),
    ("D6", "AB123457", "ITA", "passport", "stolen"),
    ("D7", "O39380850", "UTO", "passport", "stolen"),
    ("D8", "039380850", "DEU", "visa", "lost"),
    ("D9", "ÄB1234567", "FRA", "passport", "stolen"),
    ("D14", "ＡB7654321", "FRA", "passport", "stolen"),  # full-width: compacts to ASCII
    ("D10", "AB1234567", "FRA", "passport", "stolen"),
    ("D11", "P1234567", "ESP", "travel_document", "stolen"),
    *[(f"N{i}", f"Z9876543{c}", "USA", "passport", "stolen") for i, c in enumerate("0123456789AB")],
    # asked DEU: T2 exact, another issuer (0.6) ties T1 one edit, unknown issuer (0.6):
    # the level ranks them (T1's lower row would come first otherwise)
    ("T1", "Q5550002", "XXA", "passport", "stolen"),
    ("T2", "Q5550001", "AUT", "passport", "stolen"),
    ("D12", "K7000001", "GBR", "passport", "lost"),
    ("D13", "K70000O1", "GBR", "passport", "lost"),
]
LISTED = [number for _, number, *_ in ROWS]
COUNTRIES = [None, "UTO", "DEU", "AUT", "ITA", "FRA", "USA", "GBR", "XXA", "de", "ESP"]
ALPHABET = "0123456789ABCKLOPZ"


def _persons() -> Any:
    return persons_table(
        [
            {
                "record_id": "P1",
                "name": "DOE, John",
                "family_name": "DOE",
                "given_names": "John",
                "notice_type": "red",
                "document_numbers": ["P1234567"],
            }
        ]
    )


@pytest.fixture(scope="module")
def hl() -> hotlist.Hotlist:
    return hotlist.Hotlist.from_tables(documents=documents_table(ROWS), persons=_persons())


@st.composite
def _query_number(draw: st.DrawFn) -> str:
    number = draw(st.sampled_from(LISTED)).replace("Ä", "A").replace("Ａ", "A")  # A-Z, 0-9
    edit = draw(st.sampled_from(["none", "none", "substitute", "insert", "delete", "transpose"]))
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
    return draw(st.sampled_from([number, number.lower(), f" {number[:3]}-{number[3:]}"]))


def _dump(result: CheckResult) -> dict[str, Any]:
    """Everything a result says, each hit's record read."""
    return {
        "hits": [
            (h.dataset, h.record_id, h.match, h.score, h.reasons, h.severity, h.action, h.record)
            for h in result.hits
        ],
        "warnings": result.warnings,
        "query": result.query,
        "version": result.data_version,
        "searched": result.searched,
        "omitted": result.omitted,
    }


def _compiled(
    state: Any, number: str, country: str | None, max_edits: int = DEFAULT_MAX_EDITS
) -> CheckResult | None:
    assert _query._KERNEL_MISS is not None
    out: CheckResult | None = _query._KERNEL_MISS.check(
        state, number, country, None, DEFAULT_LIMIT, DEFAULT_MIN_SCORE, max_edits, None
    )
    return out


def _python(
    state: Any, number: str, country: str | None, max_edits: int = DEFAULT_MAX_EDITS
) -> CheckResult:
    return document_search(
        state, number, country, None, DEFAULT_LIMIT, DEFAULT_MIN_SCORE, max_edits, None
    )


@settings(max_examples=500, deadline=None)
@given(_query_number(), st.sampled_from(COUNTRIES), st.sampled_from([DEFAULT_MAX_EDITS, 0]))
def test_compiled_hit_equals_the_python_search(
    hl: hotlist.Hotlist, number: str, country: str | None, max_edits: int
) -> None:
    state = hl._state
    hl.check(document=number, country=country)  # the country read once (as a border does)
    made = _compiled(state, number, country, max_edits)
    python = _python(state, number, country, max_edits)
    if made is not None:
        assert _dump(made) == _dump(python)
        assert made == python
        asked = {"document": number, "country": country}
        assert _dump(made) == _dump(
            general(
                state,
                asked,
                limit=DEFAULT_LIMIT,
                min_score=DEFAULT_MIN_SCORE,
                max_edits=max_edits,
            )
        )
    checked = hl.check(document=number, country=country, max_edits=max_edits)
    assert _dump(checked) == _dump(python)


def test_the_compiled_hit_is_made_and_left(hl: hotlist.Hotlist) -> None:
    """Which hits C makes (and that they are hits), which it leaves to Python."""
    state = hl._state
    hl.check(document="L898902C3", country="UTO")
    for number, country in [
        ("L898902C3", "UTO"),
        ("L898902C3", None),
        ("C01X00T47", "DEU"),
        ("AB123456", "ITA"),
        ("L898903C3", "UTO"),
        ("Q5550001", "DEU"),
        ("039380850", "DEU"),  # ocr rows: a digit read as a letter (O/0)
        ("K7000001", "GBR"),
        ("Q39380850", "UTO"),  # look-alike letters only (O/Q): their own reason
    ]:
        made = _compiled(state, number, country)
        assert made is not None and made.hit, (number, country)
        python = document_search(
            state, number, country, None, DEFAULT_LIMIT, DEFAULT_MIN_SCORE, DEFAULT_MAX_EDITS, None
        )
        assert _dump(made) == _dump(python)
    for number, country in [
        ("L898902C3", "UTO"),
        ("C01X00T47", "DEU"),  # three issuers' rows of the one key
        ("C01X00T47", None),
        ("039380850", "UTO"),  # the ocr row and the exact one
        ("q39380850", None),  # look-alike letters only
        ("ab 123-456", "ITA"),
    ]:
        made = _compiled(state, number, country, 0)
        assert made is not None and made.hit, (number, country)
        assert _dump(made) == _dump(_python(state, number, country, 0))
        assert all(h.match in ("exact", "ocr") for h in made.hits)
    nothing = _compiled(state, "L898903C3", "UTO", 0)  # one edit: no hit for max_edits=0
    assert nothing is not None and not nothing.hit
    assert _dump(nothing) == _dump(_python(state, "L898903C3", "UTO", 0))
    tie = _compiled(state, "Q5550001", "DEU")
    assert tie is not None
    assert [(h.record_id, h.score) for h in tie.hits] == [("T2", 0.6), ("T1", 0.6)]
    letters = _compiled(state, "Q39380850", "UTO")
    assert letters is not None
    assert any("look-alike" in r or "letter" in r for r in letters.hits[0].reasons)
    assert letters.hits[0].match == "ocr"
    # left: listed on a wanted person; a non-ASCII listed number within one edit;
    # 12 neighbours (limit 10)
    for number, country in [
        ("P1234567", "ESP"),
        ("AB7654321", "FRA"),
        ("AB7654322", None),
        ("Z98765430", "USA"),
    ]:
        assert _compiled(state, number, country) is None, (number, country)
        python = document_search(
            state, number, country, None, DEFAULT_LIMIT, DEFAULT_MIN_SCORE, DEFAULT_MAX_EDITS, None
        )
        assert python.hit
        assert _dump(hl.check(document=number, country=country)) == _dump(python)
    # max_edits=0 leaves the same kinds: a number a wanted person lists, a non-ASCII listed one
    for number, country in [("P1234567", "ESP"), ("AB7654321", "FRA")]:
        assert _compiled(state, number, country, 0) is None, (number, country)
        python = _python(state, number, country, 0)
        assert python.hit
        assert _dump(hl.check(document=number, country=country, max_edits=0)) == _dump(python)


def test_compiled_hits_are_fresh_objects(hl: hotlist.Hotlist) -> None:
    """A hit's reasons list is its own: changing it changes no other result."""
    first = hl.check(document="C01X00T47", country="DEU")
    second = hl.check(document="C01X00T47", country="DEU")
    assert first.hits[0].reasons is not second.hits[0].reasons
    first.hits[0].reasons.append("x")
    assert "x" not in second.hits[0].reasons
    assert "x" not in hl.check(document="C01X00T47", country="DEU").hits[0].reasons
    python = document_search(
        hl._state,
        "C01X00T47",
        "DEU",
        None,
        DEFAULT_LIMIT,
        DEFAULT_MIN_SCORE,
        DEFAULT_MAX_EDITS,
        None,
    )
    assert [h.record_id for h in second.hits] == [h.record_id for h in python.hits]
    assert len(second.hits) == 3


def test_a_kind_owning_the_documents_action(hl: hotlist.Hotlist) -> None:
    """A registered action for documents: the hit goes to Python, which asks it."""
    set_kind_action("documents", lambda record, severity: f"own {severity}", ("status",))
    try:
        assert _compiled(hl._state, "L898902C3", "UTO") is None
        assert hl.check(document="L898902C3", country="UTO").hits[0].action == "own alarm"
    finally:
        set_kind_action("documents", None)
    assert hl.check(document="L898902C3", country="UTO").hits[0].action != "own alarm"


def test_two_states_in_turn(hl: hotlist.Hotlist) -> None:
    """The kernel binds each state's columns: answers never cross states."""
    other = hotlist.Hotlist.from_tables(documents=documents_table(list(reversed(ROWS))))
    for _ in range(3):
        for h in (hl, other):
            got = h.check(document="AB123457", country="ITA")
            python = document_search(
                h._state,
                "AB123457",
                "ITA",
                None,
                DEFAULT_LIMIT,
                DEFAULT_MIN_SCORE,
                DEFAULT_MAX_EDITS,
                None,
            )
            assert _dump(got) == _dump(python)


_PURE_SCRIPT = """
import json, sys
sys.path[:0] = {paths!r}
from engine_tables import documents_table, persons_table
import hotlist
from test_compiled_hits import ROWS, _persons, _dump
hl = hotlist.Hotlist.from_tables(documents=documents_table(ROWS), persons=_persons())
queries = json.loads(sys.stdin.read())
print(json.dumps([_dump(hl.check(document=n, country=c)) for n, c in queries], default=str))
"""


def test_the_same_results_without_any_kernel(hl: hotlist.Hotlist) -> None:
    """HOTLIST_PURE=1 (every kernel off): the same results for every listed number
    and a one-edit variant of each, with and without a country."""
    queries = []
    for number in (n.replace("Ä", "A").replace("Ａ", "A") for n in LISTED):
        for country in (None, "UTO", "ITA", "USA", "GBR", "DEU"):
            queries += [(number, country), (number[:-1] + "7", country), (number[1:], country)]
    here = Path(__file__).parent
    env = {**os.environ, "HOTLIST_PURE": "1"}
    script = _PURE_SCRIPT.format(paths=[str(here), str(here.parent)])
    out = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps(queries),
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=300,
    )
    pure = json.loads(out.stdout)
    compiled = [
        json.loads(json.dumps(_dump(hl.check(document=n, country=c)), default=str))
        for n, c in queries
    ]
    assert compiled == pure
    assert sum(1 for r in pure if r["hits"]) > 100


@pytest.mark.parametrize("own_dictionaries", [False, True])
def test_a_table_of_several_chunks(own_dictionaries: bool) -> None:
    """Record ids and status read from each chunk's buffers in C (a table read
    from several Parquet row groups; each chunk's status with its own dictionary
    when ``own_dictionaries``): the same results, made in C."""
    cuts = [(0, 7), (7, 16), (16, 17), (17, len(ROWS))]  # one chunk of one row
    if own_dictionaries:
        chunked = pa.concat_tables([documents_table(ROWS[a:b]) for a, b in cuts])
        statuses = chunked.column("status")
        assert statuses.chunk(0).dictionary != statuses.chunk(1).dictionary
    else:
        table = documents_table(ROWS)
        chunked = pa.concat_tables([table.slice(a, b - a) for a, b in cuts])
    h = hotlist.Hotlist.from_tables(documents=chunked, persons=_persons())
    assert h._state.tables["documents"].column("record_id").num_chunks == len(cuts)
    made = 0
    for number in (n.replace("Ä", "A").replace("Ａ", "A") for n in LISTED):
        for variant in (number, number[:-1] + "7", number[1:]):
            for country in (None, "ITA", "USA", "DEU"):
                for edits in (DEFAULT_MAX_EDITS, 0):
                    h.check(document=variant, country=country)
                    compiled = _compiled(h._state, variant, country, edits)
                    python = _python(h._state, variant, country, edits)
                    if compiled is not None and compiled.hit:
                        made += 1
                        assert _dump(compiled) == _dump(python)
                    checked = h.check(document=variant, country=country, max_edits=edits)
                    assert _dump(checked) == _dump(python)
    assert made > 100
