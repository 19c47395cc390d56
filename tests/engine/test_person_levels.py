"""The name levels split off for the reviewer's R-S2 / R-S5 (issue 11): a *loose*
spelling variant (a spelling variant only after an edit of the variant forms:
EVANS / IVAN, RICKY / RIFKIYE) and an initial standing for a *family* name.

Both were scored as the levels they were split from (a spelling variant, m 0.05;
an initial, m 0.01), so an initial for one part, a loose "variant" of another
and a date of birth agreeing in its year put unrelated persons at 0.93-0.99.
Each level now has its own m and u (``hotlist.scoring.PersonWeights``: the loose
level's u is the term frequency plus the share of random pairs of listed parts
that are loose variants; m of both is what the corruption model gives, raised to
an allowance for real lists).  Both only ever lower a pair's bits: the cached
full scans of ``benchmarks/person_recall.py`` are re-scored, not re-run, on that
property (``--rescore-from``), tested in tests/names/test_model_levels.py."""

from __future__ import annotations

import numpy as np
import pytest
from engine_tables import persons_table
from test_person_candidates import _person

import hotlist
from hotlist import names
from hotlist._persons import PersonIndex, PersonQuery
from hotlist.names._compare import compare


def _listed(rid: str, name: str, dob: str, nationality: str) -> dict[str, object]:
    family, _, given = name.partition(", ")
    row = _person(rid, family, given, dob)
    row["nationalities"] = [nationality]
    return row


LISTED = [
    _listed("BATIG", "Батіг, Іван Вадимович", "1973-01-03", "UKR"),
    _listed("SAKARYA", "SAKARYA, Rıfkıye", "1953-02-20", "TUR"),
    _listed("MAI", "MAI, Tú", "2003-02-15", "VNM"),
    _listed("LOWE", "LOWE, Molly", "1981-08-30", "GBR"),
    _listed("ARAGAO", "ARAGÃO, Milena Larissa", "1981-08-10", "BRA"),
    _listed("IVANOV", "IVANOV, Petr Sergeevich", "1960-04-12", "RUS"),
    _listed("SMITH", "SMITH, John", "1970-03-03", "GBR"),
]

# (query, the listed person it must not reach the default threshold for): the
# reviewer's full-scan "hits" at 0.93-0.99 on the 30 k sample of the 1 M devdata
UNRELATED = [
    ({"name": "EVANS B", "dob": "1973-01"}, "BATIG"),  # was 0.9939
    ({"name": "S. Ricky", "dob": "1953-01-01", "nationality": "GBR"}, "SAKARYA"),  # was 0.9931
    ({"name": "M. V\u0169", "dob": "2003-01-01", "nationality": "VNM"}, "MAI"),  # was 0.956
    ({"name": "ARAG\u00c3O M L", "dob": "1981-08"}, "LOWE"),  # was 0.9321
]


@pytest.fixture(scope="module")
def hl() -> hotlist.Hotlist:
    return hotlist.Hotlist.from_tables(persons=persons_table(LISTED))


def _full_scan(
    hl: hotlist.Hotlist, query: dict[str, str]
) -> dict[str, tuple[float, tuple[str, ...]]]:
    """Every listed person's score and reasons (a full scan at threshold 0)."""
    index: PersonIndex = hl._state.persons
    q = PersonQuery(
        names.normalize(query["name"]),
        names.parse_dob(query["dob"]) if "dob" in query else None,
        query.get("nationality"),
        None,
    )
    ids = hl.tables["persons"].column("record_id").to_pylist()
    found = index.score_entries(q, np.arange(index.num_entries), threshold=0.0)
    return {ids[c.row]: (c.score, c.reasons) for c in found}


@pytest.mark.parametrize(("query", "listed"), UNRELATED)
def test_an_initial_and_a_loose_variant_with_a_year_do_not_make_a_hit(
    hl: hotlist.Hotlist, query: dict[str, str], listed: str
) -> None:
    score, reasons = _full_scan(hl, query)[listed]
    assert score < 0.8, reasons  # well under the default threshold (0.85)
    assert listed not in {
        h.record_id
        for h in hl.check(
            name=query["name"], dob=query.get("dob"), nationality=query.get("nationality")
        ).hits
    }


def test_the_reasons_name_the_new_levels(hl: hotlist.Hotlist) -> None:
    _, reasons = _full_scan(hl, {"name": "EVANS B", "dob": "1973-01"})["BATIG"]
    assert any(r.startswith("given name loose spelling variant: EVANS / IVAN") for r in reasons)
    assert any(r.startswith("family name initial: B / BATIG") for r in reasons)


def test_the_listed_persons_are_still_found(hl: hotlist.Hotlist) -> None:
    """Given-name initials with the family name, and a loose transliteration
    (PYOTR / PETR) with the family name and the date of birth, stay hits."""
    r = hl.check(name="ARAG\u00c3O M L", dob="1981-08")
    assert [h.record_id for h in r.hits][:1] == ["ARAGAO"]
    assert r.hits[0].severity == "alarm"
    r = hl.check(name="IVANOV, Pyotr", dob="1960-04-12")
    assert [h.record_id for h in r.hits][:1] == ["IVANOV"]
    r = hl.check(name="J. Smith", dob="1970-03-03")
    assert [h.record_id for h in r.hits][:1] == ["SMITH"]


def test_the_levels_are_what_the_rule_says() -> None:
    """loose: a VARIANT token pair under the variant score after a consonant
    edit of the variant forms; the variant forms equal or one vowel apart stay a
    spelling variant; an initial is a family_initial exactly when the listed part
    is a family name."""
    levels = {lv.token: lv.level for lv in compare("EVANS B", "BATIG, IVAN VADIMOVICH")}
    assert levels == {"BATIG": "family_initial", "IVAN": "loose", "VADIMOVICH": "dropped_middle"}
    levels = {lv.token: lv.level for lv in compare("SERGEY SMYTH", "SMITH, SERGEI")}
    assert levels == {"SMITH": "variant", "SERGEI": "variant"}
    levels = {lv.token: lv.level for lv in compare("J SMITH", "SMITH, JOHN")}
    assert levels == {"SMITH": "exact", "JOHN": "initial"}


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("IVANOV PETR", "IVANOV, PYOTR"),  # Пётр: YO or E (ICAO 9303 writes E)
        ("IVANOV PYOTR", "IVANOV, PETR"),
        ("IVANOV PIOTR", "IVANOV, PETR"),  # the Polish form
        ("IVANOV PIOTR", "IVANOV, PYOTR"),
        ("KOROLEV FEDOR", "KOROLYOV, FYODOR"),
    ],
)
def test_transliterations_one_vowel_apart_are_spelling_variants(query: str, listed: str) -> None:
    """Transliterations of one name differ mostly in their vowels: variant forms
    one vowel apart (PIUTR / PITR) are a spelling variant, however short the name
    (FYODOR / FEDOR were one for their length, PYOTR / PETR became loose)."""
    levels = {lv.token: lv.level for lv in compare(query, listed)}
    assert set(levels.values()) <= {"exact", "variant"}, levels
    assert "variant" in levels.values()


@pytest.mark.parametrize(
    ("query", "listed", "token"),
    [
        ("EVANS", "IVAN", "IVAN"),  # S dropped
        ("RICKY", "RIFKIYE", "RIFKIYE"),  # C / F
        ("BURTON, MOHAMED", "HORTON, MOHAMED", "HORTON"),  # B / H
    ],
)
def test_a_consonant_edit_of_the_variant_forms_stays_loose(
    query: str, listed: str, token: str
) -> None:
    assert {lv.token: lv.level for lv in compare(query, listed)}[token] == "loose"


@pytest.mark.parametrize(
    ("listed", "query"),
    [
        ("IVANOV, Pyotr", {"family_name": "IVANOV", "given_names": "Petr"}),
        (
            "IVANOV, Pyotr",
            {"name": "\u0418\u0412\u0410\u041d\u041e\u0412 \u041f\u0451\u0442\u0440"},
        ),
        (
            "\u0418\u0412\u0410\u041d\u041e\u0412, \u041f\u0451\u0442\u0440",
            {"name": "IVANOV Pyotr"},
        ),
        ("IVANOV, Petr", {"name": "IVANOV, Piotr"}),
    ],
)
def test_a_transliterated_given_name_with_the_family_name_is_a_hit_without_a_dob(
    listed: str, query: dict[str, str]
) -> None:
    """The reviewer's V-2: IVANOV, Pyotr checked as IVANOV Petr / ИВАНОВ Пётр
    (which the library transliterates to IVANOV PETR) with no date of birth was
    no hit and no warning while PYOTR / PETR was a loose variant."""
    hl = hotlist.Hotlist.from_tables(
        persons=persons_table(
            [_listed("P1", listed, "1960-03-14", "RUS")]
            + [row for row in LISTED if row["record_id"] != "IVANOV"]
        )
    )
    r = hl.check(
        name=query.get("name"),
        family_name=query.get("family_name"),
        given_names=query.get("given_names"),
    )
    assert [h.record_id for h in r.hits][:1] == ["P1"], (r.hits, r.warnings)
    assert any(reason.startswith("given name spelling variant") for reason in r.hits[0].reasons)


@pytest.mark.parametrize(
    ("listed", "query"),
    [
        ("GADDAFI, Muammar", {"family_name": "QADHAFI", "given_names": "Moammar"}),
        ("TSVETKOV, Mikhail", {"family_name": "ZWETKOW", "given_names": "Michail"}),
        ("YELTSIN, Boris", {"family_name": "JELZIN", "given_names": "Boris"}),
        ("KOWALCZYK, Jan", {"family_name": "KOVALCHIK", "given_names": "Jan"}),
        ("TCHAIKOVSKY, Pyotr", {"family_name": "CHAIKOVSKY", "given_names": "Petr"}),
        (
            "\u0426\u0412\u0415\u0422\u041a\u041e\u0412, \u041c\u0438\u0445\u0430\u0438\u043b",
            {"name": "ZWETKOW Michail"},
        ),
    ],
)
def test_a_family_name_in_another_transliteration_system_is_a_variant_hit(
    listed: str, query: dict[str, str]
) -> None:
    """The reviewer's V-3: German (ZWETKOW, JELZIN), French (CHAIKOVSKY), Polish
    (KOWALCZYK) renderings of a Cyrillic name and Arabic DH / Q / G (QADHAFI /
    GADDAFI) with the exact date of birth were missed or a weak loose variant."""
    hl = hotlist.Hotlist.from_tables(
        persons=persons_table([_listed("P1", listed, "1960-03-14", "RUS"), *LISTED])
    )
    r = hl.check(
        name=query.get("name"),
        family_name=query.get("family_name"),
        given_names=query.get("given_names"),
        dob="1960-03-14",
    )
    assert [h.record_id for h in r.hits][:1] == ["P1"], (r.hits, r.warnings)
    assert any(reason.startswith("family name spelling variant") for reason in r.hits[0].reasons)
