from __future__ import annotations

import pytest

import hotlist


def person_ids(result: hotlist.CheckResult) -> list[str]:
    return [h.record_id for h in result.hits if h.dataset == "persons"]


@pytest.mark.parametrize(
    "query",
    [
        {"name": "ERIKSSON, Anna Maria"},
        {"name": "Anna Maria Eriksson"},
        {"name": "Anna Eriksson", "dob": "1974-08-12"},
        {"family_name": "Eriksson", "given_names": "Anna Maria"},
        {"name": "ERIKSON, Anna Maria", "dob": "1974-08-12"},
        {"name": "Eriksson, Anna Maria", "dob": "1974-12-08"},
    ],
)
def test_name_variants_find_the_wanted_person(hl: hotlist.Hotlist, query: dict[str, str]) -> None:
    r = hl.check(**query)
    assert person_ids(r)[:1] == ["P1"], r
    hit = r.hits[0]
    assert hit.record["caution"] == "armed and dangerous"
    assert hit.reasons


def test_dob_reasons_are_given(hl: hotlist.Hotlist) -> None:
    r = hl.check(name="Eriksson, Anna Maria", dob="1974-12-08")
    assert any("swap" in reason.lower() for reason in r.hits[0].reasons)
    exact = hl.check(name="Eriksson, Anna Maria", dob="1974-08-12")
    assert exact.hits[0].score > r.hits[0].score


def test_cyrillic_record_found_by_latin_name_and_alias(hl: hotlist.Hotlist) -> None:
    assert person_ids(hl.check(name="Sergey Petrovich Ivanov", dob="1980-05-05"))[:1] == ["P2"]
    assert person_ids(hl.check(name="IVANOV, Sergei"))[:1] == ["P2"]
    assert person_ids(hl.check(name="Иванов Сергей"))[:1] == ["P2"]


def test_transliteration_variants_and_particles(hl: hotlist.Hotlist) -> None:
    r = hl.check(name="Muhammad Abdulrahman Al Rashid", dob="1985-03-07")
    assert person_ids(r)[:1] == ["P3"]


def test_common_name_with_a_different_dob_does_not_alarm(hl: hotlist.Hotlist) -> None:
    assert hl.check(name="John Smith", dob="1970-01-01").hit
    assert not hl.check(name="John Smith", dob="1991-06-23").hit


def test_another_given_name_is_another_person(hl: hotlist.Hotlist) -> None:
    assert person_ids(hl.check(name="Peter Eriksson")) == []
    assert person_ids(hl.check(name="Karl Smith", dob="1970-01-01")) == []


def test_sex_and_nationality_qualify(hl: hotlist.Hotlist) -> None:
    base = hl.check(name="Eriksson, Anna Maria").hits[0].score
    same = hl.check(name="Eriksson, Anna Maria", nationality="UTO", sex="F").hits[0]
    assert same.score >= base
    other = hl.check(name="Eriksson, Anna Maria", sex="M", name_threshold=0.3)
    assert other.hits[0].score < base
    assert any("sex" in reason for reason in other.hits[0].reasons)


def test_mrz_checks_document_and_holder(hl: hotlist.Hotlist) -> None:
    text = (
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
    )
    r = hl.check(mrz=text)
    found = {(h.dataset, h.record_id) for h in r.hits}
    assert ("documents", "D1") in found and ("persons", "P1") in found
    assert r.warnings == []
    bad = text.replace("L898902C36", "L898902C37")
    r = hl.check(mrz=bad)
    assert ("documents", "D1") in {(h.dataset, h.record_id) for h in r.hits}
    assert any("check digit" in w and "document number" in w for w in r.warnings)
