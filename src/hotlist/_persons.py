"""Person matching: a blocking index over name and birth-date keys, then the
Fellegi-Sunter person model (:mod:`hotlist.names._model`) on the candidates.

Every listed name (the record's name and each alias) is one entry of a flat
name table that points back to its record.  The entry's normalised form is kept
in an Arrow column, its blocking keys in a :class:`~hotlist.index.TokenIndex`.

Candidates.  The keys of an entry are its name keys (:func:`name_keys`) and,
when the record has a date of birth, DOB-aware keys (:func:`dob_keys`): each
name part's phonetic key with the birth year (``SM0@1985``) and the sorted name
parts' keys with the full date (``JN+SM0@19850312``).  The index ranks entries
by the summed rarity of the keys they share with the query, so an exactly
listed name with its date of birth shares the rarest keys and ranks first
however many namesakes there are: the candidate cap (``CANDIDATE_LIMIT``) is
applied after that ranking, not before the date of birth is looked at.

Scoring.  Each candidate's name levels (:func:`hotlist.names._compare.compare`)
and DOB / nationality / sex levels add their bits; the record's best listed
name counts; the calibrated probability is the score, the levels with their
bits are the reasons (structured, :class:`hotlist.scoring.Reason`).  The keys
are made in :mod:`hotlist._person_keys`; the cheap upper bound that spares the
full scoring of hopeless candidates is :mod:`hotlist._person_bounds`; every
weight is ``hotlist.scoring.SCORING.persons``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hotlist import names
from hotlist._documents import (
    Candidate,
    _decoded,
    _string_array,
    prefixed,
    unprefixed,
)
from hotlist._intsets import distinct_count, member
from hotlist._person_bound_fast import KernelBounds
from hotlist._person_bounds import dob_level
from hotlist._person_dobrank import KERNEL as CANDIDATE_KERNEL
from hotlist._person_dobrank import bcd_dates, dob_rank, ranked_top
from hotlist._person_keys import (
    PersonQuery,
    dob_keys,
    letter_keys,
    name_keys,
    normalize_column,
    query_dob_keys,
    split_keys,
    token_index,
    typo_keys,
)
from hotlist.index import TokenIndex, total_nbytes
from hotlist.index._tokens import top
from hotlist.names._common import is_common
from hotlist.names._compare import NameLevel, name_bits, name_reason
from hotlist.names._model import ALARM_BITS, MODEL, bits, bits_for, probability
from hotlist.names._model import dob_bits as dob_evidence  # the listed date's precision too
from hotlist.names._phonetic import spelled_key
from hotlist.scoring import Reason, render, render_all

__all__ = ["PersonIndex", "PersonQuery", "PersonScore", "dob_keys", "name_keys"]

# Candidates scored in full per query: the entries sharing the most / rarest keys
# (the DOB-aware keys included) and, when more share a key than the cap takes,
# whose date of birth agrees best: the DOB level's bits weigh DOB_RANK_WEIGHT nats
# each in the ranking (the keys' IDF weights are natural logs, and a name part
# is counted several times among a name's keys -- its phonetic key, its
# composites with the other parts' initials, joined pairs, the letters run
# together).  Set on the 1 M devdata's 1,000 full-scanned queries (no held-out
# set): candidate recall 0.989 without the term, 0.998 at 2, 0.995 at 3; a
# larger weight also lets more DOB-near, name-far entries in, each scored in
# full (CPU per check).  Keys held by more than 1 % of the names (but at least
# 50) are skipped when the query has rarer ones, unless their postings fit in
# the cap beside those (TokenIndex.pool_within); a key skipped is a cut, said.
CANDIDATE_LIMIT = 500
DOB_RANK_WEIGHT = 2.0
CANDIDATE_DF_SHARE = 0.01
CANDIDATE_MIN_DF_CAP = 50
# the DOB levels consistent with the listed date (an alarm needs one; a partial
# listed date that the query agrees with is consistent, its bits are fewer)
_DOB_AGREES = frozenset(
    {
        "DOB exact",
        "DOB day/month swapped",
        "DOB one digit off",
        "DOB year and month match",
        "DOB year only",
    }
)
_ALARM_EVIDENCE = Reason("evidence", "alarm", 0.0)  # the matcher's verdict, as a reason


@dataclass(frozen=True, slots=True)
class PersonScore:
    """A scored pair: summed bits, calibrated probability, reasons, and whether the
    evidence is alarm-level (at least ``ALARM_BITS``, an agreeing DOB, no name part
    that differs)."""

    bits: float
    probability: float
    reasons: tuple[str, ...]
    alarm: bool
    dob_level: str | None
    why: tuple[Reason, ...] = ()  # the reasons, structured (hotlist.scoring.Reason)


# One entry per listed name: owner row, is-alias flag, listed name, normalised name,
# and the token index over the entries' keys.
NameEntries: TypeAlias = tuple[np.ndarray, np.ndarray, pa.Array, pa.Array, TokenIndex]


class PersonIndex(KernelBounds):
    """Candidates by name and DOB-aware keys, scored by the person model."""

    # the compiled candidate ranking (None: the numpy reference, ``_ranked``)
    candidate_kernel: ModuleType | None = CANDIDATE_KERNEL

    def __init__(self, table: pa.Table, saved: NameEntries | None = None) -> None:
        """The index over ``table``: one entry per listed name (primary and aliases),
        built, or ``saved`` (read back from a snapshot: no name is normalised again
        and no blocking key recomputed)."""
        self.dob_year = _int_column(table, "dob_year")
        self.dob_month = _int_column(table, "dob_month")
        self.dob_day = _int_column(table, "dob_day")
        entries = self._entries(table) if saved is None else saved
        self.owner, self.is_alias, self.listed, self.normalised, self.index = entries
        self.num_entries = len(self.normalised)
        self.sex_codes, self.sex_values = _decoded(table.column("sex"))
        self.nationalities = _string_array(table.column("nationalities"))
        self._tf_cache: dict[str, float] = {}
        self._parts_of(self.normalised)
        if saved is None:  # built here: the common parts' bound arrays at once
            self._fill_common()
        # each entry's person's date of birth for the DOB ranking term (``bcd_dates``)
        self._entry_dob: np.ndarray = bcd_dates(self.dob_year, self.dob_month, self.dob_day)[
            self.owner
        ]

    def _entries(self, table: pa.Table) -> NameEntries:
        """The name entries of ``table``: owner row, alias flag, listed and normalised
        name, and the token index over their keys (the DOB columns already read)."""
        n = table.num_rows
        primary = _string_array(table.column("name"))
        aliases = _string_array(table.column("aliases"))
        if len(aliases):
            alias_names = pc.list_flatten(aliases)
            alias_owner = pc.list_parent_indices(aliases).to_numpy().astype(np.int32)
        else:
            alias_names = pa.array([], pa.string())
            alias_owner = np.zeros(0, dtype=np.int32)
        listed = pa.concat_arrays([primary.cast(pa.string()), alias_names.cast(pa.string())])
        owner = np.concatenate([np.arange(n, dtype=np.int32), alias_owner])
        is_alias = np.concatenate([np.zeros(n, dtype=bool), np.ones(len(alias_owner), dtype=bool)])
        # Build-time work once per distinct listed value (normalised) and per
        # distinct normalised name (its name and part keys), both compiled when
        # hotlist._person_keykernel is built (_person_keys: normalize_column,
        # token_index); the DOB-aware keys alongside, numbered as they are made.
        enc = pc.dictionary_encode(listed)
        normalised = normalize_column(enc.dictionary).take(enc.indices).fill_null("")
        index = token_index(
            normalised, *(a[owner] for a in (self.dob_year, self.dob_month, self.dob_day))
        )
        return owner, is_alias, listed, normalised, index

    def parts(self) -> tuple[dict[str, pa.Array], dict[str, np.ndarray]]:
        """What :meth:`from_parts` rebuilds this index from, besides the table:
        the listed names (Arrow) and the name index (numpy), one entry per name."""
        numpy = prefixed("index.", self.index.arrays())
        numpy["owner"] = self.owner
        numpy["is_alias"] = self.is_alias
        return {"listed": self.listed, "normalised": self.normalised}, numpy

    @classmethod
    def from_parts(
        cls, table: pa.Table, arrays: Mapping[str, pa.Array], numpy: Mapping[str, np.ndarray]
    ) -> PersonIndex:
        """The name entries and their token index as saved (see ``__init__``)."""
        listed, normalised = _string_array(arrays["listed"]), _string_array(arrays["normalised"])
        index = TokenIndex.from_arrays(unprefixed("index.", numpy))
        return cls(table, (numpy["owner"], numpy["is_alias"], listed, normalised, index))

    @property
    def nbytes(self) -> int:
        entries = total_nbytes(self.owner, self.is_alias, self.normalised, self.index)  # per name
        entries += int(self._entry_dob.nbytes)
        persons = total_nbytes(self.dob_year, self.dob_month, self.dob_day, self.sex_codes)
        return entries + persons + self.parts_nbytes

    def dob_of(self, row: int) -> names.PartialDate | None:
        year = int(self.dob_year[row])
        if year <= 0:
            return None
        month = int(self.dob_month[row]) or None
        day = int(self.dob_day[row]) or None
        return names.PartialDate(year, month, day)

    def sex_of(self, row: int) -> str | None:
        code = int(self.sex_codes[row])
        return self.sex_values[code] if code >= 0 else None

    def nationalities_of(self, row: int) -> tuple[str, ...]:
        value = self.nationalities[row].as_py()
        return tuple(value) if value else ()

    def tf(self, token: str) -> float:
        """The term frequency of a name part: the share of listed names carrying its
        spelled key (``names._phonetic.spelled_key``, also a blocking key: the
        phonetic key without the TS / Z, DH / D, SZ, CZ, TCH rewrites, which would
        count a rare TS or DH name among the common Z or D names), smoothed
        towards the population prior (``MODEL.tf_*``)."""
        hit = self._tf_cache.get(token)
        if hit is not None:
            return hit
        if len(token) < 2:  # an initial: about one name in fifteen starts with it
            return MODEL.initial_tf
        prior = MODEL.tf_common if is_common(token) else MODEL.tf_other
        key = spelled_key(token)
        df = self.index.df(key) if key else 0
        value = (df + MODEL.tf_pseudo * prior) / (self.num_entries + MODEL.tf_pseudo)
        if len(self._tf_cache) > 1 << 18:  # over the parts a load fills (_fill_common)
            self._tf_cache.clear()
        self._tf_cache[token] = value
        return value

    def namesakes(self, name: str) -> int:
        """How many listed persons carry the letters of ``name`` in one of their
        names (as written or given names first, spaces aside): at most one of
        them can be the traveller, so each gets ``-log2(k)`` bits (a name shared
        by many listed persons is weak evidence for any one of them)."""
        rows = [self.index.postings(f"#{k}") for k in letter_keys(name)]
        rows = [r for r in rows if len(r)]
        if not rows:
            return 1
        return max(1, distinct_count(self.owner[np.concatenate(rows)]))

    def candidates(self, query: PersonQuery) -> np.ndarray:
        """The entries worth scoring: every entry sharing a name or DOB-aware key
        with the query, ranked by those keys' summed rarity plus its date of
        birth's agreement with the query's (:meth:`_dob_rank`), capped."""
        return self._ranked(query)[0]

    def _ranked(self, query: PersonQuery) -> tuple[np.ndarray, int]:
        """:meth:`candidates`, and how many entries share a key (``_shared``):
        the pool the cap cut, plus a common key's postings when that key was too
        common to search with the others and too many to add (those entries
        were never looked at, so the search was cut as surely as by the cap).

        The keys' IDF sum alone ranks namesakes by their names, which are all
        alike: past the cap, the order among them was the row order, and a
        namesake born a year or a digit off, or a name written otherwise (its
        parts' keys not shared) with the exact date, was lost however well it
        scored.  The DOB term (bits of the DOB level, as nats) is what a full
        scan would weigh among them; it is computed only for an over-full pool.
        """
        keys = name_keys(query.name)
        if not keys:
            return np.zeros(0, dtype=np.int64), 0
        keys += query_dob_keys(query.name, query.dob)
        max_df = max(CANDIDATE_MIN_DF_CAP, int(CANDIDATE_DF_SHARE * self.num_entries))
        # a name of one part: its pieces' keys, those not too common to search
        # with (optional keys: one too common is left out, not a cut)
        keys += [k for k in split_keys(query.name) if self.index.df(k) <= max_df]
        # every part with a key few listed names carry (typos?): keys one edit from them
        df = self.index.df
        keys += [k for k in typo_keys(query.name, df) if 0 < df(k) <= max_df]
        return self._pool_top(keys, query.dob, max_df)

    def _pool_top(
        self, keys: list[str], dob: names.PartialDate | None, max_df: int
    ) -> tuple[np.ndarray, int]:
        """:meth:`_ranked` of the query's keys and date of birth: the numpy
        reference (pool, DOB term, ``top``), or the same in one compiled pass
        (``hotlist._candidate_kernel``; tests/engine/test_candidate_kernel.py)."""
        limit = CANDIDATE_LIMIT
        kernel = self.candidate_kernel
        if kernel is not None:
            searched = self.index.searched(keys, max_df=max_df, limit=limit)
            found, pooled = ranked_top(
                kernel, searched, self._entry_dob, dob=dob, weight=DOB_RANK_WEIGHT, limit=limit
            )
            return found, _shared(pooled, searched.skipped)
        rows, idf, _ = self.index.pool_within(keys, max_df=max_df, limit=limit)
        score: np.ndarray = idf
        if len(rows) > limit and dob is not None:
            score = idf + np.float32(DOB_RANK_WEIGHT) * self._dob_rank(dob, rows)
        skipped = self.index.searched(keys, max_df=max_df, limit=limit).skipped
        return top(rows, score, limit)[0], _shared(len(rows), skipped)

    def _dob_rank(self, dob: names.PartialDate, entries: np.ndarray) -> np.ndarray:
        """The DOB level's bits of each entry's person against ``dob``
        (:func:`hotlist._person_dobrank.dob_rank`); a ranking term, not a bound."""
        return dob_rank(dob, self._entry_dob[entries])

    def match(
        self, query: PersonQuery, *, threshold: float, warnings: list[str] | None = None
    ) -> list[Candidate]:
        """The persons whose match probability reaches ``threshold``.

        Listed persons with exactly the queried name that stay under it (a name
        too common to tell them apart without a date of birth, or another date
        of birth) are not reported as hits, but never silently: ``warnings``
        gets a line saying how many there are and why.  When more listed names
        share the query's keys than the candidate cap scores, ``warnings`` says
        that too (one of those past the cap may have reached the threshold).
        """
        entries, pool = self._ranked(query)
        held: list[int] = []
        out = self.score_entries(query, entries, threshold=threshold, held_back=held)
        cut = pool > len(entries)
        if cut and warnings is not None:
            # the cap cut the candidates: a person past it may have scored too
            warnings.append(
                f"{pool:,} listed names share this name's search keys and only the "
                f"{len(entries)} most alike were scored "
                f"({'by name and date of birth' if query.dob is not None else 'by name'}): "
                "a listed person may be missing from the hits; give the full name and the "
                "date of birth"
            )
        if warnings is not None and _initials_only(query.name):
            warnings.append(
                f"the name {query.name!r} is only initials and particles: listed names are "
                "found by their full parts, so a listed person whose names these initials "
                "stand for may be missing from the hits; give the full names"
            )
        if held and warnings is not None:
            n = len(held)
            some = f"{n}+" if cut else str(n)
            if query.dob is None:
                why = "the name alone is too common to tell them apart; give a date of birth"
            elif any(
                dob_level(query.dob, self.dob_of(p)) in _DOB_AGREES
                for p in _year_near(held, self.dob_year[held], query.dob.year)
            ):
                # a short or common name (a particle alone: AL, BIN) whose date
                # agrees is still too weak to be a hit: say so, not "differs"
                why = (
                    "the name is too short or too common to be a hit on its own, even with "
                    "a date of birth that agrees; check them by hand or give more of the name"
                )
            else:
                why = "their dates of birth differ from the one given"
            warnings.append(
                f"{some} listed person(s) with exactly this name not reported as hits: {why}"
            )
        return out

    def score_pair(
        self, query: PersonQuery, entry: int, *, with_reasons: bool = True
    ) -> PersonScore:
        """The person model on one (query, listed name) pair: the reference the
        batch path (``score_entries``) must agree with."""
        person = int(self.owner[entry])
        listed_name = self.normalised[entry].as_py() or ""
        nb, levels = name_bits(query.name, listed_name, self.tf)
        return self._qualify(query, person, entry, nb, levels, with_reasons=with_reasons)

    def _qualify(
        self,
        query: PersonQuery,
        person: int,
        entry: int,
        nb: float,
        levels: list[tuple[NameLevel, float]],
        *,
        with_reasons: bool,
        namesakes: int | None = None,
        rendered: dict[Reason, str] | None = None,
        below: float | None = None,
    ) -> PersonScore:
        """The person model's score of a listed name's bits ``nb`` (its name
        ``levels``) with the namesakes, DOB, nationality and sex; the reasons
        only ``with_reasons``, and not when the probability is under ``below``
        (``score_entries``: one call a person, the reasons only for a hit;
        ``rendered``: texts of reasons made before, kept by ``score_entries``
        for one query, whose hits share most of them)."""
        total = nb
        k = self.namesakes(query.name) if namesakes is None else namesakes
        if k > 1:
            total += -math.log2(k)
        listed_dob = self.dob_of(person)
        level = dob_level(query.dob, listed_dob)
        dob_b = dob_evidence(level, query.dob, listed_dob)
        total += dob_b
        nat: tuple[str, float, str, str] | None = None
        listed_nat = self.nationalities_of(person) if query.nationality else ()
        if query.nationality and listed_nat:
            same = query.nationality in listed_nat
            lv = MODEL.nationality_listed if same else MODEL.nationality_not_listed
            b = bits(lv.m, lv.u or 1.0)
            shown = "" if same else ", ".join(listed_nat)
            nat = ("listed" if same else "not listed", b, shown, query.nationality)
            total += b
        sex: tuple[str, float, str, str] | None = None
        listed_sex = self.sex_of(person) if query.sex else None
        if query.sex and listed_sex and "X" not in (query.sex, listed_sex):
            same = query.sex == listed_sex
            lv = MODEL.sex_same if same else MODEL.sex_differs
            b = bits(lv.m, lv.u or 1.0)
            total += b
            sex = ("same" if same else "differs", b, listed_sex, query.sex)
        p = probability(total)
        alarm = (
            total >= ALARM_BITS
            and level in _DOB_AGREES
            and not any(lv.level == "differs" for lv, _ in levels)
        )
        if not with_reasons or (below is not None and p < below):
            return PersonScore(total, p, (), alarm, level, ())
        why: list[Reason] = []
        if self.is_alias[entry]:
            why.append(Reason("alias", "listed", 0.0, str(self.listed[entry].as_py())))
        why += [name_reason(lv, b) for lv, b in levels]
        if k > 1:
            why.append(Reason("namesakes", "listed", -math.log2(k), str(k), in_bits=True))
        if level is not None:
            why.append(Reason("DOB", level, dob_b, in_bits=True))
        if nat is not None:
            why.append(Reason("nationality", *nat, in_bits=True))
        if sex is not None:
            why.append(Reason("sex", *sex, in_bits=True))
        if rendered is None:
            return PersonScore(total, p, render_all(why), alarm, level, tuple(why))
        texts = []
        for r in why:
            text = rendered.get(r)
            if text is None:
                text = rendered[r] = render(r)
            texts.append(text)
        return PersonScore(total, p, tuple(texts), alarm, level, tuple(why))

    def score_entries(
        self,
        query: PersonQuery,
        entries: np.ndarray,
        *,
        threshold: float,
        held_back: list[int] | None = None,
    ) -> list[Candidate]:
        """Score the listed names ``entries`` (indexes into the flat name table).

        ``match`` calls it with the candidates of the blocking index; a full scan
        (the reference the index is measured against) calls it with every entry.
        Persons with exactly the queried name scored under ``threshold`` are
        appended to ``held_back``.
        """
        if len(entries) == 0:
            return []
        entries = np.asarray(entries, dtype=np.int64)
        need = bits_for(threshold)
        prune = 1e-9 < threshold < 1 - 1e-9
        k = self.namesakes(query.name)
        namesake_bits = -math.log2(k) if k > 1 else 0.0
        namesaked = prune and k > 1
        name_ub, rest_ub, maybe_same = self._bounds(
            query, entries, same_too=namesaked, need=(need, namesake_bits) if prune else None
        )
        keep = name_ub + rest_ub >= need - 1e-9
        if namesaked:
            # A person none of whose names can reach the threshold with the
            # namesakes' bits is pruned below whatever its names score; unless
            # one of them may be exactly the queried name (held back, so said),
            # its names are not scored at all.  The margin is far over rounding.
            hopeless = name_ub + namesake_bits + rest_ub < need - 2e-6
            owner = self.owner[entries]
            keep &= member(owner, owner[keep & (~hopeless | maybe_same)])
        entries = entries[keep]
        owner = self.owner[entries]
        # The most the DOB, nationality and sex can add, per person (the same for
        # each of its names): with the exact name bits, a person that cannot
        # reach the threshold is not qualified in full (only where bits_for is
        # not clamped, and with a margin far over rounding).
        rest_of = dict(zip(owner.tolist(), rest_ub[keep].tolist(), strict=True))
        listed = self.normalised.take(pa.array(entries)).to_pylist()
        best: dict[int, tuple[float, int, list[tuple[NameLevel, float]]]] = {}
        qname = query.name
        tf = self.tf
        # Namesakes list the same name: its levels are scored once per query.
        scored: dict[str, tuple[float, list[tuple[NameLevel, float]]]] = {}
        level_memo: dict[tuple[str, str, bool], float] = {}
        rendered: dict[Reason, str] = {}
        for entry, value, person in zip(entries.tolist(), listed, owner.tolist(), strict=True):
            name = value or ""
            known = scored.get(name)
            if known is None:
                known = scored[name] = name_bits(qname, name, tf, memo=level_memo)
            nb, levels = known
            if person not in best or best[person][0] < nb:
                best[person] = (nb, entry, levels)

        def same_name(levels: list[tuple[NameLevel, float]]) -> bool:
            # most names are told by their first level (``_same_name`` reads all)
            return bool(levels) and levels[0][0].level in _SAME_LEVELS and _same_name(levels)

        out = []
        for person, (nb, entry, levels) in best.items():
            if prune and nb + namesake_bits + rest_of[person] < need - 1e-6:
                if held_back is not None and same_name(levels):
                    held_back.append(person)
                continue
            s = self._qualify(
                query,
                person,
                entry,
                nb,
                levels,
                with_reasons=True,
                namesakes=k,
                rendered=rendered,
                below=threshold,  # the reasons of a hit only
            )
            if s.probability < threshold:
                if held_back is not None and same_name(levels):
                    held_back.append(person)
                continue
            same = (self.normalised[entry].as_py() or "").replace(",", "") == qname.replace(",", "")
            why = s.why + ((_ALARM_EVIDENCE,) if s.alarm else ())
            out.append(
                Candidate(
                    "persons",
                    person,
                    "exact" if same else "fuzzy",
                    s.probability,
                    s.reasons + ((render(_ALARM_EVIDENCE),) if s.alarm else ()),
                    "alarm" if s.alarm else "possible",
                    why,
                )
            )
        return out


def _shared(pooled: int, skipped: int) -> int:
    """How many listed names share a query's keys, for the cap's warning: the
    pool's, plus the postings of the largest common key skipped (0: none).  A
    skipped key's rows were never looked at, so the search was cut however few
    they are: the count is then over the names scored (with the larger of the
    two, a key of fewer rows than were scored was cut without a word; lists
    under ~50 k names, where the common-key cap is under ``CANDIDATE_LIMIT``)."""
    return pooled + skipped if skipped else pooled


def _initials_only(name: str) -> bool:
    """Whether every part of ``name`` is an initial or a particle (VAN G J, DA L M J),
    with one initial at least: no part that the blocking keys can search on.

    >>> _initials_only("VAN G J"), _initials_only("DA LUZ, M J"), _initials_only("AL BIN")
    (True, False, False)
    """
    parts = names.tokens(name)
    return any(len(p) == 1 for p in parts) and all(
        len(p) == 1 or p in names.PARTICLES for p in parts
    )


def _year_near(persons: list[int], years: np.ndarray, year: int) -> list[int]:
    """The ``persons`` (listed birth ``years``) whose date of birth may agree with
    one in ``year`` (a level of ``_DOB_AGREES``): every such level has the same
    year or one digit of it off (``dob_similarity``), so a listed year that
    differs in two digits or more cannot; a year out of 1..9999 is kept (left to
    ``dob_level``); no listed year (0): no DOB level.

    >>> _year_near([1, 2, 3, 4, 5], np.array([1975, 1985, 1968, 0, 1965]), 1975)
    [1, 2, 5]
    """
    y = np.asarray(years, dtype=np.int64)
    places = np.array([1, 10, 100, 1000], dtype=np.int64)
    slips = ((y[:, None] // places) % 10 != (year // places) % 10).sum(axis=1)
    keep = (y > 0) & ((y > 9999) | (slips <= 1))
    return [p for p, k in zip(persons, keep.tolist(), strict=True) if k]


_SAME_LEVELS = ("exact", "agrees")


def _same_name(levels: list[tuple[NameLevel, float]]) -> bool:
    """Whether the name levels say the same name: every part exact, none left over."""
    return bool(levels) and all(lv.level in ("exact", "agrees") for lv, _ in levels)


def _int_column(table: pa.Table, name: str) -> np.ndarray:
    arr = _string_array(table.column(name))
    return np.asarray(arr.fill_null(0).to_numpy(zero_copy_only=False), dtype=np.int16)
