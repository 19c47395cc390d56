"""Person candidate bounds: an upper bound of the bits each listed name can score
against a query, computed for all candidates at once (numpy, Arrow and rapidfuzz's
``cdist``), so that :meth:`hotlist._persons.PersonIndex.score_entries` scores in
full only the candidates that can reach the threshold; and the DOB levels' bits.
"""

from __future__ import annotations

import math
from typing import TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from hotlist import names
from hotlist._person_keys import PersonQuery, letter_keys
from hotlist.index import TokenIndex
from hotlist.names._align import MAX_TOKEN_LENGTH, MAX_TOKENS, _Name, _parse
from hotlist.names._model import MODEL, bits
from hotlist.names._phonetic import variant
from hotlist.names._tokens import fold
from hotlist.names._tokensim import _roman, _skeleton

__all__ = ["PersonBounds", "dob_bits", "dob_level"]

_JOIN_PARTIAL = 60.0  # partial_ratio under which no join of a part can reach _JOIN_FLOOR
_LEFT_OVER = ("dropped", "dropped_middle", "differs")  # levels of a left-over listed part
_DIGIT = np.array([10**k for k in range(8)], dtype=np.int64)  # yyyymmdd digit places

# What the bound needs of a listed part (``PersonBounds._info``): its spelling-variant
# form, phonetic key, consonant skeleton, pinyin key, log2 term frequency, folded form.
_TokInfo: TypeAlias = tuple[str, str, str, str | None, float, str]


def dob_level(query: names.PartialDate | None, listed: names.PartialDate | None) -> str | None:
    """The DOB comparison level (a reason of :func:`hotlist.names.dob_similarity`),
    or None when either side has no date."""
    if query is None or listed is None:
        return None
    return names.dob_similarity(query, listed)[1]


def dob_bits(level: str | None, query: names.PartialDate | None) -> float:
    if level is None:
        return 0.0
    lv = MODEL.dob[level]
    u = lv.u or 1.0
    if level == "DOB exact" and query is not None and query.month == 1 and query.day == 1:
        u = max(u, MODEL.dob_placeholder_u)
    return bits(lv.m, u)


class PersonBounds:
    """The bound half of :class:`hotlist._persons.PersonIndex` (its base class)."""

    index: TokenIndex
    normalised: pa.Array
    owner: np.ndarray
    dob_year: np.ndarray
    dob_month: np.ndarray
    dob_day: np.ndarray
    _tok_info: dict[str, _TokInfo]

    def tf(self, token: str) -> float:
        """The term frequency of a name part (:meth:`hotlist._persons.PersonIndex.tf`)."""
        raise NotImplementedError

    def bound(self, query: PersonQuery, entries: np.ndarray) -> np.ndarray:
        """An upper bound of each entry's bits, computed for all entries at once.

        Name: the listed names are split into parts with Arrow; each distinct
        part gets the most its level could give (:meth:`_part_bounds`), and a
        name's bound is the sum over its parts (``np.bincount``); left-over
        parts (dropped, differs) only take bits away: a part that no query part
        can be aligned with counts the best of their bits, and each query part
        that the listed parts cannot all take is at least an extra part
        (:func:`_unmatched_bits`).  Names whose letters equal the query's (only
        the spaces differ), and junk past what the alignment looks at, get no bound.
        DOB: the best level the years allow (numpy over the candidates).
        Nationality and sex: their best level.
        """
        name_ub, rest_ub, _ = self._bounds(query, entries)
        total: np.ndarray = name_ub + rest_ub
        return total

    def _bounds(
        self, query: PersonQuery, entries: np.ndarray, *, same_too: bool = False
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`bound` in two parts: the name's, and the rest's (DOB,
        nationality, sex: the same for every name of a person); with
        ``same_too``, which names may be the query's exactly (every part but
        the particles equal to a query part once folded: the only names whose
        levels can all be exact or agree; else an empty array)."""
        n = len(entries)
        listed = self.normalised.take(pa.array(entries))
        plain = pc.replace_substring(listed, ",", "")
        split = pc.utf8_split_whitespace(plain)
        parent = pc.list_parent_indices(split).to_numpy()
        enc = pc.dictionary_encode(pc.list_flatten(split))
        parts = enc.dictionary.to_pylist()
        part = self._part_bounds(_parse_tokens(query.name), parts)
        indices = enc.indices.to_numpy()
        weights = part[indices] if len(part) else None
        ub: np.ndarray = np.bincount(parent, weights=weights, minlength=n).astype(np.float64)
        maybe_same = np.zeros(0, dtype=bool)
        if same_too:
            qset = {fold(q) for q in _parse_tokens(query.name)}
            other = [not (t in names.PARTICLES or fold(t) in qset) for t in parts]
            others = np.asarray(other, dtype=np.float64)[indices] if parts else None
            maybe_same = np.bincount(parent, weights=others, minlength=n) == 0
        if len(part):
            # query parts no listed part can take are left over: each costs at least
            # ``_unmatched_bits`` (an extra part, or a listed part that differs);
            # a listed name without parts is not compared at all (0 bits)
            qname = _parse(query.name)
            asked = sum(1 for t in qname.toks if t not in names.PARTICLES)
            size = np.asarray(pc.utf8_length(enc.dictionary).to_numpy(), dtype=np.int64)
            taken = np.bincount(parent, weights=_takers(qname, size, part)[indices], minlength=n)
            count = np.diff(split.offsets.to_numpy())
            left = np.where(count > 0, np.maximum(0.0, asked - taken), 0.0)
            ub -= _unmatched_bits() * left
            # the alignment looks at MAX_TOKENS parts of MAX_TOKEN_LENGTH letters:
            # past that, the part bounds say nothing (junk, not names; no bound)
            too_long = (size > MAX_TOKEN_LENGTH).astype(np.float64)
            long = np.bincount(parent, weights=too_long[indices], minlength=n) > 0
            ub[(count > MAX_TOKENS) | long] = np.inf
        letters = [self.index.postings(f"#{k}") for k in letter_keys(query.name)]
        same = np.isin(entries, np.concatenate(letters)) if letters else np.zeros(n, dtype=bool)
        ub[same] = np.inf
        rest = np.zeros(n, dtype=np.float64)
        if query.dob is not None:
            rest += self._dob_bound(query.dob, self.owner[entries])
        if query.nationality:
            lv = MODEL.nationality_listed
            rest += max(0.0, bits(lv.m, lv.u or 1.0))
        if query.sex:
            lv = MODEL.sex_same
            rest += max(0.0, bits(lv.m, lv.u or 1.0))
        return ub, rest, maybe_same

    def _part_bounds(self, qtoks: tuple[str, ...], parts: list[str]) -> np.ndarray:
        """The most bits each listed part can add against the query's parts.

        A part equal to a query part gives at most the exact level's bits; any
        other level that aligns it (variant, near, joined) at most the bits of
        the highest of their ``m`` at the part's term frequency (their ``u`` is
        at least that); an initial at most the initial level's bits (names
        whose letters equal the query's are not bounded at all; a part that
        starts with a query initial, at least that); a part that cannot be
        aligned the best left-over level's bits (under 0; 0 when the query has
        a particle).  "Can be aligned" is a superset of what ``_token_sim`` and
        the joins accept, against the query's long parts, its particles and
        the joins of its other short parts, tested for all parts at once with
        rapidfuzz's ``cdist``: at most two edits (OSA) as written or in the
        spelling-variant form, one part found in the other as written or in
        pinyin form (partial ratio at least ``_JOIN_PARTIAL``: attached
        articles, joined or split parts), or the same phonetic key, consonant
        skeleton or pinyin / Wade-Giles form.
        """
        out = np.zeros(len(parts), dtype=np.float64)
        if not parts:
            return out
        long_q = [q for q in qtoks if len(q) > 1 and q not in names.PARTICLES]
        # a listed part can be aligned with a query particle too (VAN / VANN), or
        # joined with adjacent query parts none of which is a long name part
        # (DE LA / DELA: the joins with one are found against it)
        other_q = _other_targets(qtoks)
        targets = long_q + other_q
        particle_q = any(q in names.PARTICLES for q in qtoks)
        # Y / YOLANDA: a one-letter particle is an initial too
        initials = {q[0] for q in qtoks if q and (len(q) == 1 or q not in names.PARTICLES)}
        exact = MODEL.name["exact"]
        initial = MODEL.name["initial"]
        initial_bits = max(0.0, bits(initial.m, initial.u or 1.0), bits(exact.m, MODEL.initial_tf))
        particle_bits = max(0.0, *(bits(lv.m, lv.u or 1.0) for lv in MODEL.particle.values()))
        aligned_m = max(lv.m for key, lv in MODEL.name.items() if key != "exact" and lv.u is None)
        long_idx = [i for i, t in enumerate(parts) if len(t) > 1 and t not in names.PARTICLES]
        if long_idx:
            toks = [parts[i] for i in long_idx]
            cache = self._tok_info
            info = [cache.get(t) or self._info(t) for t in toks]
            possible = np.zeros(len(toks), dtype=bool)
            if targets:
                raw = process.cdist(toks, targets, scorer=OSA.distance, score_cutoff=2, workers=1)
                var = process.cdist(
                    [x[0] for x in info],
                    [variant(q) for q in targets],
                    scorer=OSA.distance,
                    score_cutoff=2,
                    workers=1,
                )
                part = (
                    process.cdist(
                        toks,
                        targets,
                        scorer=fuzz.partial_ratio,
                        score_cutoff=_JOIN_PARTIAL,
                        workers=1,
                    )
                    >= _JOIN_PARTIAL
                )
                if other_q:
                    # found in a particle or a join of short parts only where the
                    # lengths allow a join (``hotlist.names._align._join``)
                    size = np.array([len(t) for t in toks], dtype=np.int64)[:, None]
                    reach = np.array([len(q) + 3 for q in other_q], dtype=np.int64)[None, :]
                    part[:, len(long_q) :] &= size <= reach + size // 4
                possible = np.asarray(((raw <= 2) | (var <= 2) | part).any(axis=1))
                qkeys = {names.phonetic_key(q) for q in targets}
                qskel = {_skeleton(q) for q in targets}
                qroman = {r for q in targets if (r := _roman(q)) is not None}
                for k in np.flatnonzero(~possible).tolist():
                    _, key, skel, roman, _, _ = info[k]
                    if key in qkeys or skel in qskel or (roman is not None and roman in qroman):
                        possible[k] = True
                # HSIU YING / XIUYING: a part joined in its pinyin form
                rest = [(k, r) for k in np.flatnonzero(~possible).tolist() if (r := info[k][3])]
                if rest and qroman:
                    found = process.cdist(
                        [r for _, r in rest],
                        sorted(qroman),
                        scorer=fuzz.partial_ratio,
                        score_cutoff=_JOIN_PARTIAL,
                        workers=1,
                    )
                    hit = (found >= _JOIN_PARTIAL).any(axis=1)
                    possible[np.array([k for k, _ in rest], dtype=np.int64)[hit]] = True
            log_tf = np.array([x[4] for x in info])
            # equal once the umlaut digraphs are folded (MUELLER / MULLER) is
            # exact too (hotlist.names._compare.compare)
            qset = {fold(q) for q in qtoks}
            same = np.array([x[5] in qset for x in info])
            has_initial = np.array([t[0] in initials for t in toks])
            value = np.where(
                same,
                math.log2(exact.m) - log_tf,
                np.where(possible, math.log2(aligned_m) - log_tf, initial_bits),
            )
            # a common part that starts with a query initial may be aligned with
            # it, at more bits than its other levels could give
            one_letter = {q for q in qtoks if len(q) == 1}
            if one_letter:
                by_initial = np.array([t[0] in one_letter for t in toks])
                value = np.where(by_initial, np.maximum(value, initial_bits), value)
            # A part that none of the query's parts can be aligned with is left
            # over: dropped, a dropped middle name or differs, each under 0 bits.
            # Not where the query has a particle (as before the tests above
            # looked at particles: whether it can now be is not measured).
            left_over = 0.0 if particle_q else _left_over_bits()
            out[np.asarray(long_idx)] = np.where(
                same | possible | has_initial, np.maximum(value, 0.0), left_over
            )
        for i, t in enumerate(parts):
            if t in names.PARTICLES:
                out[i] = particle_bits
            elif len(t) == 1 and (
                t in initials or any(q.startswith(t) for q in qtoks if len(q) > 1)
            ):
                out[i] = initial_bits
        return out

    def _info(self, token: str) -> _TokInfo:
        """What the bound needs of a listed part, once (``_TokInfo``)."""
        if len(self._tok_info) > 1 << 17:
            self._tok_info.clear()
        value = (
            variant(token),
            names.phonetic_key(token),
            _skeleton(token),
            _roman(token),
            math.log2(self.tf(token)),
            fold(token),
        )
        self._tok_info[token] = value
        return value

    def _dob_bound(self, dob: names.PartialDate, owner: np.ndarray) -> np.ndarray:
        """The DOB bits of each candidate: exactly ``dob_level`` when both dates are
        full (numpy over yyyymmdd digits), else the best the years allow."""
        years = self.dob_year[owner].astype(np.int64)
        months = self.dob_month[owner].astype(np.int64)
        days = self.dob_day[owner].astype(np.int64)
        gap = np.abs(years - dob.year)
        digits = _slips(years, dob.year, 4)
        same_year = max(dob_bits(lv, dob) for lv in MODEL.dob)
        near = max(
            dob_bits(lv, None)
            for lv in ("DOB one digit off", "DOB one year off", "DOB two years off")
        )
        differs = dob_bits("DOB differs", None)
        out = np.where(
            years == dob.year, same_year, np.where((gap <= 2) | (digits == 1), near, differs)
        )
        if dob.month and dob.day:
            full = (months > 0) & (days > 0)
            qm, qd = dob.month, dob.day
            ymd = years * 10000 + months * 100 + days
            q = dob.year * 10000 + qm * 100 + qd
            slips = _slips(ymd, q, 8)
            same_rest = (months == qm) & (days == qd)
            level = np.full(len(owner), dob_bits("DOB differs", None))
            level = np.where(same_rest & (gap == 2), dob_bits("DOB two years off", None), level)
            level = np.where(same_rest & (gap == 1), dob_bits("DOB one year off", None), level)
            one = (slips == 1) & ~(same_rest & (gap == 1))
            level = np.where(one, dob_bits("DOB one digit off", None), level)
            swapped = (years == dob.year) & (months == qd) & (days == qm)
            level = np.where(swapped, dob_bits("DOB day/month swapped", None), level)
            level = np.where(ymd == q, dob_bits("DOB exact", dob), level)
            out = np.where(full, level, out)
        return np.where(years <= 0, 0.0, out)


def _left_over_bits() -> float:
    """The most bits a listed part left over by the alignment can add (its level
    is one of these; near, the one positive left-over level, needs a query part
    one edit away, which the bound counts as possible)."""
    return max(bits(lv.m, lv.u or 1.0) for key, lv in MODEL.name.items() if key in _LEFT_OVER)


def _unmatched_bits() -> float:
    """The least a query part left over costs against the bound: it is an extra
    part, or it differs from a listed part left over (whose bound is at least
    the left-over levels' best)."""
    extra, differs = MODEL.name["extra"], MODEL.name["differs"]
    cost = min(
        -bits(extra.m, extra.u or 1.0), _left_over_bits() - bits(differs.m, differs.u or 1.0)
    )
    return max(0.0, cost)


def _takers(query: _Name, size: np.ndarray, bound: np.ndarray) -> np.ndarray:
    """How many of the query's parts each listed part can take in the alignment:
    none when no query part can be aligned with it (its bound is under 0), three
    when a span of two or three query parts joined is close enough in length to
    be joined with it (``hotlist.names._align._join``), else one.  ``size``: the
    parts' lengths."""
    spans = np.array([s[2] for s in query.spans], dtype=np.int64)
    joinable = (
        (np.abs(spans[None, :] - size[:, None]) <= (3 + size // 4)[:, None]).any(axis=1)
        if len(spans)
        else np.zeros(len(size), dtype=bool)
    )
    out: np.ndarray = np.where(bound < 0.0, 0.0, np.where(joinable, 3.0, 1.0))
    return out


def _other_targets(qtoks: tuple[str, ...]) -> list[str]:
    """The query's particles of two letters or more, and the joins of two or three
    adjacent parts none of which is a long name part (``_Name.spans``)."""
    short = [len(q) == 1 or q in names.PARTICLES for q in qtoks]
    out = [q for q in qtoks if len(q) > 1 and q in names.PARTICLES]
    for span in (3, 2):
        for start in range(len(qtoks) - span + 1):
            if all(short[start : start + span]):
                out.append("".join(qtoks[start : start + span]))
    return out


def _slips(values: np.ndarray, target: int, places: int) -> np.ndarray:
    """How many of the last ``places`` decimal digits of each value differ from ``target``'s."""
    place = _DIGIT[:places]
    differ = (values[:, None] // place) % 10 != (target // place) % 10
    counts: np.ndarray = differ.sum(axis=1)
    return counts


def _parse_tokens(normalised: str) -> tuple[str, ...]:
    return tuple(normalised.replace(",", "").split())
