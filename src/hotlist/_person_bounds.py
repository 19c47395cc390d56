"""Person candidate bounds: an upper bound of the bits each listed name can score
against a query, computed for all candidates at once (numpy, Arrow and rapidfuzz's
``cdist``), so that :meth:`hotlist._persons.PersonIndex.score_entries` scores in
full only the candidates that can reach the threshold; and the DOB levels' bits.
"""

from __future__ import annotations

import itertools
import math
import threading
from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import process
from rapidfuzz.distance import OSA

from hotlist import names
from hotlist._intsets import among, member
from hotlist._person_keys import PersonQuery, letter_keys, ranges
from hotlist._person_leftover import (
    IRREGULAR,
    comma_places,
    dropped_gain,
    families,
    join_only_parts,
    left_over_bits,
    listed_joins_exact,
    not_middle,
    takers,
    unmatched_bits,
)
from hotlist._person_targets import (
    BUCKETS,
    JOIN_ONLY,
    TOKEN,
    join_only,
    letters_of,
    parse_tokens,
    query_side,
)
from hotlist.index import TokenIndex, total_nbytes
from hotlist.names._align import MAX_TOKEN_LENGTH, MAX_TOKENS, _Name, _parse
from hotlist.names._model import MODEL, bits
from hotlist.names._phonetic import variant
from hotlist.names._tokens import fold
from hotlist.names._tokensim import _roman, _skeleton

__all__ = ["PersonBounds", "dob_bits", "dob_level"]

_DIGIT = np.array([10**k for k in range(8)], dtype=np.int64)  # yyyymmdd digit places


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
    # each listed name's parts as ids into the distinct parts (``_parts_of``)
    part_offsets: np.ndarray  # int64, one more than the names
    part_ids: np.ndarray  # int32, the names' parts in order
    part_text: pa.Array  # the distinct parts
    part_size: np.ndarray  # int64, their lengths
    part_particle: np.ndarray  # bool, whether each is a particle
    # what the bound needs of a long part, filled the first time a query meets it
    # (``_fill``): log2 term frequency (NaN: not yet), spelling-variant form, and
    # the ids (``_codes``) of its phonetic key, skeleton, pinyin key (-1: none)
    # and folded form
    _part_log_tf: np.ndarray
    _part_str: np.ndarray  # the part's text (None: not met yet, see ``_part_met``)
    _part_met: np.ndarray
    _part_variant: np.ndarray
    _part_roman: np.ndarray
    _part_letters: np.ndarray  # (parts, BUCKETS) letter counts (``letters``)
    _part_codes: np.ndarray
    _part_first: np.ndarray  # the code point of its first letter
    _part_bytes: np.ndarray  # int32, their lengths in UTF-8 bytes
    _comma_at: np.ndarray  # int16, per listed name, where its ", " is (``comma_places``)
    _codes: dict[str, int]
    _local: threading.local
    _next_code: Iterator[int]

    def tf(self, token: str) -> float:
        """The term frequency of a name part (:meth:`hotlist._persons.PersonIndex.tf`)."""
        raise NotImplementedError

    def _parts_of(self, normalised: pa.Array) -> None:
        """Each listed name's parts (the comma dropped, split at spaces) as ids
        into one table of the distinct parts, with their lengths and particle
        flags: what the bound reads of the candidates per query, made once
        (Arrow, no Python per name)."""
        split = pc.utf8_split_whitespace(pc.replace_substring(normalised, ",", ""))
        count = np.asarray(pc.list_value_length(split).fill_null(0).to_numpy(), dtype=np.int64)
        self.part_offsets = np.concatenate([np.zeros(1, dtype=np.int64), np.cumsum(count)])
        enc = pc.dictionary_encode(pc.list_flatten(split))
        self.part_ids = np.asarray(enc.indices.to_numpy(), dtype=np.int32)
        self.part_text = enc.dictionary
        self.part_size = np.asarray(pc.utf8_length(enc.dictionary).to_numpy(), dtype=np.int64)
        self._part_bytes = np.asarray(pc.binary_length(enc.dictionary).to_numpy(), dtype=np.int32)
        self._comma_at = comma_places(
            normalised, self.part_offsets, self.part_ids, self._part_bytes
        )
        particles = pa.array(sorted(names.PARTICLES), pa.string())
        self.part_particle = np.asarray(
            pc.is_in(enc.dictionary, value_set=particles).to_numpy(zero_copy_only=False), dtype=bool
        )
        n = len(enc.dictionary)
        self._part_log_tf = np.full(n, np.nan)
        self._part_str = np.empty(n, dtype=object)
        self._part_met = np.zeros(n, dtype=bool)
        self._part_variant = np.empty(n, dtype=object)
        self._part_roman = np.empty(n, dtype=object)
        self._part_letters = np.zeros((n, BUCKETS), dtype=np.uint8)
        self._part_codes = np.full((n, 4), -1, dtype=np.int32)
        self._codes = {}
        self._next_code = itertools.count()
        self._part_first = np.zeros(n, dtype=np.int32)
        self._local = threading.local()

    @property
    def parts_nbytes(self) -> int:
        """Bytes of the parts' arrays (the lazily filled ones at their full size;
        the strings of the parts met so far not counted)."""
        return total_nbytes(
            self.part_offsets,
            self.part_ids,
            self.part_text,
            self.part_size,
            self.part_particle,
            self._part_log_tf,
            self._part_str,
            self._part_met,
            self._part_variant,
            self._part_roman,
            self._part_letters,
            self._part_codes,
            self._part_first,
            self._part_bytes,
            self._comma_at,
        )

    def _families(
        self, entries: np.ndarray, parent: np.ndarray, uniq: np.ndarray, indices: np.ndarray
    ) -> np.ndarray:
        """The family part counts of the listed names ``entries`` (their parts
        gathered: ``_gather_parts``; :func:`hotlist._person_leftover.families`)."""
        count = self.part_offsets[entries + 1] - self.part_offsets[entries]
        occ_bytes = self._part_bytes[uniq].astype(np.int64)[indices]
        return families(self._comma_at[entries], parent, count, occ_bytes)

    def _texts(self, ids: np.ndarray) -> list[str]:
        """The texts of the parts ``ids``, kept as Python strings once met."""
        new = ids[~self._part_met[ids]]
        if len(new):
            self._part_str[new] = self.part_text.take(pa.array(new)).to_pylist()
            self._part_met[new] = True
        texts: list[str] = self._part_str[ids].tolist()
        return texts

    def _code(self, text: str) -> int:
        """The id of a text among the parts' forms (one id, one text; atomic)."""
        code = self._codes.get(text)
        if code is None:
            code = self._codes.setdefault(text, next(self._next_code))
        return code

    def _fill(self, ids: np.ndarray, toks: list[str]) -> None:
        """The per-part arrays of the long parts ``ids`` (texts ``toks``) not met yet
        (Python per new part for its forms; the arrays written once, in bulk)."""
        new = np.flatnonzero(np.isnan(self._part_log_tf[ids]))
        if not len(new):
            return
        texts = [toks[k] for k in new.tolist()]
        pids = ids[new]
        romans = [_roman(t) for t in texts]
        self._part_variant[pids] = [variant(t) for t in texts]
        self._part_roman[pids] = romans
        self._part_letters[pids] = letters_of(texts)
        self._part_first[pids] = [ord(t[0]) for t in texts]
        code = self._code
        self._part_codes[pids] = [
            (
                code(names.phonetic_key(t)),
                code(_skeleton(t)),
                -1 if r is None else code(r),
                code(fold(t)),
            )
            for t, r in zip(texts, romans, strict=True)
        ]
        # last: marks the parts filled
        self._part_log_tf[pids] = [math.log2(self.tf(t)) for t in texts]

    def _fill_common(self, min_names: int = 2) -> None:
        """Fills the per-part arrays (``_fill``) of every long part found in at
        least ``min_names`` listed names, at once: a load pays ~16 us a part
        (~1 s for the 58 k distinct parts of 1 M devdata persons) so that checks
        do not (a check meeting hundreds of parts for the first time took
        10 ms).  Parts of one name stay lazy (met by few queries)."""
        counts = np.bincount(self.part_ids, minlength=len(self.part_size))
        ids = np.flatnonzero((counts >= min_names) & (self.part_size > 1)).astype(np.int32)
        for start in range(0, len(ids), 1 << 16):
            chunk = ids[start : start + (1 << 16)]
            self._fill(chunk, self._texts(chunk))

    def _gather_parts(
        self, entries: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The parts of the names ``entries``: each part's candidate (position in
        ``entries``), its index into the distinct parts among them, those
        distinct parts' ids, and the number of parts of each candidate."""
        starts = self.part_offsets[entries]
        count = self.part_offsets[entries + 1] - starts
        pos, parent = ranges(starts, count)
        ids = self.part_ids[pos]
        # the distinct ids without a sort: a per-thread slot per part remembers
        # the last position each id was written at, then its place among them
        slot = self._slots()
        at = np.arange(len(ids), dtype=np.int32)
        slot[ids] = at
        uniq = ids[slot[ids] == at]
        slot[uniq] = np.arange(len(uniq), dtype=np.int32)
        indices = slot[ids]
        return parent, indices, uniq, count

    def _slots(self) -> np.ndarray:
        """A per-thread int32 array of one slot per distinct part (``_gather_parts``)."""
        slots: np.ndarray | None = getattr(self._local, "slots", None)
        if slots is None:
            slots = self._local.slots = np.zeros(len(self.part_size), dtype=np.int32)
        return slots

    def bound(self, query: PersonQuery, entries: np.ndarray) -> np.ndarray:
        """An upper bound of each entry's bits, computed for all entries at once.

        Name: the listed names are split into parts with Arrow; each distinct
        part gets the most its level could give (:meth:`_part_bounds`), and a
        name's bound is the sum over its parts (``np.bincount``); left-over
        parts (dropped, differs) only take bits away: a part that no query part
        can be aligned with counts the best of their bits, and each query part
        that the listed parts cannot all take is at least an extra part
        (:func:`unmatched_bits`).  Names whose letters equal the query's (only
        the spaces differ), and junk past what the alignment looks at, get no bound.
        DOB: the best level the years allow (numpy over the candidates).
        Nationality and sex: their best level.
        """
        name_ub, rest_ub, _ = self._bounds(query, entries)
        total: np.ndarray = name_ub + rest_ub
        return total

    def _bounds(
        self,
        query: PersonQuery,
        entries: np.ndarray,
        *,
        same_too: bool = False,
        need: tuple[float, float] | None = None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`bound` in two parts: the name's, and the rest's (DOB,
        nationality, sex: the same for every name of a person); with
        ``same_too``, which names may be the query's exactly (every part but
        the particles equal to a query part once folded: the only names whose
        levels can all be exact or agree; else an empty array).  ``need``
        (the bits a check needs, the namesakes' bits): the compiled path asks
        the exact listed joins only where they can change what a check keeps;
        this reference asks them everywhere (the tighter bound, still over the
        score)."""
        n = len(entries)
        parent, indices, uniq, count = self._gather_parts(entries)
        parts = self._texts(uniq)
        size = self.part_size[uniq]
        qtoks = parse_tokens(query.name)
        qname = _parse(query.name)
        part, agrees, demote = self._part_bounds(
            qtoks, parts, uniq, size, self.part_particle[uniq], query=qname
        )
        weights = part[indices] if len(part) else None
        down = np.zeros(len(parent), dtype=bool)
        family = self._families(entries, parent, uniq, indices)
        if weights is not None and demote.any():
            # a part only a join can align, in a name where no join can take it: left over
            # (the scorer's own join test, whose length half is ``listed_joins``)
            down = demote[indices] & (family[parent] != IRREGULAR)
            down &= ~listed_joins_exact(
                parent, indices, count, down, parts=parts, sizes=size, query_toks=qname.toks
            )
            weights = np.where(down, left_over_bits(), weights)
        if weights is not None and dropped_gain() < 0.0:
            # a left-over part (under 0) that cannot be a middle name: dropped or differs
            low = (weights < 0.0) & not_middle(
                parent,
                indices,
                count,
                family,
                size=size,
                particle=self.part_particle[uniq],
            )
            weights = np.where(low, weights + dropped_gain(), weights)
        ub: np.ndarray = np.bincount(parent, weights=weights, minlength=n).astype(np.float64)
        maybe_same = np.zeros(0, dtype=bool)
        if same_too:
            others = (~agrees).astype(np.float64)[indices] if parts else None
            maybe_same = np.bincount(parent, weights=others, minlength=n) == 0
        if len(part):
            # query parts no listed part can take are left over: each costs at least
            # ``unmatched_bits`` (an extra part, or a listed part that differs);
            # a listed name without parts is not compared at all (0 bits)
            asked = sum(1 for t in qname.toks if t not in names.PARTICLES)
            took = np.where(down, 0.0, takers(qname, size, part)[indices])
            taken = np.bincount(parent, weights=took, minlength=n)
            left = np.where(count > 0, np.maximum(0.0, asked - taken), 0.0)
            ub -= unmatched_bits() * left
            # the alignment looks at MAX_TOKENS parts of MAX_TOKEN_LENGTH letters:
            # past that, the part bounds say nothing (junk, not names; no bound)
            too_long = (size > MAX_TOKEN_LENGTH).astype(np.float64)
            long = np.bincount(parent, weights=too_long[indices], minlength=n) > 0
            ub[(count > MAX_TOKENS) | long] = np.inf
        letters = [self.index.postings(f"#{k}") for k in letter_keys(query.name)]
        same = member(entries, np.concatenate(letters)) if letters else np.zeros(n, dtype=bool)
        ub[same] = np.inf
        if qname.cut:
            # the scorer reads a query past MAX_TOKENS parts or with a part past
            # MAX_TOKEN_LENGTH letters cut short (_align._parse): a cut part may be
            # exact where the whole one is not, so the parts' bounds do not hold
            ub[:] = np.inf
        dob = None if query.dob is None else self._dob_bound(query.dob, self.owner[entries])
        return ub, self._rest_bound(query, n, dob), maybe_same

    @staticmethod
    def _rest_bound(query: PersonQuery, n: int, dob: np.ndarray | None) -> np.ndarray:
        """The most the DOB (its bits per candidate, ``dob``), nationality and sex
        can add."""
        rest = np.zeros(n, dtype=np.float64)
        if dob is not None:
            rest += dob
        if query.nationality:
            lv = MODEL.nationality_listed
            rest += max(0.0, bits(lv.m, lv.u or 1.0))
        if query.sex:
            lv = MODEL.sex_same
            rest += max(0.0, bits(lv.m, lv.u or 1.0))
        return rest

    def _part_bounds(
        self,
        qtoks: tuple[str, ...],
        parts: list[str],
        ids: np.ndarray,
        size: np.ndarray,
        particle: np.ndarray,
        *,
        query: _Name,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The most bits each listed part (``parts``, their ids, lengths and
        particle flags) can add against the query's parts (``qtoks``, parsed:
        ``query``); which parts are a particle or equal to a query part once
        folded; and which only a span of their own name joined can align (a
        join with query parts cannot: ``span_joins``; ``_bounds`` leaves them
        over where their name has no such span).

        A part equal to a query part gives at most the exact level's bits; any
        other level that aligns it as a token pair (variant, loose, near) at
        most the bits of the highest of their ``m`` at the part's term
        frequency (their ``u`` is at least that), one that only a join can
        align (joined) the joined level's; an initial at most the initial
        level's bits (names whose letters equal the query's are not bounded at
        all; a long part that starts with a one-letter query part, at least
        that: ``_token_sim``'s INITIAL needs one); a part that cannot be
        aligned the best left-over level's bits (under 0, whether or not the
        query has a particle; ``_bounds`` lowers it where the part cannot be a
        middle name).  "Can be aligned" is a superset of what ``_token_sim`` and the
        joins accept, against the query's long parts, its particles and the
        joins of its other short parts, tested for all parts at once with
        rapidfuzz's ``cdist``: as a token pair, at most two edits (OSA) as
        written or in the spelling-variant form, or the same phonetic key,
        consonant skeleton or pinyin / Wade-Giles form; in a join, any other
        part (the scorer scores a joined span by ``_token_sim``, which no test
        of one part bounds; ``_alignable``).
        """
        out = np.zeros(len(parts), dtype=np.float64)
        agrees = particle.copy()
        demote = np.zeros(len(parts), dtype=bool)
        if not parts:
            return out, agrees, demote
        long_q, other_q, targets, _, _, qset = query_side(qtoks)
        initial_bits, particle_bits, exact_log, aligned_log, joined_log = _part_level_bits()
        long_idx = np.flatnonzero((size > 1) & ~particle)
        if len(long_idx):
            lids = ids[long_idx]
            toks = [parts[i] for i in long_idx.tolist()]
            self._fill(lids, toks)
            codes = self._part_codes[lids]
            # equal once the umlaut digraphs are folded (MUELLER / MULLER) is
            # exact too (hotlist.names._compare.compare)
            same = among(codes[:, 3], [self._codes.get(q, -2) for q in qset])
            possible = np.zeros(len(toks), dtype=np.uint8)
            if targets:
                possible = self._alignable(
                    toks, lids, codes, long_q=long_q, other_q=other_q, skip=same
                )
            log_tf = self._part_log_tf[lids]
            agrees[long_idx] = same
            first = self._part_first[lids]
            aligned = np.where(possible == JOIN_ONLY, joined_log, aligned_log)
            value = np.where(
                same,
                exact_log - log_tf,
                np.where(possible > 0, aligned - log_tf, initial_bits),
            )
            # a long part is an initial's counterpart only against a one-letter
            # query part that is its first letter (``_token_sim``'s INITIAL); a
            # common part may get more bits so than its other levels could give
            has_initial = among(first, [ord(q) for q in qtoks if len(q) == 1])
            value = np.where(has_initial, np.maximum(value, initial_bits), value)
            # A part that none of the query's parts can be aligned with is left
            # over: dropped, a dropped middle name or differs, each under 0 bits
            # (a query particle is one of the targets tested: VAN / VANN; the
            # scorer's left-over levels do not depend on the query's particles).
            out[long_idx] = np.where(
                same | (possible > 0) | has_initial, np.maximum(value, 0.0), left_over_bits()
            )
            demote[long_idx] = join_only_parts(
                possible, same | has_initial, toks, size[long_idx], query
            )
        _short_parts(out, agrees, parts, size, particle, qtoks, particle_bits, initial_bits)
        return out, agrees, demote

    def _alignable(
        self,
        toks: list[str],
        ids: np.ndarray,
        codes: np.ndarray,
        *,
        long_q: list[str],
        other_q: list[str],
        skip: np.ndarray,
    ) -> np.ndarray:
        """How the long listed parts (texts, ids, ``_part_codes``) can be aligned
        with a query part, a query particle or a join of short query parts
        (``targets``), per part: 0 not at all, ``TOKEN`` as a token pair
        (:meth:`_part_bounds` says how), ``JOIN_ONLY`` every other part but
        those in ``skip`` (equal to a query part: tested only by their phonetic
        key, skeleton or pinyin form): it may be in a join, with the joined
        level's bits at most (:func:`join_only`)."""
        targets = long_q + other_q
        known = self._codes.get
        qkeys = [known(names.phonetic_key(q), -2) for q in targets]
        qskel = [known(_skeleton(q), -2) for q in targets]
        qroman = {r for q in targets if (r := _roman(q)) is not None}
        possible: np.ndarray = among(codes[:, 0], qkeys) | among(codes[:, 1], qskel)
        if qroman:
            possible |= among(codes[:, 2], [known(r, -2) for r in qroman])
        # the edit-distance tests, each on the parts no test before found (the
        # answer is their "or"; the parts in ``skip`` need none)
        todo = np.flatnonzero(~possible & ~skip)
        if len(todo):
            sub = [toks[k] for k in todo.tolist()]
            raw = process.cdist(sub, targets, scorer=OSA.distance, score_cutoff=2, workers=1)
            possible[todo] = (raw <= 2).any(axis=1)
            todo = todo[~possible[todo]]
        if len(todo):
            var = process.cdist(
                self._part_variant[ids[todo]].tolist(),
                [variant(q) for q in targets],
                scorer=OSA.distance,
                score_cutoff=2,
                workers=1,
            )
            possible[todo] = (var <= 2).any(axis=1)
            todo = todo[~possible[todo]]
        kind = possible.astype(np.uint8) * TOKEN
        # Any long part no token test found may still be in a join: the scorer's
        # ``_join`` scores a span of adjacent listed parts joined by ``_token_sim``
        # (variant forms, phonetic key, skeleton: LYNN SARA / LINSARA), which no
        # test of one part's letters bounds (reviewer's Y-3; the partial ratio of
        # its letters that decided it before is no longer asked).  So it counts the
        # joined level's bits at most, and is left over only where no join can
        # take it (``join_only_parts``: no query span joins it by the scorer's own
        # token score, no span of its own name has a length a join scores).
        kind[(kind == 0) & ~skip] = JOIN_ONLY
        return join_only(kind, toks, targets)

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
        # 1 January is a placeholder (names.placeholder): compared by the years alone
        if dob.month and dob.day and (dob.month, dob.day) != (1, 1):
            full = (months > 0) & (days > 0) & ((months != 1) | (days != 1))
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


def _short_parts(  # noqa: PLR0917 - private, the two part bounds' shared tail
    out: np.ndarray,
    agrees: np.ndarray,
    parts: list[str],
    size: np.ndarray,
    particle: np.ndarray,
    qtoks: tuple[str, ...],
    particle_bits: float,
    initial_bits: float,
) -> None:
    """The bounds (``out``) and agreement (``agrees``) of the particles and the
    one-letter parts among ``parts``, in place: a particle at most the
    particles' best bits; an initial the initial level's when it is a query
    initial or starts a long query part."""
    side = query_side(qtoks)
    out[particle] = particle_bits
    for i in np.flatnonzero((size == 1) & ~particle).tolist():
        t = parts[i]
        agrees[i] = fold(t) in side.qset
        if t in side.initials or any(q.startswith(t) for q in qtoks if len(q) > 1):
            out[i] = initial_bits


def _part_level_bits() -> tuple[float, float, float, float, float]:
    """The name levels' bits a listed part's bound is made of: an initial's
    (at least), a particle's (at most), and ``log2`` of the exact level's ``m``,
    of the highest ``m`` of the other levels that align a part as a token pair
    and of the joined level's (their ``u`` is the part's term frequency, or
    more)."""
    exact = MODEL.name["exact"]
    initial = MODEL.name["initial"]
    initial_bits = max(0.0, bits(initial.m, initial.u or 1.0), bits(exact.m, MODEL.initial_tf))
    particle_bits = max(0.0, *(bits(lv.m, lv.u or 1.0) for lv in MODEL.particle.values()))
    aligned_m = max(lv.m for key, lv in MODEL.name.items() if key != "exact" and lv.u is None)
    return (
        initial_bits,
        particle_bits,
        math.log2(exact.m),
        math.log2(aligned_m),
        math.log2(MODEL.name["joined"].m),
    )


def _slips(values: np.ndarray, target: int, places: int) -> np.ndarray:
    """How many of the last ``places`` decimal digits of each value differ from ``target``'s."""
    place = _DIGIT[:places]
    differ = (values[:, None] // place) % 10 != (target // place) % 10
    counts: np.ndarray = differ.sum(axis=1)
    return counts
