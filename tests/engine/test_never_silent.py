"""Issue 9, query side: a listed item never passes as a clean "no hit" without a word.

Point 1: holder fields (dob / nationality / sex) without a name never hide the
document check; they qualify a wanted person found through the document and are
otherwise ignored with a warning.
Point 2: every result says which lists it searched; a field checked against a list
that is not loaded or is empty carries a warning (per row in check_many).
"""

from __future__ import annotations

import pyarrow as pa
import pytest
from engine_tables import DOCUMENTS, PERSONS, VEHICLES, documents_table
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hotlist

HOLDER = {"dob": "1974-08-12", "nationality": "UTO", "sex": "F"}


# -- point 1 ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "holder",
    [HOLDER, {"dob": "1990-01-01"}, {"nationality": "DEU"}, {"sex": "M"}, {"dob": "1974-13-45"}],
)
def test_listed_document_with_holder_fields_and_no_name_still_hits(
    hl: hotlist.Hotlist, holder: dict[str, str]
) -> None:
    r = hl.check(document="C01X00T47", country="DEU", **holder)
    assert r.hit
    assert r.hits[0].record_id == "D2"
    assert r.hits[0].match == "exact"
    # nobody lists this number: the holder fields could not qualify anyone, and it says so
    assert any("not used" in w for w in r.warnings), r.warnings


def test_holder_fields_qualify_the_wanted_person_listing_the_document(
    hl: hotlist.Hotlist,
) -> None:
    plain = hl.check(document="L898902C3", country="UTO")
    agreeing = hl.check(document="L898902C3", country="UTO", **HOLDER)
    conflicting = hl.check(
        document="L898902C3", country="UTO", dob="1990-02-03", nationality="FRA", sex="M"
    )

    def person(r: hotlist.CheckResult) -> hotlist.Hit:
        return next(h for h in r.hits if h.dataset == "persons")

    assert {h.record_id for h in agreeing.hits} == {h.record_id for h in plain.hits} == {"D1", "P1"}
    assert person(agreeing).score > person(plain).score > person(conflicting).score
    assert person(conflicting).score >= 0.5  # still a hit to look at: the number is listed
    assert any("DOB exact" in x for x in person(agreeing).reasons)
    assert any("nationality UTO" in x for x in person(agreeing).reasons)
    assert any("DOB differs" in x for x in person(conflicting).reasons)
    assert any("sex differs" in x for x in person(conflicting).reasons)
    # the document hit is the document hit, whatever the holder fields say
    assert [h for h in agreeing.hits if h.dataset == "documents"] == [
        h for h in plain.hits if h.dataset == "documents"
    ]
    assert not any("not used" in w for w in agreeing.warnings)


def test_holder_fields_alone_still_need_something_to_search(hl: hotlist.Hotlist) -> None:
    with pytest.raises(hotlist.InvalidQuery, match="qualify a person"):
        hl.check(dob="1974-08-12", nationality="UTO")


def test_holder_fields_with_a_name_are_still_validated(hl: hotlist.Hotlist) -> None:
    with pytest.raises(hotlist.InvalidQuery, match="month"):
        hl.check(name="Anna Eriksson", dob="1974-13-40")


def test_check_many_manifest_with_holder_columns_and_no_names(hl: hotlist.Hotlist) -> None:
    manifest = [
        {"document": "C01X00T47", "country": "DEU", **HOLDER},
        {"document": "L898902C3", "country": "UTO", **HOLDER},
        {"document": "ZZ0000001", "country": "UTO", "dob": "1980-05-05", "sex": "M"},
        {"document": "12AB34567", "country": "FRA", "dob": "1974-13-45", "nationality": "FRA"},
    ]
    out = hl.check_many(manifest).to_pylist()
    assert all(r["error"] is None for r in out), out
    found = {(r["query_index"], r["record_id"]) for r in out if r["hit"]}
    assert {(0, "D2"), (1, "D1"), (1, "P1"), (3, "D3")} <= found
    assert not any(r["hit"] for r in out if r["query_index"] == 2)
    for i, query in enumerate(manifest):
        expected = hl.check(**query)
        rows = [r for r in out if r["query_index"] == i]
        assert rows[0]["warnings"] == expected.warnings
        got = [(r["record_id"], r["score"], r["reasons"]) for r in rows if r["hit"]]
        assert got == [(h.record_id, h.score, h.reasons) for h in expected.hits]


# -- point 2 ----------------------------------------------------------------------------

QUERIES: dict[str, dict[str, str]] = {
    "document": {"document": "L898902C3", "country": "UTO"},
    "vin": {"vin": "1M8GDM9AXKP042788"},
    "plate": {"plate": "AB-123-CD", "country": "FRA"},
    "name": {"name": "ERIKSSON, Anna Maria", "dob": "1974-08-12"},
    "mrz": {
        "mrz": "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
        "L898902C36UTO7408122F1204159ZE184226B<<<<<10"
    },
}
# the lists each kind of query is for (a document number is also looked up on persons)
FOR = {
    "document": {"documents"},
    "vin": {"vehicles"},
    "plate": {"vehicles"},
    "name": {"persons"},
    "mrz": {"documents", "persons"},
}
ALSO = {"document": {"persons"}}
TABLES = {
    "documents": documents_table(DOCUMENTS),
    "vehicles": VEHICLES,
    "persons": PERSONS,
}


def _loaded(combo: str) -> dict[str, pa.Table]:
    """ "d" loaded, "0" given with zero rows, "-" not given; in documents, vehicles,
    persons order."""
    out = {}
    for flag, (dataset, table) in zip(combo, TABLES.items(), strict=True):
        if flag == "d":
            out[dataset] = table
        elif flag == "0":
            out[dataset] = table.slice(0, 0)
    return out


COMBOS = ["ddd", "d--", "-d-", "--d", "0d0", "d0d", "000", "---"]


@pytest.mark.parametrize("combo", COMBOS)
@pytest.mark.parametrize("kind", list(QUERIES))
def test_every_result_says_what_it_searched_and_what_it_could_not(combo: str, kind: str) -> None:
    tables = _loaded(combo)
    hl = hotlist.Hotlist.from_tables(**tables)
    full = {name for name, t in tables.items() if t.num_rows}
    r = hl.check(**QUERIES[kind])
    assert set(r.searched) == (FOR[kind] | ALSO.get(kind, set())) & full
    for dataset in FOR[kind]:
        said = [w for w in r.warnings if "not checked" in w and dataset in w]
        assert bool(said) == (dataset not in full), (dataset, r.warnings)
    if not r.searched:
        assert not r.hit
    dumped = r.model_dump()
    assert dumped["searched"] == list(r.searched)
    assert '"searched"' in r.model_dump_json()
    # check_many says the same, per row
    rows = hl.check_many([QUERIES[kind], QUERIES[kind]]).to_pylist()
    for row in rows:
        assert row["searched"] == list(r.searched)
        assert row["warnings"] == r.warnings


def test_vin_with_only_documents_loaded_is_not_a_clean_miss() -> None:
    hl = hotlist.Hotlist.from_tables(documents=documents_table(DOCUMENTS))
    r = hl.check(vin="1M8GDM9AXKP042788")
    assert not r.hit
    assert r.searched == ()
    assert any("vin was not checked against vehicles" in w for w in r.warnings)
    doc = hl.check(document="L898902C3", country="UTO")
    assert doc.searched == ("documents",)
    assert doc.warnings == []  # a documents-only deployment is not nagged on every check


def test_an_error_row_searched_nothing() -> None:
    hl = hotlist.Hotlist.from_tables(documents=documents_table(DOCUMENTS))
    rows = hl.check_many([{"document": "L898#902"}, {"document": "L898902C3"}]).to_pylist()
    assert rows[0]["error"] is not None and rows[0]["searched"] == []
    assert rows[-1]["searched"] == ["documents"]


HOLDER_VALUES = {
    "dob": [
        None,
        "1974-08-12",
        "1974",
        "1974-08-13",
        "1990-02-03",
        "1974-13-45",
        "",
        "  ",
        "x" * 40,
    ],
    "nationality": [None, "UTO", "FRA", "Atlantis", "", "U\tTO"],
    "sex": [None, "F", "M", "X", "Q", ""],
}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "document": st.sampled_from(["L898902C3", "L8989O2C3", "C01X00T47", "ZZ1234567"]),
                **{k: st.sampled_from(v) for k, v in HOLDER_VALUES.items()},
            },
            optional={"country": st.sampled_from(["UTO", "DEU"])},
        ),
        min_size=1,
        max_size=10,
    ),
    st.sampled_from([0, 1]),
)
def test_holder_columns_in_check_many_equal_check_per_row(
    hl: hotlist.Hotlist, rows: list[dict[str, str | None]], max_edits: int
) -> None:
    out = hl.check_many(rows, max_edits=max_edits).to_pylist()
    for i, row in enumerate(rows):
        got = [r for r in out if r["query_index"] == i]
        query = {k: v for k, v in row.items() if v is not None}
        # holder values, usable or not, never make a document check fail
        expected = hl.check(**query, max_edits=max_edits)
        assert got[0]["error"] is None, (row, got[0]["error"])
        assert got[0]["warnings"] == expected.warnings, row
        hits = [(r["record_id"], r["score"], r["reasons"]) for r in got if r["hit"]]
        assert hits == [(h.record_id, h.score, h.reasons) for h in expected.hits], row
        # a listed number is found whatever the holder fields say
        if row["document"] in ("L898902C3", "C01X00T47"):
            assert any(r["dataset"] == "documents" for r in got if r["hit"])


def test_not_checked_reads_differently_from_no_hit() -> None:
    hl = hotlist.Hotlist.from_tables(documents=documents_table(DOCUMENTS))
    not_checked = hl.check(vin="1M8GDM9AXKP042788")
    clear = hl.check(document="ZZ1234567")
    for shown in (str(not_checked), not_checked._repr_html_()):
        assert "NOT CHECKED" in shown and "NO HIT" not in shown
        assert "searched nothing" in shown
    for shown in (str(clear), clear._repr_html_()):
        assert "NO HIT" in shown and "NOT CHECKED" not in shown
        assert "searched documents" in shown
