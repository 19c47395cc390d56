"""Person matching: a blocking index over name keys, then the full scorer on a few
hundred candidates, qualified by date of birth, nationality and sex.

Every listed name (the record's name and each alias) is one entry of a flat
name table that points back to its record.  The entry's normalised form is kept
in an Arrow column, its blocking keys in a :class:`~hotlist.index.TokenIndex`.

How a person hit is scored (``person_score``).  Without a date of birth on
both sides the name similarity is the score.  With one, the score is
``0.75 * name + 0.25 * dob``, where ``dob`` is the date similarity (1 exact,
0.85 day/month swapped, 0.6 a year off...), but never less than ``0.8 *
rarity`` of the name: a long, rare name that matches closely stays a hit when
the listed date is years off (lists carry several or approximate dates), while
a common name with another date falls below the threshold.  Rarity comes from
the population (:mod:`hotlist.names._common`) and from token frequencies in
the list.  A listed nationality nudges the score up, a different one down; a
different sex takes off 0.2.
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

CANDIDATE_LIMIT = 500
RARITY_MIN_LIST = 5000  # list size from which token frequencies say how rare a name is
DOB_EXACT = 0.99  # dob_similarity at or above: the same date
DOB_NEAR = 0.5  # at or above: a near date (swap, one digit, a year, partial)


@dataclass(frozen=True, slots=True)
class PersonQuery:
    name: str  # normalised
    dob: names.PartialDate | None
    nationality: str | None
    sex: str | None


NAME_WEIGHT = 0.75  # with a DOB on both sides; the DOB carries the rest


def name_gate(threshold: float, with_dob: bool) -> float:
    """The least name similarity that can still reach ``threshold`` once a DOB
    confirms it: names below it need not be scored at all."""
    if not with_dob:
        return threshold
    return max(0.0, (threshold - (1.0 - NAME_WEIGHT)) / NAME_WEIGHT)


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
    0.79
    """
    score = name_score
    reasons = list(name_reasons)
    if dob_score is not None:
        support = max(dob_score, 0.8 * rarity)
        score = NAME_WEIGHT * name_score + (1.0 - NAME_WEIGHT) * support
        if dob_reason:
            reasons.append(dob_reason)
        if dob_score < support:
            reasons.append("distinctive name")
    if nationality and listed_nationalities:
        if nationality in listed_nationalities:
            score += (1.0 - score) * 0.1
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
        keys = [names.blocking_keys(v) if v else [] for v in normalised]
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
        keys = names.blocking_keys(query.name)
        if not keys:
            return []
        entries = self.index.candidates(keys, limit=CANDIDATE_LIMIT)
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
        rarity = self.rarity(query.name)
        # A confirming date of birth lifts a name score, so names a little below the
        # threshold are still scored when a DOB is given.
        gate = name_gate(threshold, query.dob is not None)
        best: dict[int, tuple[float, int]] = {}
        listed = self.normalised.take(pa.array(entries)).to_pylist()
        owners = self.owner[entries].tolist()
        similarity = names.similarity
        qname = query.name
        for entry, name, person in zip(entries.tolist(), listed, owners, strict=True):
            s = similarity(qname, name, score_cutoff=gate)
            if s <= 0.0:
                continue
            if person not in best or best[person][0] < s:
                best[person] = (s, entry)
        normalised = self.normalised
        out = []
        for person, (_, entry) in best.items():
            listed_name = normalised[entry].as_py()
            name_s, name_reasons = names.explain(query.name, listed_name)
            reasons = tuple(name_reasons)
            if self.is_alias[entry]:
                reasons = (f"alias {self.listed[entry].as_py()}", *reasons)
            listed_dob = self.dob_of(person)
            dob_s: float | None = None
            dob_r: str | None = None
            if query.dob is not None and listed_dob is not None:
                dob_s, dob_r = names.dob_similarity(query.dob, listed_dob)
            score, all_reasons = person_score(
                name_s,
                reasons,
                dob_score=dob_s,
                dob_reason=dob_r,
                rarity=rarity,
                nationality=query.nationality,
                listed_nationalities=self.nationalities_of(person),
                sex=query.sex,
                listed_sex=self.sex_of(person),
            )
            if score >= threshold:
                same = listed_name.replace(",", "") == query.name.replace(",", "")
                match = "exact" if same else "fuzzy"
                out.append(Candidate("persons", person, match, score, all_reasons))
        return out


def _int_column(table: pa.Table, name: str) -> np.ndarray:
    arr = _string_array(table.column(name))
    return np.asarray(arr.fill_null(0).to_numpy(zero_copy_only=False), dtype=np.int16)
