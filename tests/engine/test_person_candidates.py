"""Person candidates against a full scan with the same model.

The blocking index scores only the listed names that share a key with the query,
at most ``CANDIDATE_LIMIT`` of them.  When more share a key, the cut must not be
made among namesakes by row order: a listed person whose name is written
otherwise (its parts' keys not shared) but whose date of birth is exactly the
query's, ranked by the keys alone below a crowd of similar names with other
dates, was lost although it scores far over the threshold (at 1 M persons,
"RIFA LALALMY" born 1961-09-30 for the listed "ALALMI, Rifal" born that day,
588th of 3,734).  The pool is ranked by the keys and the DOB level's bits.

Property (Hypothesis, small lists): whatever the list and the corruption of the
query, when the cap does not cut, the index path finds every person a full scan
finds over the threshold, with the same score or a lower one (it scores a
subset of the names with the same model).
"""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pytest
from engine_tables import persons_table
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hotlist
import hotlist._persons as persons_mod
from hotlist import names
from hotlist._person_bounds import dob_level
from hotlist._person_dobrank import bcd_dates
from hotlist._persons import PersonIndex, PersonQuery
from hotlist.names._model import dob_bits

THRESHOLD = names.MATCH_THRESHOLD
TARGET_DOB = dt.date(1961, 9, 30)
OTHERS = ["AMAL", "NOUR", "HUDA", "MONA", "SALMA", "DINA", "LAILA", "SAMIRA", "YASMIN", "HALA"]
SYLLABLES = [c + v for c in "BDFGKLMNPRSTVZ" for v in "AEIOU"]


def _other_dob(rng: random.Random) -> str:
    """A date of birth three years or more from the target's (no DOB level but
    "differs" against it)."""
    while True:
        day = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(365 * 65))
        if abs(day.year - TARGET_DOB.year) >= 3:
            return day.isoformat()


def _person(rid: str, family: str, given: str, dob: str | None) -> dict[str, object]:
    y, m, d = (int(x) for x in dob.split("-")) if dob else (None, None, None)
    return {
        "record_id": rid,
        "name": f"{family}, {given}",
        "family_name": family,
        "given_names": given,
        "date_of_birth": dob,
        "dob_year": y,
        "dob_month": m,
        "dob_day": d,
        "sex": "F",
        "nationalities": ["EGY"],
        "notice_type": "red",
    }


def _crowded(crowd: int, noise: int) -> hotlist.Hotlist:
    """``crowd`` listed persons whose names share every name key of "RIFA
    LALALMY" (LALALMY, Rifa and two more given names: no namesake of it), born
    on other days; ``noise`` others; and last, the wanted ALALMI, Rifal born on
    the query's day."""
    rng = random.Random(5)
    rows = [
        _person(
            f"C{i}", "LALALMY", f"Rifa {OTHERS[i % 10]} {OTHERS[i // 10 % 10]}", _other_dob(rng)
        )
        for i in range(crowd)
    ]
    for i in range(noise):
        family = "".join(rng.choice(SYLLABLES) for _ in range(3))
        rows.append(_person(f"N{i}", family, rng.choice(SYLLABLES) * 2, _other_dob(rng)))
    rows.append(_person("TARGET", "ALALMI", "Rifal", TARGET_DOB.isoformat()))
    return hotlist.Hotlist.from_tables(persons=persons_table(rows))


@pytest.fixture(scope="module")
def crowded() -> hotlist.Hotlist:
    return _crowded(45, 3000)


def test_a_crowded_pool_is_cut_by_name_and_date_of_birth(
    crowded: hotlist.Hotlist, monkeypatch: pytest.MonkeyPatch
) -> None:
    """46 listed names share the query's keys, the cap (lowered to 20 so that the
    list stays small; the same at 500 with a larger crowd) takes 20: by the keys
    alone, the 45 LALALMY, Rifa ... share more of them than ALALMI, Rifal, whom a
    full scan finds at 1.0 (exact date of birth) and who sat 46th.  Fails
    without the DOB term in the ranking."""
    monkeypatch.setattr(persons_mod, "CANDIDATE_LIMIT", 20)
    index: PersonIndex = crowded._state.persons
    query = PersonQuery("RIFA LALALMY", names.PartialDate(1961, 9, 30), None, None)
    every = np.arange(index.num_entries)
    scan = {c.row for c in index.score_entries(query, every, threshold=THRESHOLD)}
    target = index.num_entries - 1
    assert scan == {target}
    entries, pool = index._ranked(query)
    # 46 share the name's rarer keys; a common DOB-aware key, skipped, has more
    assert pool >= 46 and len(entries) == 20
    assert target in entries.tolist()
    result = crowded.check(name="RIFA LALALMY", dob="1961-09-30")
    assert [h.record_id for h in result.hits] == ["TARGET"]
    # the cut is said, with the true count (not "more than" at exactly the cap)
    assert any(w.startswith(f"{pool} listed names share") for w in result.warnings)
    assert any(
        "only the 20 most alike were scored (by name and date of birth)" in w
        for w in result.warnings
    )


@pytest.mark.parametrize("compiled", [True, False])
def test_a_skipped_common_key_is_a_cut_however_few_its_names(
    monkeypatch: pytest.MonkeyPatch, compiled: bool
) -> None:
    """ANNA is too common to search with the rarer keys here (the common-key cap
    lowered to 2 names, the candidate cap to 4, so that the list stays small; on
    a list under ~50 k names the real caps, 50 and 500, leave the same room), and
    too many to add back (3 + the 3 names the rarer keys found > 4).  ANNA
    NOWAKOWSKA, whom the scorer puts over the threshold (a typo), shares only
    ANNA's keys: never looked at.  The cut was said only where the skipped
    key's names outnumbered those scored (3 and 3 here): a silent miss."""
    monkeypatch.setattr(persons_mod, "CANDIDATE_LIMIT", 4)
    monkeypatch.setattr(persons_mod, "CANDIDATE_MIN_DF_CAP", 2)
    named = [
        ("T", "ANNA NOWAKOWSKA", 1980),
        ("A2", "ANNA NILSSON", 1950),
        ("A3", "ANNA NORTH", 1951),
        ("R1", "PIOTR NOWAKOWKSA", 1960),
        ("R2", "JAN NOWAKOWKSA", 1961),
        ("R3", "MARTA ANNANOWAKOWKSA", 1962),
    ]
    rows = [{"record_id": i, "name": n, "dob_year": y, "notice_type": "red"} for i, n, y in named]
    hl = hotlist.Hotlist.from_tables(persons=persons_table(rows))
    index: PersonIndex = hl._state.persons
    if not compiled:
        monkeypatch.setattr(index, "candidate_kernel", None)
    query = PersonQuery("ANNA NOWAKOWKSA", None, None, None)
    assert index.score_pair(query, 0).probability >= THRESHOLD
    entries, pool = index._ranked(query)
    assert 0 not in entries.tolist() and pool > len(entries)
    result = hl.check(name="ANNA NOWAKOWKSA")
    assert "T" in [h.record_id for h in result.hits] or any(
        "most alike were scored" in w for w in result.warnings
    )


def test_no_cut_no_warning(crowded: hotlist.Hotlist) -> None:
    """At the real cap the same 46 names are all scored: nothing was cut, nothing said."""
    result = crowded.check(name="RIFA LALALMY", dob="1961-09-30")
    assert [h.record_id for h in result.hits] == ["TARGET"]
    assert not any("most alike were scored" in w for w in result.warnings)


def _rank_reference(q: names.PartialDate, listed: names.PartialDate | None) -> float:
    """The DOB ranking term, plainly: 0 without a listed date; between two full
    dates (no 1 January placeholder) the bits of the level ``dob_similarity``
    finds; else by the years: the "year only" level's bits in the same year, 0
    a year or two off, the bits of "differs" further."""
    if listed is None:
        return 0.0

    def by_years(p: names.PartialDate) -> bool:
        return p.day is None or (p.month, p.day) == (1, 1)

    if not by_years(q) and not by_years(listed):
        return dob_bits(dob_level(q, listed), q, listed)
    if listed.year == q.year:
        return dob_bits("DOB year only", q, names.PartialDate(q.year))
    return 0.0 if abs(listed.year - q.year) <= 2 else dob_bits("DOB differs", q, q)


_YEARS = st.integers(1900, 2030)
_LISTED = st.one_of(
    st.none(),
    st.tuples(_YEARS, st.integers(0, 12), st.integers(0, 31)),
    st.tuples(_YEARS, st.just(1), st.just(1)),
)


@st.composite
def _near_dates(draw: st.DrawFn) -> tuple[dt.date, list[tuple[int, int, int] | None]]:
    """A query date and listed dates, many of them near it (a digit off, a year
    or two off, day and month swapped, the same year)."""
    q = draw(st.dates(dt.date(1900, 1, 1), dt.date(2030, 12, 31)))
    listed: list[tuple[int, int, int] | None] = draw(st.lists(_LISTED, max_size=20))
    ymd = f"{q.year:04d}{q.month:02d}{q.day:02d}"
    for i in draw(st.lists(st.integers(0, 7), max_size=10)):
        d = draw(st.sampled_from("0123456789"))
        v = ymd[:i] + d + ymd[i + 1 :]
        listed.append((int(v[:4]), int(v[4:6]), int(v[6:])))
    for off in draw(st.lists(st.integers(-3, 3), max_size=4)):
        listed.append((q.year + off, q.month, q.day))
    listed += [(q.year, q.day, q.month), (q.year, q.month, 0), (q.year, 0, 0)]
    return q, listed


@settings(max_examples=300, deadline=None)
@given(_near_dates(), st.booleans())
def test_dob_rank_is_the_reference(
    dates: tuple[dt.date, list[tuple[int, int, int] | None]], partial_query: bool
) -> None:
    """The ranking's DOB term (digits compared in BCD, the near ones looked up)
    equals the plain reference over full, partial, 1 January and missing dates:
    between two full dates it is the bits of the DOB level itself."""
    query, listed = dates
    q = names.PartialDate(query.year, query.month, query.day)
    if partial_query:
        q = names.PartialDate(query.year, query.month)
    rows: list[tuple[int, int, int]] = []
    want = []
    for v in listed:
        if v is not None:
            y, m, d = v
            try:
                dt.date(y, m or 1, d or 1)
            except ValueError:
                continue
            if m == 0 and d:
                continue  # no month but a day: not a date a list gives
        rows.append(v or (0, 0, 0))
        lp = None if v is None else names.PartialDate(v[0], v[1] or None, v[2] or None)
        want.append(_rank_reference(q, lp))
    if not rows:
        return
    y, m, d = (np.array(c, dtype=np.int16) for c in zip(*rows, strict=True))

    class _Rows:
        _entry_dob = bcd_dates(y, m, d)

    got = PersonIndex._dob_rank(_Rows(), q, np.arange(len(rows)))  # type: ignore[arg-type]
    assert got.tolist() == pytest.approx(want, abs=1e-5)


# -- the property: no cut, nothing lost ---------------------------------------

FAMILIES = ["GARCIA", "NGUYEN", "IVANOV", "KHAN", "MULLER", "DUBOIS", "ROSSI", "SILVA"]
GIVEN = ["MARIA", "ANNA", "IMRAN", "SERGEI", "PIERRE", "VAN", "MINH", "JOSE", "LUCIA", "OMAR"]


@st.composite
def _lists(draw: st.DrawFn) -> list[tuple[str, str, dt.date | None]]:
    """Small lists with namesakes: common parts, rare made-up parts, DOBs close
    to each other (near levels) or missing."""
    rare = st.lists(st.sampled_from(SYLLABLES), min_size=2, max_size=4).map("".join)
    family = st.one_of(st.sampled_from(FAMILIES), rare)
    given_ = st.lists(st.one_of(st.sampled_from(GIVEN), rare), min_size=1, max_size=3)
    dob = st.one_of(st.none(), st.dates(dt.date(1958, 1, 1), dt.date(1964, 12, 31)))
    people = st.tuples(family, given_.map(" ".join), dob)
    return draw(st.lists(people, min_size=5, max_size=60))


def _corrupt(rng: random.Random, name: str) -> str:
    """One of the corruptions the model knows: a typo, a transposition, a part
    dropped, the order changed, an initial, two parts joined."""
    parts = name.replace(",", "").split()
    kind = rng.randrange(7)
    i = rng.randrange(len(parts))
    p = parts[i]
    if kind == 0 and len(p) > 2:
        k = rng.randrange(len(p))
        parts[i] = p[:k] + rng.choice("AEIOUNRST") + p[k + 1 :]
    elif kind == 1 and len(p) > 2:
        k = rng.randrange(len(p) - 1)
        parts[i] = p[:k] + p[k + 1] + p[k] + p[k + 2 :]
    elif kind == 2 and len(parts) > 2:
        del parts[i]
    elif kind == 3:
        parts = parts[1:] + parts[:1]
    elif kind == 4 and i > 0:
        parts[i] = p[0]
    elif kind == 5 and len(parts) > 1:
        parts = [parts[0] + parts[1], *parts[2:]]
    return " ".join(parts)


def _near(rng: random.Random, dob: dt.date | None) -> names.PartialDate | None:
    if dob is None or rng.random() < 0.2:
        return None
    kind = rng.randrange(4)
    if kind == 1:
        dob = dob.replace(year=dob.year + rng.choice((-1, 1))) if dob.day < 29 else dob
    elif kind == 2 and dob.day <= 12:
        dob = dob.replace(month=dob.day, day=dob.month)
    elif kind == 3:
        dob = dob + dt.timedelta(days=rng.choice((-1, 1)))
    return names.PartialDate(dob.year, dob.month, dob.day)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_lists(), st.integers(0, 2**32 - 1))
def test_the_index_finds_what_a_full_scan_finds(
    listed: list[tuple[str, str, dt.date | None]], seed: int
) -> None:
    rows = [
        _person(f"R{i}", family, given_, dob.isoformat() if dob else None)
        for i, (family, given_, dob) in enumerate(listed)
    ]
    hl = hotlist.Hotlist.from_tables(persons=persons_table(rows))
    index: PersonIndex = hl._state.persons
    every = np.arange(index.num_entries)
    rng = random.Random(seed)
    for _ in range(8):
        family, given_, dob = listed[rng.randrange(len(listed))]
        name = f"{family}, {given_}" if rng.random() < 0.5 else f"{given_} {family}"
        if rng.random() < 0.7:
            name = _corrupt(rng, name)
        query = PersonQuery(names.normalize(name), _near(rng, dob), None, None)
        entries, pool = index._ranked(query)
        if pool > len(entries):
            continue  # the cap cut (not at these sizes)
        scan = {c.row: c.score for c in index.score_entries(query, every, threshold=THRESHOLD)}
        ours = {c.row: c.score for c in index.match(query, threshold=THRESHOLD)}
        assert set(scan) == set(ours), (name, query.dob)
        for row, score in ours.items():
            assert score == pytest.approx(scan[row], abs=1e-9)


# -- an exactly listed name with its date of birth is always found ------------


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.dates(dt.date(1960, 1, 1), dt.date(1962, 12, 31)), min_size=30, max_size=80),
    st.integers(0, 2**32 - 1),
)
def test_an_exact_name_and_dob_is_found_past_any_crowd(dates: list[dt.date], seed: int) -> None:
    """Namesakes born within three years of each other (near dates: a digit, a
    year, day and month swapped), with others sharing two of the name's three
    parts, far more than the cap (lowered to 10): the exact listed name with its
    exact date of birth is found, every time, for any of them whose date no
    other shares."""
    rng = random.Random(seed)
    rows = [_person(f"R{i}", "SILVA", "Ana Paula", d.isoformat()) for i, d in enumerate(dates)]
    rows += [
        _person(f"X{i}", "SILVA", f"Ana {rng.choice(OTHERS)}", d.isoformat())
        for i, d in enumerate(dates)
    ]
    hl = hotlist.Hotlist.from_tables(persons=persons_table(rows))
    unique = [i for i, d in enumerate(dates) if dates.count(d) == 1]
    if not unique:
        return
    pick = rng.choice(unique)
    old = persons_mod.CANDIDATE_LIMIT
    persons_mod.CANDIDATE_LIMIT = 10
    try:
        result = hl.check(name="SILVA, Ana Paula", dob=dates[pick].isoformat())
    finally:
        persons_mod.CANDIDATE_LIMIT = old
    assert f"R{pick}" in [h.record_id for h in result.hits]


def _common_given(mohameds: int) -> hotlist.Hotlist:
    """3,000 others, ``mohameds`` listed "<family>, Mohamed" of other families,
    BURTON, Mohamed, and the wanted HURTON, Mohamed (GBR): a query "BURTON,
    Mohamed" shares only the common given name's keys with HURTON."""
    rng = random.Random(11)
    rows = []
    for i in range(3000):
        family = "".join(rng.choice(SYLLABLES) for _ in range(3))
        rows.append(_person(f"N{i}", family, rng.choice(SYLLABLES) * 2, _other_dob(rng)))
    for i in range(mohameds):
        family = "".join(rng.choice(SYLLABLES) for _ in range(3))
        rows.append(_person(f"M{i}", family, "Mohamed", _other_dob(rng)))
    rows.append(_person("BURTON", "BURTON", "Mohamed", _other_dob(rng)))
    rows.append(_person("TARGET", "HURTON", "Mohamed", _other_dob(rng)))
    for row in rows:
        row["nationalities"] = ["GBR"]
    return hotlist.Hotlist.from_tables(persons=persons_table(rows))


@pytest.mark.parametrize("mohameds", [80, 700])
def test_a_skipped_common_key_is_searched_when_it_fits_and_said_when_not(
    mohameds: int,
) -> None:
    """The reviewer's BURTON / HORTON (R-S1): the given name's keys are over
    ``max_df`` (1 % of the names, at least 50) and were skipped, so HORTON,
    Mohamed, whom a full scan reports, was never scored, and nothing was said.
    Now a skipped key is searched when its postings fit in the cap (80 Mohameds),
    and when they do not (700) the result says the search was cut.  (HORTON is two
    letters off, a loose spelling variant the model no longer reports: the target
    is HURTON, one OCR slip B/H, a near typo that without a DOB scores 0.8, so the
    scan and the check ask at 0.7.)"""
    low = 0.7
    hl = _common_given(mohameds)
    index: PersonIndex = hl._state.persons
    query = PersonQuery("BURTON, MOHAMED", None, "GBR", None)
    every = np.arange(index.num_entries)
    scan = {int(index.owner[c.row]) for c in index.score_entries(query, every, threshold=low)}
    target = hl.tables["persons"].column("record_id").to_pylist().index("TARGET")
    result = hl.check(name="BURTON, Mohamed", nationality="GBR", name_threshold=low)
    found = {h.record_id for h in result.hits}
    cut = [w for w in result.warnings if "most alike were scored" in w]
    if mohameds < persons_mod.CANDIDATE_LIMIT:
        assert target in scan  # the model reports HURTON...
        assert "TARGET" in found  # ...and so does check()
        assert not cut
    else:
        assert "TARGET" in found or cut  # found, or the cut is said
        assert cut, result.warnings


def test_a_name_of_initials_and_particles_says_it_may_miss() -> None:
    """The reviewer's "DA L M J" (R-S1): its only searchable part is the particle,
    so the listed DA LUZ, Maria Júlia born that day (1.0 in a full scan) is not a
    candidate; the result says a listed person may be missing.  A name with a
    full part says nothing of it."""
    rng = random.Random(3)
    rows = [
        _person(f"N{i}", "DA " + rng.choice(SYLLABLES) * 2, "Ana", _other_dob(rng))
        for i in range(200)
    ]
    rows.append(_person("TARGET", "DA LUZ", "Maria Júlia", "1992-10-05"))
    hl = hotlist.Hotlist.from_tables(persons=persons_table(rows))
    said = "is only initials and particles"
    weak = hl.check(name="DA L M J", dob="1992-10-05")
    assert "TARGET" in {h.record_id for h in weak.hits} or any(said in w for w in weak.warnings)
    assert any(said in w for w in weak.warnings)
    full = hl.check(name="DA LUZ, M J", dob="1992-10-05")
    assert "TARGET" in {h.record_id for h in full.hits}
    assert not any(said in w for w in full.warnings)
