"""The person bound through the compiled kernel (``hotlist._bound_kernel``):
:class:`KernelBounds` is :class:`hotlist._person_bounds.PersonBounds` with its
per-query loops (gathering the candidates' parts, the tests of each distinct
part, the sums per candidate, the DOB levels) in C, one call each.

The numpy methods of ``PersonBounds`` stay the reference: without the kernel
(not built, or ``HOTLIST_PURE=1``) they are what runs, and
``tests/engine/test_person_bound_kernel.py`` property-tests that both give the
same bounds, bit for bit.
"""

from __future__ import annotations

import functools
import os
from types import ModuleType

import numpy as np

from hotlist import names
from hotlist._intsets import among, member
from hotlist._person_bounds import (
    PersonBounds,
    _part_level_bits,
    _short_parts,
    dob_bits,
)
from hotlist._person_keys import PersonQuery, letter_keys
from hotlist._person_leftover import (
    IRREGULAR,
    dropped_gain,
    left_over_bits,
    listed_joins_exact,
    unmatched_bits,
)
from hotlist._person_targets import (
    JOIN_ONLY,
    JOIN_PARTIAL,
    join_only,
    letters_of,
    parse_tokens,
    query_side,
)
from hotlist.names._align import _JOIN_FLOOR, MAX_TOKEN_LENGTH, MAX_TOKENS, _Name, _parse
from hotlist.names._model import MODEL
from hotlist.names._phonetic import KERNEL as _NAME_KERNEL
from hotlist.names._phonetic import variant
from hotlist.names._tokensim import _roman, _skeleton, _token_sim

# the scorer's token score of a joined span (``listed_joins_exact``): the
# compiled one without its pair cache where it is built (the spans are new
# strings, scored once a check: caching them only pushes the scorer's pairs out)
_span_sim = getattr(_NAME_KERNEL, "token_sim_uncached", _token_sim)

__all__ = ["KERNEL", "KernelBounds"]

KERNEL: ModuleType | None = None
try:  # the compiled bound (built by ``pip install .``; optional)
    import hotlist._bound_kernel as _bound_kernel  # noqa: PLR0402 - a module, not a name

    KERNEL = None if os.environ.get("HOTLIST_PURE") else _bound_kernel
except ImportError:  # pragma: no cover - depends on the build
    pass

_MAX_TARGETS = 64  # the kernel's limit on a query's targets (more: numpy)


def _ints(values: list[int]) -> np.ndarray:
    return np.asarray(values, dtype=np.int32)


@functools.cache
def _part_constants() -> tuple[float, float, float, float, float, float, float]:
    """The model's bits the part bounds are made of (``_part_level_bits``, then
    ``left_over_bits`` and ``unmatched_bits``), computed once."""
    return (*_part_level_bits(), left_over_bits(), unmatched_bits())


@functools.cache
def _dob_constants(placeholder: bool) -> tuple[float, ...]:
    """The DOB levels' bits ``_dob_bound`` picks from, computed once: they depend
    on the asked date only through whether it is 1 January (``dob_bits``)."""
    dob = names.PartialDate(2000, 1, 1) if placeholder else None
    same_year = max(dob_bits(lv, dob) for lv in MODEL.dob)
    near = max(
        dob_bits(lv, None) for lv in ("DOB one digit off", "DOB one year off", "DOB two years off")
    )
    return (
        same_year,
        near,
        dob_bits("DOB differs", None),
        dob_bits("DOB two years off", None),
        dob_bits("DOB one year off", None),
        dob_bits("DOB one digit off", None),
        dob_bits("DOB day/month swapped", None),
        dob_bits("DOB exact", dob),
    )


class KernelBounds(PersonBounds):
    """``PersonBounds`` with the bound computed by the compiled kernel."""

    kernel: ModuleType | None = KERNEL

    def _bounds(
        self,
        query: PersonQuery,
        entries: np.ndarray,
        *,
        same_too: bool = False,
        need: tuple[float, float] | None = None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``PersonBounds._bounds`` (the reference), in C where the kernel is built.

        A part only a span of its own name can join is left over where no such
        span is one the scorer joins (``listed_joins_exact``, in C, each
        distinct span scored once): asked only for the candidates where it can change what
        a check keeps (``need``: the bits it needs, the namesakes' bits), those
        whose bound reaches it with every such part joined and does not with
        every one left over; the others keep the bound with every such part
        joined, over the exact one (without ``need``, all are asked, as the
        reference does)."""
        k = self.kernel
        qtoks = parse_tokens(query.name)
        if k is None or len(qtoks) > _MAX_TARGETS // 4:
            return super()._bounds(query, entries, same_too=same_too, need=need)
        entries = np.ascontiguousarray(entries, dtype=np.int64)
        n = len(entries)
        parent, indices, uniq, count = k.gather(
            self.part_offsets, self.part_ids, entries, self._slots()
        )
        parts = self._texts(uniq)
        size = self.part_size[uniq]
        qname = _parse(query.name)
        part, agrees, demote = self._kernel_part_bounds(k, qtoks, parts, uniq, size, query=qname)
        asked = sum(1 for t in qname.toks if t not in names.PARTICLES)
        spans = np.array([s[2] for s in qname.spans], dtype=np.int64)
        family = self._families(entries, parent, uniq, indices)
        particle = self.part_particle[uniq]
        qsizes = np.array([len(t) for t in qname.toks], dtype=np.int64)

        def sums(qs: np.ndarray, same: bool) -> tuple[np.ndarray, np.ndarray]:
            out: tuple[np.ndarray, np.ndarray] = k.name_sums(
                parent,
                indices,
                part,
                agrees.view(np.uint8),
                size,
                count,
                spans,
                float(asked),
                _part_constants()[6],
                MAX_TOKENS,
                MAX_TOKEN_LENGTH,
                same,
                family,
                particle.view(np.uint8),
                dropped_gain(),
                demote.view(np.uint8),
                qs,
                _part_constants()[5],
            )
            return out

        dob = None if query.dob is None else self._kernel_dob_bound(k, query.dob, entries)
        rest = self._rest_bound(query, n, dob)
        ub, maybe_same = sums(qsizes, same_too)
        ask = demote[indices] & (family[parent] != IRREGULAR)
        if ask.any():
            none = np.zeros(0, dtype=np.int64)  # no length fits: every such part left over
            low = sums(none, False)[0] if need is not None else None
            if need is not None and low is not None:
                bits, namesake = need
                hi_r, lo_r = ub + rest, low + rest
                moves = (hi_r >= bits - 1e-6) & (lo_r < bits + 1e-6)
                moves |= (hi_r + namesake >= bits - 1e-6) & (lo_r + namesake < bits + 1e-6)
                ask &= moves[parent]
            if len(parts) < 1 << 19:
                joins = k.listed_joins_exact(
                    parent,
                    indices,
                    count,
                    ask.view(np.uint8),
                    parts,
                    size,
                    tuple(qname.toks),
                    _span_sim,
                    _JOIN_FLOOR,
                )
            else:  # pragma: no cover - past the kernel's memo key
                joins = listed_joins_exact(
                    parent, indices, count, ask, parts=parts, sizes=size, query_toks=qname.toks
                )
            # a joined part's occurrences point to a copy of it that is not to be
            # demoted; with no length given, name_sums demotes every other one
            at = np.flatnonzero(joins)
            if len(at):
                src = indices[at]
                base = len(part)
                part = np.concatenate([part, part[src]])
                agrees = np.concatenate([agrees, agrees[src]])
                size = np.concatenate([size, size[src]])
                particle = np.concatenate([particle, particle[src]])
                demote = np.concatenate([demote, np.zeros(len(at), dtype=bool)])
                indices = indices.copy()
                indices[at] = np.arange(base, base + len(at), dtype=indices.dtype)
            exact, exact_same = sums(none, same_too)
            if need is None:
                ub, maybe_same = exact, exact_same
            else:
                chosen = np.zeros(n, dtype=bool)
                chosen[parent[ask]] = True
                ub = np.where(chosen, exact, ub)
        letters = [self.index.postings(f"#{key}") for key in letter_keys(query.name)]
        same = member(entries, np.concatenate(letters)) if letters else np.zeros(n, dtype=bool)
        ub[same] = np.inf
        if qname.cut:
            # the scorer reads a query past MAX_TOKENS parts or with a part past
            # MAX_TOKEN_LENGTH letters cut short (_align._parse): a cut part may be
            # exact where the whole one is not, so the parts' bounds do not hold
            ub[:] = np.inf
        return ub, rest, maybe_same

    def _kernel_part_bounds(
        self,
        k: ModuleType,
        qtoks: tuple[str, ...],
        parts: list[str],
        ids: np.ndarray,
        size: np.ndarray,
        *,
        query: _Name,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``PersonBounds._part_bounds`` with the long parts' tests and values in C."""
        particle = self.part_particle[ids]
        out = np.zeros(len(parts), dtype=np.float64)
        agrees = particle.copy()
        demote = np.zeros(len(parts), dtype=bool)
        if not parts:
            return out, agrees, demote
        long_q, _, targets, _, _, qset = query_side(qtoks)
        consts = _part_constants()
        initial_bits, particle_bits, exact_log, aligned_log, joined_log, left_over = consts[:6]
        long_idx = np.flatnonzero((size > 1) & ~particle)
        if len(long_idx):
            lids = np.ascontiguousarray(ids[long_idx], dtype=np.int32)
            toks = [parts[i] for i in long_idx.tolist()]
            self._fill(lids, toks)
            known = self._codes.get
            qroman = sorted({r for q in targets if (r := _roman(q)) is not None})
            same, possible = k.long_parts(
                toks,
                self._part_variant,
                self._part_roman,
                lids,
                self.part_size,
                self._part_letters,
                self._part_codes,
                _ints([known(q, -2) for q in qset]),
                _ints([known(names.phonetic_key(q), -2) for q in targets]),
                _ints([known(_skeleton(q), -2) for q in targets]),
                targets,
                [variant(q) for q in targets],
                letters_of(targets),
                len(long_q),
                _ints([known(r, -2) for r in qroman]),
                qroman,
                None,  # no partial ratio: since the reviewer's Y-3 every long part no
                # token test finds is JOIN_ONLY (``PersonBounds._alignable``)
                JOIN_PARTIAL,
            )
            if targets:
                # a part no token test found may be in a join (``_alignable``; Y-3)
                possible[(possible == 0) & (same == 0)] = JOIN_ONLY
            possible = join_only(possible, toks, targets)
            one_letter = [ord(q) for q in qtoks if len(q) == 1]
            out[long_idx] = k.long_values(
                same,
                possible,
                lids,
                self._part_first,
                self._part_log_tf,
                _ints(one_letter),
                exact_log,
                aligned_log,
                joined_log,
                initial_bits,
                left_over,
            )
            agrees[long_idx] = same.view(bool)
            other = same.view(bool) | among(self._part_first[lids], one_letter)
            # ``join_only_parts``: those only a span of their own name can join
            only = (possible == JOIN_ONLY) & ~other
            if query.spans and only.any():
                only &= ~k.span_joins(
                    toks,
                    size[long_idx],
                    only.view(np.uint8),
                    tuple(s[1] for s in query.spans),
                    np.array([s[2] for s in query.spans], dtype=np.int64),
                    _span_sim,
                    _JOIN_FLOOR,
                )
            demote[long_idx] = only
        _short_parts(out, agrees, parts, size, particle, qtoks, particle_bits, initial_bits)
        return out, agrees, demote

    def _kernel_dob_bound(
        self, k: ModuleType, dob: names.PartialDate, entries: np.ndarray
    ) -> np.ndarray:
        """``PersonBounds._dob_bound`` in C (the levels' bits from ``_dob_constants``)."""
        out: np.ndarray = k.dob_bound(
            self.dob_year,
            self.dob_month,
            self.dob_day,
            np.ascontiguousarray(self.owner[entries], dtype=np.int32),
            dob.year,
            dob.month or 0,
            dob.day or 0,
            *_dob_constants(dob.month == 1 and dob.day == 1),
        )
        return out
