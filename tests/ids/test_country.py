from __future__ import annotations

import pycountry
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotlist import InvalidQuery
from hotlist.ids import country


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("D", "DEU"),
        ("D<<", "DEU"),
        ("deu", "DEU"),
        ("DE", "DEU"),
        ("276", "DEU"),
        ("Germany", "DEU"),
        ("  germany ", "DEU"),
        ("Federal Republic of Germany", "DEU"),
        ("GBR", "GBR"),
        ("gb", "GBR"),
        ("UK", "GBR"),
        ("United Kingdom", "GBR"),
        ("Great Britain", "GBR"),
        ("GBD", "GBD"),
        ("GBN", "GBN"),
        ("GBO", "GBO"),
        ("GBP", "GBP"),
        ("GBS", "GBS"),
        ("UNO", "UNO"),
        ("UNA", "UNA"),
        ("UNK", "UNK"),
        ("XXA", "XXA"),
        ("XXB", "XXB"),
        ("XXC", "XXC"),
        ("XXX", "XXX"),
        ("EUE", "EUE"),
        ("XPO", "XPO"),
        ("UTO", "UTO"),
        ("Utopia", "UTO"),
        ("RKS", "RKS"),
        ("Kosovo", "RKS"),
        ("XK", "RKS"),
        ("Russia", "RUS"),
        ("Russian Federation", "RUS"),
        ("South Korea", "KOR"),
        ("Korea, Republic of", "KOR"),
        ("Republic of Korea", "KOR"),
        ("North Korea", "PRK"),
        ("Côte d'Ivoire", "CIV"),
        ("COTE D'IVOIRE", "CIV"),
        ("Ivory Coast", "CIV"),
        ("Viet Nam", "VNM"),
        ("Vietnam", "VNM"),
        ("Iran", "IRN"),
        ("Türkiye", "TUR"),
        ("Turkey", "TUR"),
        ("Czechia", "CZE"),
        ("Czech Republic", "CZE"),
        ("St Lucia", "LCA"),
        ("Bosnia & Herzegovina", "BIH"),
        ("The Netherlands", "NLD"),
        ("Congo", "COG"),
        ("840", "USA"),
        ("usa", "USA"),
        ("4", "AFG"),
        ("YUG", "YUG"),
        ("csk", "CSK"),
    ],
)
def test_normalize_table(value: str, code: str) -> None:
    assert country.normalize(value) == code
    assert country.lookup(value) == code
    assert country.is_valid(value)


@pytest.mark.parametrize("value", ["", "   ", "<<<", "ZZZ", "Narnia", "Korea", "12345", "D1", "QQ"])
def test_unknown_raises_and_lookup_is_none(value: str) -> None:
    with pytest.raises(InvalidQuery):
        country.normalize(value)
    assert country.lookup(value) is None
    assert not country.is_valid(value)


def test_unknown_names_candidates() -> None:
    with pytest.raises(InvalidQuery, match=r"Germany \(DEU\)"):
        country.normalize("Germanny")
    with pytest.raises(InvalidQuery, match=r"South Korea \(KOR\).*North Korea \(PRK\)"):
        country.normalize("Korea")


def test_every_iso_country_round_trips() -> None:
    for c in pycountry.countries:
        assert country.normalize(c.alpha_3) == c.alpha_3
        assert country.normalize(c.alpha_2.lower()) == c.alpha_3
        assert country.normalize(c.numeric) == c.alpha_3
        assert country.normalize(c.name) == c.alpha_3
        # the canonical code is stable
        assert country.normalize(country.normalize(c.name)) == c.alpha_3
        assert country.name(c.alpha_3)


def test_name() -> None:
    assert country.name("D") == "Germany"
    assert country.name("UTO") == "Utopia"
    assert country.name("KOR") == "South Korea"
    with pytest.raises(InvalidQuery):
        country.name("ZZZ")


def test_lookup_none_and_non_str() -> None:
    assert country.lookup(None) is None
    assert country.lookup(42) is None


def test_compact_and_format() -> None:
    assert country.compact(" d<< ") == "D"
    assert country.format("d") == "DEU"
    assert country.validate("fr") == "FRA"


@given(st.text(max_size=50))
def test_lookup_never_raises_and_is_canonical(value: str) -> None:
    code = country.lookup(value)
    assert code is None or country.lookup(code) == code
