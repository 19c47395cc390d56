"""Spelling-variant forms, phonetic keys and the blocking keys of a name.

Which phonetic key, and why: **Metaphone** (``jellyfish.metaphone``), applied
after a small pre-pass of transliteration equivalences.

* Transliteration variants of names from Arabic, Persian, Slavic, Turkish or
  West African languages differ mostly in their *vowels* (MOHAMMED / MUHAMMAD /
  MOHAMED, HUSSEIN / HUSAIN / HOSSEIN, OSAMA / USAMA) and in doubled letters.
  Metaphone drops non-initial vowels and doubled letters and merges consonants
  by sound, so all of those share a key (``MHMT``).
* Soundex keeps the first letter literally and only three digits, so KHALID /
  CHALID differ while thousands of unrelated names collide; NYSIIS keeps a
  vowel slot per syllable, so vowel variants often split; the Match Rating
  codex is made for pairwise comparison, not for keys.
* Metaphone is English-centred, so the pre-pass (``variant``) first maps the
  spellings that transliteration systems disagree on onto one: ``KS``/``X``,
  ``W``/``V`` (IWANOW / IVANOV), ``Y``/``I``, ``IU``/``YU`` (ICAO IURII /
  YURI), ``ZH``/``J``, ``DJ``/``J``, ``KH``/``H``, ``Q``/``K``, ``PH``/``F``,
  ``OU``/``U``, ``TSCH``/``CH``, ``SCH``/``SH``, doubled letters; a leading
  vowel becomes ``A`` (OSAMA / USAMA, ABDEL / EBDEL), a leading ``J``, ``Y`` or
  ``I`` before a vowel ``Y`` (YURI / IURII / JURI, YUSUF / JUSUF), and a leading
  ``YE`` / ``JE`` / ``IE`` is ``E`` (YELENA / ELENA / JELENA, YEVGENIY / EVGENII).
* The systems that write one Cyrillic or Arabic letter differently: German
  ``Z`` / ``TSCH`` / ``SCH`` / ``W`` / ``J`` for Ц / Ч / Ш / В / Й (ZWETKOW /
  TSVETKOV, JELZIN / YELTSIN), French ``TCH`` for Ч (TCHAIKOVSKY), Polish
  ``CZ`` / ``SZ`` for Ч / Ш (KOWALCZYK / KOVALCHIK), Arabic ``DH`` / ``D`` for
  ذ (QADHAFI / QADDAFI): the rewrites ``TCH``/``CH``, ``CZ``/``CH``,
  ``SZ``/``SH``, ``TS``/``Z``, ``DH``/``D`` and, in ``variant`` too, the leading
  ``YE`` / ``JE`` / ``IE`` as ``E`` in tokens of five letters or more.  Each
  writes one sound one way, so it merges few unrelated names: measured on the
  development population (20 k listed persons, seed 7), the share of random
  pairs of listed parts whose variant forms are equal went from 4.94e-5 to
  4.96e-5 (MICHEL / MITCHELL, ABD / ABDH, JESSICA / YESICA).  Q / K / G (ق) need
  no rewrite: they share a Metaphone key, so GADDAFI / QADHAFI is a phonetic
  variant.  Rewrites that would merge many names are left out: J / Y
  everywhere (JIN / YIN, JAN / YAN: +17 %), G / K (GAN / KAN: +7 %).

Metaphone alone merges MAHMUD and MUHAMMAD (``MMT`` and ``MHMT`` after the
pre-pass both become ``MHMT``): that is fine for blocking, which must not lose
true matches; the scorer keeps them apart.

>>> phonetic_key("MOHAMMED") == phonetic_key("MUHAMMAD") == phonetic_key("MOHAMED")
True
>>> phonetic_key("IVANOV") == phonetic_key("IWANOW")
True
>>> phonetic_key("OSAMA") == phonetic_key("USAMA")
True
"""

from __future__ import annotations

import hashlib
import itertools
import operator
import os
import re
from types import ModuleType

import jellyfish

from hotlist.names._memo import cached
from hotlist.names._tokens import PARTICLES, fold, normalize

__all__ = ["KEY_RULES", "MAX_KEYS", "blocking_keys", "phonetic_key", "spelled_key", "variant"]

MAX_KEYS = 8

_RULES: tuple[tuple[str, str], ...] = (
    ("TSCH", "CH"),
    ("TCH", "CH"),  # French TCH: TCHAIKOVSKY
    ("CZ", "CH"),  # Polish CZ, SZ: KOWALCZYK / KOVALCHIK, SZYMANSKI
    ("SZ", "SH"),
    ("SCH", "SH"),
    ("DZH", "J"),
    ("DJ", "J"),
    ("ZH", "J"),
    ("KH", "H"),
    ("DH", "D"),  # Arabic dhal: QADHAFI / QADDAFI
    ("KS", "X"),
    ("PH", "F"),
    ("CK", "K"),
    ("Q", "K"),
    ("W", "V"),
    ("OU", "U"),
    ("OO", "U"),
    ("EE", "I"),
    ("Y", "I"),
    ("TZ", "Z"),
    ("TS", "Z"),  # German Z for TS: ZWETKOW / TSVETKOV, JELZIN / YELTSIN
)
_SPELLED = frozenset({("TCH", "CH"), ("CZ", "CH"), ("SZ", "SH"), ("DH", "D"), ("TS", "Z")})
"""The rewrites of one sound written two ways by transliteration systems that
``spelled_key`` leaves out (reviewer's Y-6): run before Metaphone they put rare
names under common names' keys (ZAITSEVA's key is that of 117 Z names in a 1 M
list, SATSUDA's of 245 S names), so an exact match of one lost its
term-frequency bits, and a typo that breaks the digraph (OSKAAZEM for OSKASZEM)
lost the key the name was found by."""
_SPELLED_RULES = tuple(rule for rule in _RULES if rule not in _SPELLED)
_SPELLED_MARKS = ("TS", "DH", "SZ", "CZ", "TCH", "DKH")
"""Without one of these in a name, no rule of ``_SPELLED`` is used (DKH: KH is H
before DH is D), so its spelled key is its phonetic key."""
_LEAD_YE_FROM = 5
"""A leading YE / JE / IE is E in tokens of at least this many letters, a run of
one letter counted once (YELENA / JELENA / ELENA; JENNA as JENA, so that it stays
JENA's variant): shorter ones collide (JEAN / IAN, JEN / YEN, JENA / INA)."""
_DOUBLE = re.compile(r"([A-Z])\1+")
# The run's letter (group 1) as the replacement: a C call per match, where the
# template r"\1" is expanded in Python per match (about 3x slower).
_RUN_LETTER = operator.itemgetter(1)
_LEADING_I = re.compile("^I(?=[AEOU])")
_LEADING_YE = re.compile("^[YJI]E")
_VOWELS = frozenset("AEIOUY")
_NON_I_VOWELS = frozenset("AEOU")

_ARTICLES = ("AL", "EL", "UL")
_KEYS_CODE = 3
"""Bump when the code that makes a name's variant form, phonetic key or blocking
keys changes in a way neither the data below nor the canary names of
:mod:`hotlist._key_rules` show (1: to 55c2648; 2: the leading YE rule's letter
count; 3: the spelled keys, ``spelled_key``)."""

KEY_RULES = hashlib.sha256(
    repr(
        (_KEYS_CODE, _RULES, _SPELLED_RULES, _LEAD_YE_FROM, MAX_KEYS, sorted(PARTICLES), _ARTICLES)
    ).encode()
).hexdigest()[:16]
"""A digest of the rule tables listed persons' stored keys and variant forms
depend on; :func:`hotlist._key_rules.key_rules` adds what the code makes of
them on canary names, and a snapshot saved under another digest is refused on
open (its keys would not meet the ones a query makes now)."""

KERNEL: ModuleType | None
"""The compiled name-pair scoring (:mod:`hotlist.names._namekernel`), or None when
it is not built or ``HOTLIST_PURE=1`` is set: then the pure-Python functions
(``_variant_py``, ``_tokensim._token_sim_py``, ``_align._parse_py``,
``_align._align_py``, ``_align._score_py``, ``_compare._compare_py``), which are
the reference the kernel is tested against, do the work."""
try:
    import hotlist.names._namekernel as _namekernel  # noqa: PLR0402 - no cycle via the package
except ImportError:  # not built: pure Python
    KERNEL = None
else:
    KERNEL = None if os.environ.get("HOTLIST_PURE") else _namekernel
if KERNEL is not None:
    KERNEL.configure_variant(_RULES, _LEAD_YE_FROM)


@cached(65536)
def variant(token: str) -> str:
    """A spelling-variant form of one normalised token (not a key: vowels stay).

    Two tokens with the same variant form are spelling variants of each other.

    >>> variant("MUELLER"), variant("HUSEYIN"), variant("YOUSSEF"), variant("IURII")
    ('MULIR', 'HUSIN', 'IUSIF', 'IURI')
    >>> variant("OMAR") == variant("UMAR"), variant("SAEED") == variant("SAID")
    (True, True)
    >>> variant("ALEKSANDR") == variant("ALEXANDR")
    True
    >>> variant("TSVETKOV") == variant("ZWETKOW"), variant("YELTSIN") == variant("JELZIN")
    (True, True)
    >>> variant("KOWALCZYK") == variant("KOVALCHIK"), variant("QADHAFI") == variant("QADDAFI")
    (True, True)
    >>> variant("JENNA") == variant("JENA"), variant("JENNA") == variant("INA")
    (True, False)
    """
    if KERNEL is not None:
        form: str = KERNEL.variant(token)
        return form
    return _variant_py(token)


def _variant_py(token: str, rules: tuple[tuple[str, str], ...] = _RULES) -> str:
    """``variant`` in Python (uncached): the reference of the compiled one; with
    ``_SPELLED_RULES``, the form ``spelled_key`` is made of."""
    out = fold(token)
    if out[1:2] == "E" and out[0] in "YJI" and len(_DOUBLE.sub(_RUN_LETTER, out)) >= _LEAD_YE_FROM:
        out = "E" + out[2:]
    for old, new in rules:
        if old in out:
            out = out.replace(old, new)
    # vowel pairs transliterations swap freely (OMAR / UMAR, ADEL / ADIL,
    # SALEM / SALIM, EVGENII / YEVGENIY)
    out = out.replace("O", "U").replace("E", "I")
    return _DOUBLE.sub(_RUN_LETTER, out)


@cached(65536)
def phonetic_key(token: str) -> str:
    """The phonetic key of one token: Metaphone of its variant form, leading vowel as ``A``.

    Accepts any text; it is normalised first and joined into one token.

    >>> phonetic_key("Schmidt"), phonetic_key("Khalid"), phonetic_key("Abdulrahman")
    ('SHMT', 'HLT', 'ABTLRMN')
    >>> phonetic_key("ABDELRAHMAN") == phonetic_key("ABDULRAHMAN")
    True
    >>> phonetic_key("SOUZA") == phonetic_key("SOUSA"), phonetic_key("LI"), phonetic_key("LEE")
    (True, 'LI', 'LI')
    >>> phonetic_key("")
    ''
    """
    return _key(token, spelled=False)


@cached(65536)
def spelled_key(token: str) -> str:
    """``phonetic_key`` without the rewrites of ``_SPELLED`` (TS / Z, DH / D, SZ /
    SH, CZ / CH, TCH / CH): the key of the name closer to how it is spelled.  A
    listed part is found by both keys (``blocking_keys``), so a typo that breaks
    the digraph still meets it, and its term frequency is counted by this one:
    rare TS / DH names are not counted among the common Z / D names that share
    their ``phonetic_key``.  The same as ``phonetic_key`` for most names.

    >>> phonetic_key("ZAITSEVA") == phonetic_key("ZAIZEVA"), spelled_key("ZAITSEVA")
    (True, 'STSF')
    >>> spelled_key("IVANOV") == phonetic_key("IVANOV")
    True
    """
    normal = token.isascii() and token.isalpha() and token.isupper()  # normalize: as it is
    if normal and not any(mark in token for mark in _SPELLED_MARKS):
        return phonetic_key(token)  # made (and cached) for the blocking keys already
    return _key(token, spelled=True)


def _key(token: str, *, spelled: bool) -> str:
    """``phonetic_key`` (``spelled``: ``spelled_key``) of any text."""
    token = normalize(token).replace(",", "").replace(" ", "")
    if not token:
        return ""
    if token[1:2] == "E" and token[0] in "YJI":  # _LEADING_YE, without a regex call
        token = "E" + token[2:]
    if spelled and any(mark in token for mark in _SPELLED_MARKS):
        form = _variant_py(token, _SPELLED_RULES)
    else:  # most names: no rule of _SPELLED is used, the spelled key is the phonetic key
        form = variant(token)
    if form[:1] == "I" and form[1:2] in _NON_I_VOWELS:  # _LEADING_I
        form = "Y" + form[1:]
    key: str = _DOUBLE.sub(_RUN_LETTER, jellyfish.metaphone(form).upper().replace(" ", ""))
    if not key:
        return form[:1]
    if key[0] in "AEIOU":
        key = "A" + key[1:]
    elif key[0] in "JY":  # YURI / IURII / JURI, YUSUF / JUSUF
        key = "Y" + key[1:]
    if key[0] == "X":  # metaphone writes SH as X; keep X (KS) apart
        key = ("SH" if form.startswith(("SH", "CH", "S")) else "KS") + key[1:]
    if len(key) < 2:  # short names (LI, SOUZA, WEI): add the first vowel, as a class
        vowel = next((c for c in form[1:] if c in _VOWELS), "")
        key += vowel
    return key


def _keys_of(tok: str) -> list[str]:
    out = [phonetic_key(tok)]
    # An attached article: ALHASSAN also keys as HASSAN.
    if tok.startswith(_ARTICLES) and len(tok) >= 6:
        out.append(phonetic_key(tok[2:]))
    return out


def blocking_keys(name: str) -> list[str]:
    """The keys a person index stores per record and generates per query.

    A record and a query that may be the same person share at least one key:
    the phonetic key of each token that is not a particle or an initial, the
    key of each token with an attached article removed (``ALHASSAN`` ->
    ``HASSAN``), and the key of adjacent tokens joined (``ABDUL RAHMAN`` ->
    ``ABDULRAHMAN``; ``TSE TUNG``), then the spelled keys of those
    (``spelled_key``) where they differ.  At most ``MAX_KEYS`` (8), without
    duplicates, token keys first.

    >>> blocking_keys("Abdul Rahman AL-HASSAN")
    ['ABTL', 'RMN', 'HSN', 'ABTLRMN', 'ALHSN']
    >>> shared = set(blocking_keys("ABDULRAHMAN HASSAN")) & set(blocking_keys("Abdul al Hassan"))
    >>> sorted(shared)
    ['HSN']
    >>> blocking_keys("OSKASZEM PEDRAK")
    ['ASKXM', 'PTRK', 'ASKXMPTRK', 'ASKSM', 'ASKSMPTRK']
    >>> blocking_keys("")
    []
    """
    toks = [fold(t) for t in normalize(name).replace(",", "").split()]
    keys: list[str] = []
    full = [t for t in toks if len(t) > 1 and t not in PARTICLES]
    for tok in full:
        keys.extend(_keys_of(tok))
    joined = [
        left + right
        for left, right in itertools.pairwise(toks)
        if len(left) > 1 and len(right) > 1 and right not in PARTICLES
    ]
    keys.extend(phonetic_key(t) for t in joined)
    # the spelled keys where they differ (a typo breaking a TS, DH, SZ, CZ or
    # TCH digraph: OSKAAZEM, PEDRAKOSKAAZEM for PEDRAK, OSKASZEM)
    keys.extend(spelled_key(t) for t in full)
    keys.extend(spelled_key(t) for t in joined)
    if not full:  # only particles or initials: better some key than none
        keys.extend(phonetic_key(t) for t in toks)
    seen: dict[str, None] = {}
    for key in keys:
        if key:
            seen.setdefault(key, None)
    return list(seen)[:MAX_KEYS]
