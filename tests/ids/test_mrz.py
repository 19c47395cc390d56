from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotlist import InvalidQuery
from hotlist.ids import mrz

TD3 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
TD1 = (
    "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<"
)
TD2 = "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nD231458907UTO7408122F1204159<<<<<<<6"
MRVA = "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL8988901C4XXX4009078F96121096ZE184226B<<<<<<"
MRVB = "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nL8988901C4XXX4009078F9612109<<<<<<<<"
TODAY = dt.date(2026, 1, 1)


@pytest.mark.parametrize(
    ("text", "fmt", "number", "nationality", "dob", "expiry", "composite"),
    [
        (TD3, "TD3", "L898902C3", "UTO", dt.date(1974, 8, 12), dt.date(2012, 4, 15), True),
        (TD1, "TD1", "D23145890", "UTO", dt.date(1974, 8, 12), dt.date(2012, 4, 15), True),
        (TD2, "TD2", "D23145890", "UTO", dt.date(1974, 8, 12), dt.date(2012, 4, 15), True),
        (MRVA, "MRV-A", "L8988901C", "XXX", dt.date(1940, 9, 7), dt.date(1996, 12, 10), False),
        (MRVB, "MRV-B", "L8988901C", "XXX", dt.date(1940, 9, 7), dt.date(1996, 12, 10), False),
    ],
)
def test_specimens(  # noqa: PLR0917 - one argument per parametrised column
    text: str,
    fmt: str,
    number: str,
    nationality: str,
    dob: dt.date,
    expiry: dt.date,
    composite: bool,
) -> None:
    m = mrz.parse(text, today=TODAY)
    assert m.format == fmt
    assert m.issuing_country == "UTO" and m.issuing_country_code == "UTO"
    assert m.document_number == number
    assert (m.family_name, m.given_names) == ("ERIKSSON", "ANNA MARIA")
    assert m.nationality == nationality
    assert (m.date_of_birth, m.date_of_expiry, m.sex) == (dob, expiry, "F")
    assert m.valid and m.warnings == []
    assert ("composite" in m.check_digits) is composite
    assert set(m.check_digits.values()) <= {"valid", "absent"}
    assert mrz.is_valid(text)
    assert mrz.validate(text) == text


@pytest.mark.parametrize(
    "text",
    [
        TD3.lower(),
        "   " + TD3.replace("\n", "\n    ") + "\n\n",
        TD3.replace("\n", ""),
        TD3.replace("\n", "\r\n"),
    ],
)
def test_lenient_input(text: str) -> None:
    assert mrz.parse(text).lines == tuple(TD3.split("\n"))


def test_td1_and_td2_run_together() -> None:
    assert mrz.parse(TD1.replace("\n", "")).format == "TD1"
    assert mrz.parse(TD2.replace("\n", "")).format == "TD2"


def test_wrong_digits_are_warnings() -> None:
    text = TD3.replace("L898902C36", "L898902C35")
    m = mrz.parse(text)
    assert m.document_number == "L898902C3"  # still there, still searched
    assert m.check_digits["document_number"] == "invalid"
    assert m.check_digits["composite"] == "invalid"
    assert not m.valid
    assert "MRZ check digit of the document number is wrong" in m.warnings
    assert not mrz.is_valid(text)
    with pytest.raises(InvalidQuery, match="document number is wrong"):
        mrz.validate(text)


def test_ocr_repairs_are_reported() -> None:
    text = (
        "P<UT0ERlKSSON<<ANNA<MAR1A<<<<<<<<<<<<<<<<<<<\nL898902C36UTO74O8122F12O4159ZE184226B<<<<<1O"
    )
    m = mrz.parse(text)
    assert m.valid
    assert (m.issuing_country, m.family_name, m.given_names) == ("UTO", "ERLKSSON", "ANNA MARIA")
    assert m.date_of_birth == dt.date(1974, 8, 12)
    assert m.warnings == [
        "MRZ line 1, position 5 (issuing country): read '0' as 'O'",
        "MRZ line 1, position 24 (name): read '1' as 'I'",
        "MRZ line 2, position 16 (date of birth): read 'O' as '0'",
        "MRZ line 2, position 24 (date of expiry): read 'O' as '0'",
        "MRZ line 2, position 44 (composite check digit): read 'O' as '0'",
    ]


def test_german_code_and_unknown_fields() -> None:
    text = mrz.build(
        "TD3",
        document_code="P",
        issuing_country="DEU",
        document_number="C01X00T47",
        family_name="Mustermann",
        given_names="Erika",
        nationality="D",
        date_of_birth=None,
        sex=None,
        date_of_expiry=dt.date(2031, 10, 31),
    )
    assert text.startswith("P<D<<MUSTERMANN<<ERIKA<")
    m = mrz.parse(text, today=TODAY)
    assert (m.issuing_country, m.issuing_country_code, m.nationality_code) == ("D", "DEU", "DEU")
    assert m.date_of_birth is None and m.sex is None
    assert m.check_digits["date_of_birth"] == "absent"
    assert m.date_of_expiry == dt.date(2031, 10, 31)
    assert m.valid


def test_two_digit_years() -> None:
    born = mrz.build(
        "TD3",
        document_code="P",
        issuing_country="UTO",
        document_number="X1",
        family_name="A",
        given_names="B",
        nationality="UTO",
        date_of_birth=dt.date(2025, 6, 1),
        sex="M",
        date_of_expiry=dt.date(2045, 6, 1),
    )
    m = mrz.parse(born, today=dt.date(2026, 1, 1))
    assert m.date_of_birth == dt.date(2025, 6, 1)
    assert m.date_of_expiry == dt.date(2045, 6, 1)
    # birth later this year than today: last century
    assert mrz.parse(born, today=dt.date(2025, 5, 1)).date_of_birth == dt.date(1925, 6, 1)


def test_invalid_date_is_a_warning() -> None:
    text = TD3.replace("7408122", "741312" + mrz.check_digit("741312"))
    m = mrz.parse(text)
    assert m.date_of_birth is None
    assert "MRZ date of birth 741312 is not a date" in m.warnings


def test_td1_long_document_number() -> None:
    text = mrz.build(
        "TD1",
        document_code="ID",
        issuing_country="FRA",
        document_number="AB123456789012",
        family_name="Dupont",
        given_names="Jean",
        nationality="FRA",
        date_of_birth=dt.date(1980, 1, 2),
        sex="M",
        date_of_expiry=dt.date(2030, 1, 2),
    )
    line1 = text.split("\n")[0]
    assert line1[5:15] == "AB1234567<"
    m = mrz.parse(text)
    assert m.document_number == "AB123456789012"
    assert m.check_digits["document_number"] == "valid" and m.valid


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("P<UTO", "one line of 5"),
        (TD3 + "\nXX", "3 lines of 44, 44, 2"),
        (TD3[:-1], "2 lines of 44, 43"),
        (TD3.replace("ANNA", "ANNÄ"), "line 1, position 19 holds 'Ä'"),
        (TD3.replace("<<<<<10", "<<<<#10"), "holds '#'"),
        ("P" * 5_000_000, "5000000 characters"),
    ],
)
def test_malformed(text: str, message: str) -> None:
    with pytest.raises(InvalidQuery, match=message):
        mrz.parse(text)
    assert not mrz.is_valid(text)


def test_huge_input_is_refused_without_reading_it() -> None:
    # The work (Python lines run) is the same for 5 MB as for a value just over the
    # limit: the length is checked before anything looks at the characters.
    from work import python_lines

    small, small_error = python_lines(mrz.parse, "P<" * 201)
    huge, huge_error = python_lines(mrz.parse, "P<" * 2_500_000)
    assert isinstance(small_error, InvalidQuery) and isinstance(huge_error, InvalidQuery)
    assert "5000000 characters" in str(huge_error)
    assert huge <= small


def test_check_digit() -> None:
    assert mrz.check_digit("L898902C3") == "6"
    assert mrz.check_digit("ZE184226B<<<<<") == "1"
    with pytest.raises(InvalidQuery):
        mrz.check_digit("a")


def test_build_rejects() -> None:
    kw: dict[str, object] = {
        "document_code": "P",
        "issuing_country": "UTO",
        "document_number": "X1",
        "family_name": "A",
        "given_names": "B",
        "nationality": "UTO",
        "date_of_birth": None,
        "sex": "M",
        "date_of_expiry": None,
    }
    with pytest.raises(InvalidQuery, match="unknown MRZ format"):
        mrz.build("TD4", **kw)  # type: ignore[arg-type]
    with pytest.raises(InvalidQuery, match="at most 9"):
        mrz.build("TD3", **{**kw, "document_number": "A" * 10})  # type: ignore[arg-type]
    with pytest.raises(InvalidQuery, match="sex"):
        mrz.build("TD3", **{**kw, "sex": "Q"})  # type: ignore[arg-type]
    with pytest.raises(InvalidQuery, match="not a known country"):
        mrz.build("TD3", **{**kw, "nationality": "Narnia"})  # type: ignore[arg-type]


NAME = st.text(
    st.sampled_from(list("ABCDEFGHIJKLMNOPQRSTUVWXYZabcxyz ÄÖÜßéñçŁ-'")), min_size=1, max_size=25
).filter(lambda s: any(c.isalpha() for c in s))
DATE = st.one_of(st.none(), st.dates(dt.date(1930, 1, 1), dt.date(2025, 12, 31)))
EXPIRY = st.one_of(st.none(), st.dates(dt.date(2000, 1, 1), dt.date(2045, 12, 31)))
FORMATS = st.sampled_from(["TD1", "TD2", "TD3", "MRV-A", "MRV-B"])
COUNTRY = st.sampled_from(["UTO", "DEU", "D", "FRA", "GBD", "XXA", "RKS", "USA"])


@settings(max_examples=150, deadline=None)
@given(
    FORMATS,
    st.from_regex(r"[A-Z0-9]{1,9}", fullmatch=True),
    NAME,
    NAME,
    COUNTRY,
    COUNTRY,
    DATE,
    EXPIRY,
    st.sampled_from(["M", "F", "X", None]),
    st.from_regex(r"[A-Z0-9]{0,7}", fullmatch=True),
)
def test_build_round_trips(  # noqa: PLR0917 - one argument per strategy
    fmt: str,
    number: str,
    family: str,
    given: str,
    issuing: str,
    nationality: str,
    dob: dt.date | None,
    expiry: dt.date | None,
    sex: str | None,
    optional: str,
) -> None:
    code = "V" if fmt.startswith("MRV") else "P" if fmt in ("TD3",) else "I"
    text = mrz.build(
        fmt,  # type: ignore[arg-type]
        document_code=code,
        issuing_country=issuing,
        document_number=number,
        family_name=family,
        given_names=given,
        nationality=nationality,
        date_of_birth=dob,
        sex=sex,
        date_of_expiry=expiry,
        optional_data=optional,
    )
    m = mrz.parse(text, today=dt.date(2026, 1, 1))
    assert m.format == fmt
    assert m.valid, m.warnings
    assert m.document_code == code
    assert m.document_number == number
    assert m.issuing_country_code == ("DEU" if issuing == "D" else issuing)
    assert m.nationality_code == ("DEU" if nationality == "D" else nationality)
    assert m.date_of_birth == dob
    assert m.date_of_expiry == expiry
    assert m.sex == sex
    assert m.optional_data == optional
    assert m.family_name.replace(" ", "") and m.family_name.replace(" ", "").isalpha()
    assert mrz.build(
        fmt,
        document_code=code,
        issuing_country=m.issuing_country,
        document_number=m.document_number,
        family_name=m.family_name,
        given_names=m.given_names,
        nationality=m.nationality,
        date_of_birth=m.date_of_birth,
        sex=m.sex,
        date_of_expiry=m.date_of_expiry,
        optional_data=m.optional_data,
    ) == "\n".join(m.lines)
