"""Severity and action on every hit (issue 13 point 1, issue 12 point 1)."""

from __future__ import annotations

import itertools

import pytest

import hotlist
from hotlist._decisions import (
    ALARM,
    POSSIBLE,
    action_for,
    document_severity,
    plate_severity,
    severity_from_reasons,
    vin_severity,
)
from hotlist._documents import document_score
from hotlist._vehicles import plate_score, vin_score
from hotlist.ids import mrz as mrz_ids

from .helpers import small_hotlist


@pytest.fixture(scope="module")
def hl() -> hotlist.Hotlist:
    return small_hotlist()


COUNTRIES = [None, "FRA", "DEU", "XXA"]


@pytest.mark.parametrize(
    ("level", "asked", "listed", "asked_type"),
    list(
        itertools.product(
            ["exact", "ocr", "edit"], COUNTRIES, ["FRA", "XXA"], [None, "passport", "visa"]
        )
    ),
)
def test_document_severity_is_what_the_reasons_say(
    level: str, asked: str | None, listed: str, asked_type: str | None
) -> None:
    score, reasons = document_score(level, asked, listed, asked_type, "passport")
    expected = document_severity(level, asked, listed)
    assert severity_from_reasons("documents", level, score, reasons) == expected
    # the rule itself, written out
    consistent = asked in (None, listed) or "XXA" in (asked, listed)
    assert expected == (ALARM if level in ("exact", "ocr") and consistent else POSSIBLE)


@pytest.mark.parametrize("level", ["exact", "ocr", "edit", "partial"])
def test_vin_severity_matches_reasons(level: str) -> None:
    score, reasons = vin_score(level, 7) if level == "partial" else vin_score(level)
    assert severity_from_reasons("vehicles", level, score, reasons) == vin_severity(level)
    assert vin_severity(level) == (ALARM if level in ("exact", "ocr") else POSSIBLE)


@pytest.mark.parametrize(
    ("level", "asked", "listed"),
    list(itertools.product(["exact", "ocr"], [None, "FRA", "DEU"], [None, "FRA"])),
)
def test_plate_severity_matches_reasons(level: str, asked: str | None, listed: str | None) -> None:
    score, reasons = plate_score(level, asked, listed)
    expected = plate_severity(level, asked, listed)
    assert severity_from_reasons("vehicles", level, score, reasons) == expected
    assert expected == (ALARM if asked is not None and asked == listed else POSSIBLE)


def test_exact_number_same_issuer_is_an_alarm_and_says_retain(hl: hotlist.Hotlist) -> None:
    r = hl.check(document="X1234567", country="FRA")
    assert r.alarm and r.hits[0].severity == "alarm"
    assert r.hits[0].action.startswith("Stolen document: retain it")
    assert hl.check(document="X1234567").alarm  # issuer not given
    assert hl.check(document="XI234567", country="FRA").hits[0].match == "ocr"
    assert hl.check(document="XI234567", country="FRA").alarm


def test_unknown_issuer_on_the_record_is_an_alarm(hl: hotlist.Hotlist) -> None:
    r = hl.check(document="B7654321", country="DEU")
    assert r.alarm
    assert "probably counterfeit" in r.hits[0].action


def test_other_issuer_and_one_edit_are_possible_but_still_hits(hl: hotlist.Hotlist) -> None:
    for kw in (
        {"document": "X1234567", "country": "DEU"},
        {"document": "X1234568", "country": "FRA"},
    ):
        r = hl.check(**kw)
        assert r.hit and not r.alarm
        assert r.hits[0].severity == "possible"
        assert r.hits[0].action.startswith("Possible match: compare the document")


def _mrz(number: str, expiry: object) -> str:
    import datetime as dt

    assert isinstance(expiry, dt.date)
    return mrz_ids.build(
        "TD3",
        document_code="P",
        issuing_country="FRA",
        document_number=number,
        family_name="TRAVELLER",
        given_names="TOM",
        nationality="FRA",
        date_of_birth=dt.date(1980, 1, 1),
        sex="M",
        date_of_expiry=expiry,
    )


def test_mrz_expiry_corroborates_a_one_edit_number(hl: hotlist.Hotlist) -> None:
    import datetime as dt

    same = hl.check(mrz=_mrz("X1234568", dt.date(2030, 5, 17)))
    doc = next(h for h in same.hits if h.record_id == "D1")
    assert doc.match == "edit" and doc.severity == "alarm"
    assert any("date of expiry 2030-05-17" in r for r in doc.reasons)
    other = hl.check(mrz=_mrz("X1234568", dt.date(2031, 5, 17)))
    doc = next(h for h in other.hits if h.record_id == "D1")
    assert doc.severity == "possible"


def test_limit_says_how_many_hits_it_left_out(hl: hotlist.Hotlist) -> None:
    full = hl.check(document="DUP00001", limit=10)
    assert len(full.hits) == 5 and full.omitted == 0
    cut = hl.check(document="DUP00001", limit=2)
    assert len(cut.hits) == 2 and cut.omitted == 3
    assert cut.model_dump()["omitted"] == 3
    miss = hl.check(document="NOTLISTED1")
    assert not miss.hit and not miss.alarm and miss.omitted == 0


def test_vehicle_severities(hl: hotlist.Hotlist) -> None:
    assert hl.check(vin="1M8GDM9AXKP042788").alarm
    assert not hl.check(vin="1M8GDM9AXKP042789").alarm  # one edit
    assert not hl.check(vin="KP042788").alarm  # partial
    assert hl.check(plate="AB-123-CD", country="FRA").alarm
    r = hl.check(plate="AB-123-CD")
    assert r.hit and not r.alarm


def test_person_action_puts_the_caution_first_and_follows_the_notice() -> None:
    red = action_for("persons", {"notice_type": "red", "caution": "armed and dangerous"}, ALARM)
    assert red.startswith("CAUTION: armed and dangerous. Red notice")
    assert "do not alert the person" in red and "NCB before any arrest" in red
    yellow = action_for("persons", {"notice_type": "yellow", "caution": None}, ALARM)
    assert "missing person" in yellow and "safety" in yellow
    blue = action_for("persons", {"notice_type": "blue"}, POSSIBLE)
    assert blue.startswith("Possible match") and "information sought" in blue


def test_person_hits_carry_severity_and_action(hl: hotlist.Hotlist) -> None:
    r = hl.check(name="DUPONT, Jean Marc", dob="1970-02-03")
    hit = next(h for h in r.hits if h.record_id == "P1")
    assert hit.action.startswith("CAUTION: armed and dangerous.")
    assert hit.severity in ("alarm", "possible")
    # a number listed on a wanted person carries no issuer: possible
    listed = hl.check(document="Z9988776")
    assert [h.severity for h in listed.hits if h.record_id == "P1"] == ["possible"]


def test_check_many_has_severity_and_action_columns(hl: hotlist.Hotlist) -> None:
    t = hl.check_many(
        [{"document": "X1234567", "country": "FRA"}, {"document": "X1234567", "country": "DEU"}]
    )
    rows = t.select(["query_index", "severity", "action"]).to_pylist()
    assert [r["severity"] for r in rows] == ["alarm", "possible"]
    assert rows[0]["action"] == hl.check(document="X1234567", country="FRA").hits[0].action
