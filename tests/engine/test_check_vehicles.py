from __future__ import annotations

import pytest

import hotlist


def test_full_vin_exact(hl: hotlist.Hotlist) -> None:
    r = hl.check(vin="1M8GDM9AXKP042788")
    assert [(h.record_id, h.match, h.score) for h in r.hits] == [("V1", "exact", 1.0)]
    assert r.warnings == []


def test_vin_with_forbidden_letters_is_repaired_and_says_so(hl: hotlist.Hotlist) -> None:
    r = hl.check(vin="1M8GDM9AXKPO42788")  # O typed for 0
    assert r.hits[0].record_id == "V1"
    assert r.hits[0].match == "ocr"  # README: exact = the same VIN; ocr = equal after I->1, O/Q->0
    assert r.hits[0].severity == "alarm"  # the repair is the only reading ISO 3779 allows
    assert any("O" in w and "0" in w for w in r.warnings)


def test_vin_one_edit(hl: hotlist.Hotlist) -> None:
    r = hl.check(vin="1M8GDM9AXKP042789")
    assert r.hits[0].record_id == "V1" and r.hits[0].match == "edit"
    assert any("check digit" in w for w in r.warnings)
    assert hl.check(vin="1M8GDM9AXKP042789", max_edits=0).hit is False


@pytest.mark.parametrize("suffix", ["042788", "P042788", "KP042788", "kp 042788"])
def test_partial_vin_from_the_last_characters(hl: hotlist.Hotlist, suffix: str) -> None:
    r = hl.check(vin=suffix)
    assert r.hits[0].record_id == "V1"
    assert r.hits[0].match == "partial"
    assert r.hits[0].score < 0.75


def test_european_vin_without_check_digit_is_searched(hl: hotlist.Hotlist) -> None:
    r = hl.check(vin="WVWZZZ1JZXW000001")
    assert r.hits[0].record_id == "V2"
    assert not any("check digit" in w for w in r.warnings)


def test_plate_exact_ocr_and_country(hl: hotlist.Hotlist) -> None:
    r = hl.check(plate="AB 123 CD", country="FRA")
    assert (r.hits[0].record_id, r.hits[0].match, r.hits[0].score) == ("V3", "exact", 1.0)
    r = hl.check(plate="A8-123-CD", country="FRA")
    assert (r.hits[0].record_id, r.hits[0].match) == ("V3", "ocr")
    other = hl.check(plate="AB-123-CD", country="BEL")
    assert (other.hits[0].record_id, other.hits[0].severity) == ("V3", "possible")
    assert other.hits[0].score < 0.85  # weaker than any match under the asked country
    # another country's OCR look-alike stays above the default min_score: never dropped
    assert hl.check(plate="A8-123-CD", country="BEL").hits[0].record_id == "V3"
    assert hl.check(plate="AB-123-CD", country="BEL", min_score=0.7).hit is False


def test_too_short_vin_is_refused(hl: hotlist.Hotlist) -> None:
    with pytest.raises(hotlist.InvalidQuery, match="last 6 characters"):
        hl.check(vin="42788")
