"""The compiled name scorer (``hotlist.names._namekernel``) equals the pure-Python
reference it replaces, on every output: parsed names, token-pair scores and
kinds, alignments, pair scores and flags, comparison levels (level, parts,
role, particle flag), their bits and the similarity.

Pairs: realistic ones (``data/devdata_pairs.tsv``, 1,500 pairs a person check
scored at 50k listed persons; ``pairs.tsv`` / ``holdout.tsv``), names from the
synthetic pools corrupted (typos, transpositions, dropped / joined / split
parts, initials, particles, reordering, comma forms), multi-script names
(Cyrillic, Greek, Arabic, CJK, Latin with diacritics) and arbitrary text.
Skipped when the kernel is not built (or ``HOTLIST_PURE=1``).
"""

from __future__ import annotations

import csv
import gc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from name_corruption import corrupted
from rapidfuzz.distance import OSA

from hotlist import names, synth
from hotlist.names import _align, _compare, _phonetic, _similarity, _tokens, _tokensim
from hotlist.names._align import _parse_py
from hotlist.names._compare import _compare_py, _name_bits_py
from hotlist.names._model import MODEL
from hotlist.names._phonetic import _variant_py
from hotlist.names._tokens import normalize

KERNEL = _phonetic.KERNEL
pytestmark = pytest.mark.skipif(KERNEL is None, reason="compiled name kernel not built")

DATA = Path(__file__).parent / "data"


def _tsv_pairs() -> list[tuple[str, str]]:
    out = []
    with (DATA / "devdata_pairs.tsv").open(encoding="utf-8") as f:
        for line in f:
            if not line.startswith("#"):
                q, listed = line.rstrip("\n").split("\t")
                out.append((q, listed))
    for name in ("pairs.tsv", "holdout.tsv"):
        with (DATA / name).open(encoding="utf-8") as f:
            rows = csv.reader((r for r in f if not r.startswith("#")), delimiter="\t")
            next(rows)
            out += [(normalize(r[0]), normalize(r[1])) for r in rows if len(r) >= 2]
    return out


PAIRS = _tsv_pairs()
MULTI_SCRIPT = [
    "Горбунова Татьяна Сергеевна", "GORBUNOVA, TATIANA SERGEEVNA", "Щербаков Юрий",
    "SHCHERBAKOV IURII", "Παπαδόπουλος Γεώργιος", "PAPADOPOULOS GEORGIOS",
    "محمد بن سلمان آل سعود", "MOHAMMED BIN SALMAN AL SAUD", "MHMD BN SLMAN", "毛泽东",
    "Mao Tse-tung", "MAO ZEDONG", "Müller, Jürgen", "MUELLER JUERGEN", "Ærøskøbing Ståle",
    "Abdul Rahman AL-HASSAN", "ABDULRAHMAN ALHASSAN", "SAID BIN SALEM", "SALEM BIN SAID",
    "van der Berg, Jan-Willem", "JAN WILLEM VANDERBERG", "José María dos Santos",
    "KHAN, IMRAN BIN SALEH", "IMRAN BIN SALEH KHAN", "IVANOV, Sergei Petrovich",
    "IVANOVA SERGEI", "MARTI NDUBOIS", "MARTIN DUBOIS", "PierreDupont", "J. Smith",
    "Kim Jong-un", "KIM JONG UN", "Nguyễn Văn An", "HSIAO PING TENG", "DENG XIAOPING",
]  # fmt: skip


def _pool() -> list[str]:
    table = synth.persons(120, 5)
    out = [str(n) for n in table.column("name").to_pylist()]
    out += [str(a) for aliases in table.column("aliases").to_pylist() if aliases for a in aliases]
    out += [p for pair in PAIRS[:400] for p in pair]
    return out + MULTI_SCRIPT


POOL = _pool()
TOKENS = sorted({t for n in POOL for t in normalize(n).replace(",", "").split()})


def _corrupted() -> st.SearchStrategy[str]:
    return corrupted(POOL, TOKENS)


NAMES = st.one_of(
    st.sampled_from(POOL),
    _corrupted(),
    _corrupted(),
    _corrupted(),
    st.text(max_size=40),
    st.lists(st.sampled_from(TOKENS), min_size=10, max_size=16).map(" ".join),  # cut at 12
    st.text(alphabet="ABEHILMNORSTU ,", max_size=120),  # long tokens: cut at 40 letters
)
SCRIPT_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=12)
TOKEN_TEXT = st.one_of(
    st.sampled_from(TOKENS), st.text(alphabet="AEIOUYBDHKLMNRSTXZCGJPQVW", max_size=14)
)


def _tf(token: str) -> float:
    return 1.0 / (2 + len(token))


def _assert_same_pair(a: str, b: str) -> None:
    """Every kernel output equals the reference's on the normalised pair (a, b)."""
    q, c = normalize(a), normalize(b)
    assert KERNEL is not None
    for s in (q, c):
        assert KERNEL.parse(s) == _parse_py(s)
    want = _compare_py(q, c)
    got = _compare.compare(q, c)
    assert got == want
    assert all(type(lv) is _compare.NameLevel for lv in got)
    assert _compare.name_bits(q, c, _tf) == _name_bits_py(q, c, _tf, MODEL, None)
    memo1: dict[tuple[str, str, bool], float] = {}
    memo2: dict[tuple[str, str, bool], float] = {}
    assert _compare.name_bits(q, c, _tf, memo=memo1) == _name_bits_py(q, c, _tf, MODEL, memo2)
    assert memo1 == memo2
    x, y = _align._parse(q), _align._parse(c)
    for u, v in ((x, y), (y, x)):
        assert _align._align(u, v, None) == _align._align_py(u, v, None)
        assert _align._score(u, v) == _align._score_py(u, v)
        rows = [[_tokensim._token_sim_py(s, t) for t in v.toks] for s in u.toks]
        assert _align._score(u, v, rows) == _align._score_py(u, v, rows)
        for s in [*u.toks, *(span[1] for span in u.spans)]:
            for t in v.toks:
                assert _tokensim._token_sim(s, t) == _tokensim._token_sim_py(s, t)
                assert KERNEL.token_sim_uncached(s, t) == _tokensim._token_sim_py(s, t)


def _assert_same_similarity(a: str, b: str) -> None:
    """``similarity`` / ``explain`` with the kernel equal the pure functions' score."""
    assert KERNEL is not None
    assert KERNEL.pair_score(a, b) == _similarity._pair_score_py(a, b)
    assert KERNEL.pair_score(b, a) == _similarity._pair_score_py(b, a)
    for s in (a, b):
        assert KERNEL.is_normal(s) == (_tokens._NORMAL.fullmatch(s) is not None)
    prepared = _align._prepare(a, b)
    if prepared is None or prepared[3] or prepared[0].toks == prepared[1].toks:
        return
    x, y = prepared[0], prepared[1]
    assert names.similarity(a, b) == _align._score_py(x, y)[0]
    assert names.explain(a, b)[0] == _align._score_py(x, y)[0]


def test_realistic_pairs() -> None:
    assert len(PAIRS) > 1500
    for q, c in PAIRS:
        _assert_same_pair(q, c)
        _assert_same_pair(c, q)
        _assert_same_similarity(q, c)


def test_multi_script_pairs() -> None:
    for a in MULTI_SCRIPT:
        for b in MULTI_SCRIPT:
            _assert_same_pair(a, b)
            _assert_same_similarity(a, b)


@settings(max_examples=1500, deadline=None)
@given(NAMES, NAMES)
def test_kernel_equals_reference(a: str, b: str) -> None:
    _assert_same_pair(a, b)
    _assert_same_similarity(a, b)


_SHORT = st.text("AEIOUYBPRTVKS", min_size=2, max_size=7)


@settings(max_examples=600, deadline=None)
@given(_SHORT, _SHORT)
def test_kernel_equals_reference_on_vowel_edits(a: str, b: str) -> None:
    """Short vowel-rich given names (PYOTR / PETR / PIOTR): the loose / variant split."""
    _assert_same_pair(f"IVANOV {a}", f"IVANOV, {b}")


@settings(max_examples=300, deadline=None)
@given(SCRIPT_TEXT, SCRIPT_TEXT)
def test_kernel_equals_reference_any_script(a: str, b: str) -> None:
    _assert_same_pair(a, b)
    _assert_same_similarity(a, b)


@settings(max_examples=1000, deadline=None)
@given(TOKEN_TEXT, TOKEN_TEXT)
def test_token_pairs(a: str, b: str) -> None:
    assert KERNEL is not None
    if a and b:
        assert KERNEL.token_sim_uncached(a, b) == _tokensim._token_sim_py(a, b)
        assert KERNEL.token_sim_uncached(b, a) == _tokensim._token_sim_py(b, a)
        assert KERNEL.gendered(a, b) == _tokensim._gendered(a, b)
    for cutoff in (0, 1, 2, 3, 5):
        assert KERNEL.osa(a, b, cutoff) == OSA.distance(a, b, score_cutoff=cutoff)
    assert KERNEL.undouble(a) == _tokensim._undouble(a)
    assert KERNEL.vowel_poor(a) == _tokensim._vowel_poor(a)
    assert KERNEL.variant(a) == _variant_py(a)
    assert KERNEL.syllables(a) == _tokensim._syllabic_py(a)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet="AZ ,a-", max_size=9))
def test_is_normal(s: str) -> None:
    assert KERNEL is not None
    assert KERNEL.is_normal(s) == (_tokens._NORMAL.fullmatch(s) is not None)


SYLLABLE_TEXT = st.text(alphabet="ZHCSTIANGOUERBPMFDLKJQXYW", max_size=13)
VARIANT_TEXT = st.text(alphabet="AEOUIYKSHCTZPQWDJ", max_size=16)


@settings(max_examples=2000, deadline=None)
@given(SYLLABLE_TEXT, VARIANT_TEXT)
def test_syllables_and_variant(s: str, v: str) -> None:
    assert KERNEL is not None
    assert KERNEL.syllables(s) == _tokensim._syllabic_py(s)
    assert KERNEL.variant(v) == _variant_py(v)
    assert KERNEL.variant(s) == _variant_py(s)


@settings(max_examples=300, deadline=None)
@given(SCRIPT_TEXT, SCRIPT_TEXT)
def test_string_helpers_any_text(a: str, b: str) -> None:
    assert KERNEL is not None
    for cutoff in (0, 1, 2, 3):
        assert KERNEL.osa(a, b, cutoff) == OSA.distance(a, b, score_cutoff=cutoff)
    assert KERNEL.undouble(a) == _tokensim._undouble(a)
    assert KERNEL.vowel_poor(a) == _tokensim._vowel_poor(a)
    assert KERNEL.variant(a) == _variant_py(a)
    assert KERNEL.syllables(a) == _tokensim._syllabic_py(a)
    if a and b:
        assert KERNEL.token_sim_uncached(a, b) == _tokensim._token_sim_py(a, b)


def test_long_strings_take_rapidfuzz() -> None:
    assert KERNEL is not None
    a, b = "AB" * 200, "BA" * 200
    assert KERNEL.osa(a, b, 3) == OSA.distance(a, b, score_cutoff=3)
    assert KERNEL.osa(a, a + "X", 3) == 1
    assert KERNEL.undouble("A" * 300) == _tokensim._undouble("A" * 300)
    assert KERNEL.variant("AE" * 150) == _variant_py("AE" * 150)


def test_caches_evict_and_clear() -> None:
    """A full cache drops its oldest eighth; clearing it changes no answer."""
    assert KERNEL is not None
    q, c = "MOHAMMED ABDUL RAHMAN", "MUHAMMAD ABDULRAHMAN"
    want = _compare_py(q, c)
    _tokensim._token_sim.cache_clear()  # type: ignore[attr-defined]
    assert _compare.compare(q, c) == want
    assert _compare.compare(q, c) == want
    old = KERNEL.limits(3, 5)
    try:
        for a, b in PAIRS[:200]:
            assert _compare.compare(a, b) == _compare_py(a, b)
    finally:
        KERNEL.limits(*old)
    assert _compare.compare(q, c) == want


def test_the_fast_functions_are_the_kernel() -> None:
    assert KERNEL is not None
    assert _compare.compare is KERNEL.compare
    assert _align._align is KERNEL.align
    assert _align._score is KERNEL.score
    assert _tokensim._token_sim is KERNEL.token_sim


def test_parsed_names_are_not_walked_by_the_collector() -> None:
    """A parsed name can be in no reference cycle: the kernel untracks it (and its
    frozensets), and a full collection changes nothing of it."""
    assert KERNEL is not None
    name = KERNEL.parse("AL HASSAN, ABDUL RAHMAN BIN SAID")
    assert not gc.is_tracked(name)
    assert not gc.is_tracked(name.tokset)
    assert not gc.is_tracked(name.letters)
    gc.collect()
    assert name == _parse_py("AL HASSAN, ABDUL RAHMAN BIN SAID")
    assert _compare.compare("ABDULRAHMAN ALHASSAN", "AL HASSAN, ABDUL RAHMAN BIN SAID") == (
        _compare_py("ABDULRAHMAN ALHASSAN", "AL HASSAN, ABDUL RAHMAN BIN SAID")
    )
