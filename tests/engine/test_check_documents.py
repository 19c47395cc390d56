from __future__ import annotations

import pytest

import hotlist


def ids(result: hotlist.CheckResult) -> list[str]:
    return [h.record_id for h in result.hits]


def test_exact_hit_under_the_asked_country_scores_one(hl: hotlist.Hotlist) -> None:
    r = hl.check(document="L898902C3", country="UTO")
    assert r.hit
    best = r.hits[0]
    assert (best.dataset, best.record_id, best.match, best.score) == (
        "documents",
        "D1",
        "exact",
        1.0,
    )
    assert "document number exact" in best.reasons
    assert best.record["status"] == "stolen"
    assert best.record["issuing_country"] == "UTO"
    assert r.data_version == hl.data_version


def test_the_number_is_compacted_and_the_country_normalised(hl: hotlist.Hotlist) -> None:
    r = hl.check(document=" l898-902 c3 ", country="uto")
    assert r.hits[0].record_id == "D1" and r.hits[0].match == "exact"
    assert hl.check(document="C01X00T47", country="Germany").hits[0].record_id == "D2"
    assert hl.check(document="C01X00T47", country="D").hits[0].record_id == "D2"


def test_ocr_lookalikes_match_at_the_ocr_level(hl: hotlist.Hotlist) -> None:
    r = hl.check(document="L8989O2C3", country="UTO")  # O read for 0
    assert r.hits[0].record_id == "D1"
    assert r.hits[0].match == "ocr"
    assert 0.8 < r.hits[0].score < 1.0


@pytest.mark.parametrize("number", ["L89890C3", "L8989022C3", "L898920C3", "L898902C8"])
def test_one_edit_matches_at_the_edit_level(hl: hotlist.Hotlist, number: str) -> None:
    # deletion, insertion, transposition, substitution (8 is not an OCR twin of 3)
    r = hl.check(document=number, country="UTO")
    assert ids(r)[:1] == ["D1"]
    assert r.hits[0].match == "edit"
    assert hl.check(document=number, country="UTO", max_edits=0).hit is False


def test_the_same_number_under_another_issuer_is_a_weaker_hit(hl: hotlist.Hotlist) -> None:
    r = hl.check(document="L898902C3", country="FRA")
    r = hotlist.CheckResult([h for h in r.hits if h.dataset == "documents"])
    assert ids(r) == ["D1"]
    assert r.hits[0].score < 0.7
    assert any("not FRA" in reason for reason in r.hits[0].reasons)


def test_without_a_country_every_issuer_is_found_best_first(hl: hotlist.Hotlist) -> None:
    r = hl.check(document="C01X00T47")
    assert sorted(ids(r)) == ["D2", "D4"]
    r = hl.check(document="C01X00T47", country="AUT")
    assert ids(r) == ["D4", "D2"]
    assert r.hits[0].score > r.hits[1].score


def test_unknown_issuer_is_weaker_but_not_dropped(hl: hotlist.Hotlist) -> None:
    r = hl.check(document="X5000001", country="NLD")
    assert ids(r) == ["D5"]
    assert any("unknown" in reason for reason in r.hits[0].reasons)


def test_document_type_qualifies(hl: hotlist.Hotlist) -> None:
    same = hl.check(document="12AB34567", country="FRA", document_type="ID card")
    other = hl.check(document="12AB34567", country="FRA", document_type="passport")
    assert same.hits[0].score == 1.0
    assert other.hits[0].score < 1.0
    assert any("listed as id_card" in reason for reason in other.hits[0].reasons)


def test_a_document_listed_on_a_wanted_person_finds_the_person(hl: hotlist.Hotlist) -> None:
    r = hl.check(document="L898902C3", country="UTO")
    assert ("persons", "P1") in [(h.dataset, h.record_id) for h in r.hits]


def test_a_miss_is_a_miss(hl: hotlist.Hotlist) -> None:
    r = hl.check(document="ZZ9999999", country="FRA")
    assert r.hit is False and r.hits == [] and r.warnings == []


def test_limit_and_min_score(hl: hotlist.Hotlist) -> None:
    assert len(hl.check(document="C01X00T47", limit=1).hits) == 1
    assert hl.check(document="L898902C3", country="FRA", min_score=0.9).hits == []
