"""Person matching: a blocking index over name keys, then the full scorer on a few
hundred candidates, qualified by date of birth, nationality and sex.

Every listed name (the record's name and each alias) is one entry of a flat
name table that points back to its record.  The entry's normalised form is kept
in an Arrow column, its blocking keys in a :class:`~hotlist.index.TokenIndex`.

How a person hit is scored (``person_score``): the name similarity, moved by
the qualifiers.  ``rarity`` (0 common .. 1 distinctive) comes from a population
prior of very common name parts and from token frequencies in the list.

- exact date of birth: closes 30 % of the gap to 1;
- near date (day/month swapped, one digit off, partial): 0.01 less than exact;
- a year or two off: times ``0.88 + 0.12 * rarity``;
- clearly different: times ``0.75 + 0.25 * rarity`` -- a long, rare name that
  matches closely stays a hit (lists carry approximate dates), a common name
  with another date does not alarm;
- no date on one side: times ``0.85 + 0.15 * rarity``;
- a listed nationality closes 10 % of the gap, a different one takes off 0.05;
  a different sex takes off 0.2.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

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
from hotlist.index import TokenIndex
from hotlist.names._common import is_common

__all__ = ["PersonIndex", "PersonQuery", "person_score"]

# Candidates scored in full per query: the rows sharing the most / rarest keys.
# Keys held by more than 1 % of the names (but at least 50) are skipped when the
# query has rarer ones.  Measured against a full scan with the same scorer on
# synth data at 100 k persons (benchmarks/person_recall.py): 200 candidates and a
# 0.5 % cap found 98.3 %, these settings 100 % (70 queries); recall first, since
# a frontline check must not miss, at about twice the scoring time.
CANDIDATE_LIMIT = 500
CANDIDATE_DF_SHARE = 0.01
CANDIDATE_MIN_DF_CAP = 50
RARITY_MIN_LIST = 5000  # list size from which token frequencies say how rare a name is
DOB_EXACT = 0.99  # dob_similarity at or above: the same date
DOB_NEAR = 0.75  # at or above: a near date (swap, one digit, partial)


@dataclass(frozen=True, slots=True)
class PersonQuery:
    name: str  # normalised
    dob: names.PartialDate | None
    nationality: str | None
    sex: str | None


NAME_WEIGHT = 0.75  # with a DOB on both sides; the DOB carries the rest
# How the qualifiers move a name score (see person_score); tuned on
# synth.person_queries (recall of name variants against false hits of innocent
# travellers drawn from the same name pools), not on any real list.
NAME_ONLY_FLOOR = 0.85  # no DOB on one side: a common name keeps 0.85 of its score
DOB_EXACT_LIFT = 0.3  # an exact DOB closes 30 % of the gap to 1
DOB_DIFFERS_FLOOR = 0.75  # a clearly different DOB: a common name keeps 0.75
DOB_FAR = 0.4
DOB_FAR_FLOOR = 0.88  # a year or two off: a common name keeps 0.88
NATIONALITY_LIFT = 0.1


def name_gate(threshold: float, with_dob: bool) -> float:
    """The least name similarity that can still reach ``threshold`` after the
    largest lift the qualifiers can give (an exact DOB, a listed nationality):
    names below it need not be scored at all."""
    lift = 1.0 - (1.0 - NATIONALITY_LIFT) * (1.0 - (DOB_EXACT_LIFT if with_dob else 0.0))
    return max(0.0, (threshold - lift) / (1.0 - lift))


def person_score(
    name_score: float,
    name_reasons: tuple[str, ...],
    *,
    dob_score: float | None,
    dob_reason: str | None,
    rarity: float,
    nationality: str | None,
    listed_nationalities: tuple[str, ...],
    sex: str | None,
    listed_sex: str | None,
) -> tuple[float, tuple[str, ...]]:
    """Combine the name score with the qualifiers; pure, so batch and single agree.

    >>> person_score(1.0, ("name exact",), dob_score=1.0, dob_reason="DOB exact", rarity=0.5,
    ...              nationality=None, listed_nationalities=(), sex=None, listed_sex=None)
    (1.0, ('name exact', 'DOB exact'))
    >>> person_score(1.0, ("name exact",), dob_score=0.0, dob_reason="DOB differs", rarity=0.2,
    ...              nationality=None, listed_nationalities=(), sex=None, listed_sex=None)[0]
    0.8
    """
    score = name_score
    reasons = list(name_reasons)
    if dob_score is not None:
        if dob_score >= DOB_EXACT:
            score = name_score + (1.0 - name_score) * DOB_EXACT_LIFT
        elif dob_score >= DOB_NEAR:
            score = name_score - 0.01  # swapped, one digit, partial: consistent, not proof
        elif dob_score >= DOB_FAR:
            # a year or two off: lists carry approximate dates, namesakes too
            score = name_score * (DOB_FAR_FLOOR + (1.0 - DOB_FAR_FLOOR) * rarity)
        else:
            score = name_score * (DOB_DIFFERS_FLOOR + (1.0 - DOB_DIFFERS_FLOOR) * rarity)
            if rarity >= 0.5:
                reasons.append("distinctive name")
        if dob_reason:
            reasons.insert(len(name_reasons), dob_reason)
    else:
        # No date of birth to confirm or refute: a name alone says more the rarer it is.
        score = name_score * (NAME_ONLY_FLOOR + (1.0 - NAME_ONLY_FLOOR) * rarity)
    if nationality and listed_nationalities:
        if nationality in listed_nationalities:
            score += (1.0 - score) * NATIONALITY_LIFT
            reasons.append(f"nationality {nationality}")
        else:
            score -= 0.05
            reasons.append(
                f"nationality {nationality} not listed ({', '.join(listed_nationalities)})"
            )
    if sex and listed_sex and "X" not in (sex, listed_sex):
        if sex == listed_sex:
            reasons.append(f"sex {sex}")
        else:
            score -= 0.2
            reasons.append(f"sex differs (listed {listed_sex})")
    return round(min(1.0, max(0.0, score)), 4), tuple(reasons)


def name_keys(normalised: str) -> list[str]:
    """The index keys of one normalised name: :func:`hotlist.names.blocking_keys`
    plus, for each full name part, its phonetic key joined with the initial of
    each other part (``SM0/J`` for SMITH, JOHN).  The composite keys are what
    finds ``SMITH, J.`` among many SMITHs, and they rank a candidate sharing
    two parts above one sharing a single common part.
    """
    keys = names.blocking_keys(normalised)
    parts = [t for t in normalised.replace(",", "").split() if t not in names.PARTICLES]
    for i, token in enumerate(parts[:4]):
        if len(token) < 2:
            continue
        key = names.phonetic_key(token)
        if not key:
            continue
        for j, other in enumerate(parts[:4]):
            if j != i:
                keys.append(f"{key}/{other[0]}")
    return list(dict.fromkeys(keys))


class PersonIndex:
    """Candidates by blocking keys, scored by :func:`hotlist.names.similarity`."""

    def __init__(self, table: pa.Table) -> None:
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
        self.owner = np.concatenate([np.arange(n, dtype=np.int32), alias_owner])
        self.is_alias = np.concatenate(
            [np.zeros(n, dtype=bool), np.ones(len(alias_owner), dtype=bool)]
        )
        self.listed = listed
        # Build-time Python work, once per listed name; nothing per record survives it.
        normalised = [names.normalize(v) if v else "" for v in listed.to_pylist()]
        self.normalised = pa.array(normalised, pa.string())
        keys = [name_keys(v) if v else [] for v in normalised]
        self.index = TokenIndex.build(pa.array(keys, pa.list_(pa.string())))
        self.num_entries = len(normalised)
        self.dob_year = _int_column(table, "dob_year")
        self.dob_month = _int_column(table, "dob_month")
        self.dob_day = _int_column(table, "dob_day")
        self.sex_codes, self.sex_values = _decoded(table.column("sex"))
        self.nationalities = _string_array(table.column("nationalities"))

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
        """The index over ``table`` from saved :meth:`parts` (possibly memory-mapped):
        no name is normalised again and no blocking key recomputed."""
        self = cls.__new__(cls)
        self.owner = numpy["owner"]
        self.is_alias = numpy["is_alias"]
        self.listed = _string_array(arrays["listed"])
        self.normalised = _string_array(arrays["normalised"])
        self.index = TokenIndex.from_arrays(unprefixed("index.", numpy))
        self.num_entries = len(self.normalised)
        self.dob_year = _int_column(table, "dob_year")
        self.dob_month = _int_column(table, "dob_month")
        self.dob_day = _int_column(table, "dob_day")
        self.sex_codes, self.sex_values = _decoded(table.column("sex"))
        self.nationalities = _string_array(table.column("nationalities"))
        return self

    @property
    def nbytes(self) -> int:
        return int(
            self.owner.nbytes
            + self.is_alias.nbytes
            + self.normalised.nbytes
            + self.index.nbytes
            + self.dob_year.nbytes
            + self.dob_month.nbytes
            + self.dob_day.nbytes
            + self.sex_codes.nbytes
        )

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

    def rarity(self, name: str) -> float:
        """How distinctive a normalised name is, 0 (all parts common) to 1.

        Each part is weighed by the population prior (a very common name part,
        :func:`~hotlist.names._common.is_common`, weighs 0.1) and, in a list
        large enough to tell (5,000 names or more), by how often its phonetic
        key occurs: one name in 100 weighs 0.1, one in 100,000 weighs 1.  In a
        smaller list a part off the common list weighs 0.6 (rare in the list)
        or 0.4.  The two or three heaviest parts add up, halved: two truly rare
        parts make a name fully distinctive.
        """
        parts = [t for t in names.tokens(name) if t not in names.PARTICLES and len(t) > 1]
        n = self.num_entries
        weights = []
        for token in parts:
            if is_common(token):
                weights.append(0.1)
                continue
            df = max((self.index.df(k) for k in names.blocking_keys(token)), default=0)
            if n >= RARITY_MIN_LIST and df > 0:
                weights.append(min(1.0, max(0.1, (math.log10(n / df) - 2.0) / 3.0)))
            else:
                weights.append(0.6 if df <= 2 else 0.4)
        return min(1.0, sum(sorted(weights, reverse=True)[:3]) / 2.0)

    def match(self, query: PersonQuery, *, threshold: float) -> list[Candidate]:
        keys = name_keys(query.name)
        if not keys:
            return []
        max_df = max(CANDIDATE_MIN_DF_CAP, int(CANDIDATE_DF_SHARE * self.num_entries))
        entries = self.index.candidates(keys, limit=CANDIDATE_LIMIT, max_df=max_df)
        return self.score_entries(query, entries, threshold=threshold)

    def score_entries(
        self, query: PersonQuery, entries: np.ndarray, *, threshold: float
    ) -> list[Candidate]:
        """Score the listed names ``entries`` (indexes into the flat name table) in full.

        ``match`` calls it with the candidates of the blocking index; a full scan
        (the reference the index is measured against) calls it with every entry.
        """
        if len(entries) == 0:
            return []
        # A confirming date of birth lifts a name score, so a name a little below the
        # threshold is still scored when the listed person was born in the year asked;
        # every other candidate must reach the gate a listed nationality alone allows.
        owner = self.owner[entries]
        high = name_gate(threshold, False)
        if query.dob is not None:
            low = name_gate(threshold, True)
            gates = np.where(self.dob_year[owner] == query.dob.year, low, high).tolist()
        else:
            gates = [high] * len(entries)
        best: dict[int, tuple[float, int]] = {}
        listed = self.normalised.take(pa.array(entries)).to_pylist()
        owners = owner.tolist()
        similarity = names.similarity
        qname = query.name
        for entry, name, person, gate in zip(entries.tolist(), listed, owners, gates, strict=True):
            s = similarity(qname, name, score_cutoff=gate)
            if s <= 0.0:
                continue
            if person not in best or best[person][0] < s:
                best[person] = (s, entry)
        if not best:
            return []
        rarity = self.rarity(query.name)
        normalised = self.normalised
        persons = list(best)
        rows = np.asarray(persons, dtype=np.int64)
        years = self.dob_year[rows].tolist()
        months = self.dob_month[rows].tolist()
        days = self.dob_day[rows].tolist()
        sex_codes = self.sex_codes[rows].tolist()
        nationalities = self.nationalities.take(pa.array(rows)).to_pylist()
        out = []
        for i, person in enumerate(persons):
            name_s, entry = best[person]
            dob_s: float | None = None
            dob_r: str | None = None
            if query.dob is not None and years[i] > 0:
                listed_dob = names.PartialDate(years[i], months[i] or None, days[i] or None)
                dob_s, dob_r = names.dob_similarity(query.dob, listed_dob)
            code = sex_codes[i]
            qualifiers = {
                "dob_score": dob_s,
                "dob_reason": dob_r,
                "rarity": rarity,
                "nationality": query.nationality,
                "listed_nationalities": tuple(nationalities[i] or ()),
                "sex": query.sex,
                "listed_sex": self.sex_values[code] if code >= 0 else None,
            }
            # Scored first without reasons: explain() (the same score, with the
            # reasons) runs only for the few that are hits.
            if person_score(name_s, (), **qualifiers)[0] < threshold:  # type: ignore[arg-type]
                continue
            listed_name = normalised[entry].as_py()
            _, name_reasons = names.explain(query.name, listed_name)
            reasons = tuple(name_reasons)
            if self.is_alias[entry]:
                reasons = (f"alias {self.listed[entry].as_py()}", *reasons)
            score, all_reasons = person_score(name_s, reasons, **qualifiers)  # type: ignore[arg-type]
            same = listed_name.replace(",", "") == query.name.replace(",", "")
            out.append(
                Candidate("persons", person, "exact" if same else "fuzzy", score, all_reasons)
            )
        return out


def _int_column(table: pa.Table, name: str) -> np.ndarray:
    arr = _string_array(table.column(name))
    return np.asarray(arr.fill_null(0).to_numpy(zero_copy_only=False), dtype=np.int16)
