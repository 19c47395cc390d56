"""The canonical comparison form of a name, its tokens and its parts.

``normalize`` is the one normaliser used on both sides (the person index when
it stores a record, the query when it looks one up): transliterated by ICAO
9303, upper case, A-Z and single spaces only.  One piece of punctuation is
kept on purpose: the first comma, written ``", "``, because in
``"ERIKSSON, Anna Maria"`` it says which part is the family name, and the
scorer uses that for its reasons ("family name exact").  Order is kept as
given; the scorer is order-tolerant, so ``"ANNA ERIKSSON"`` and
``"ERIKSSON, ANNA"`` still match.

* apostrophes join (``O'Brien`` -> ``OBRIEN``, as in the MRZ);
* hyphens, dots, other commas, digits and other symbols separate
  (``Jean-Pierre`` -> ``JEAN PIERRE``);
* an empty family or given part drops the comma (``", Anna"`` -> ``ANNA``).

>>> normalize("  Eriksson,  Anna-María ")
'ERIKSSON, ANNA MARIA'
>>> normalize("O'Brien, Seán")
'OBRIEN, SEAN'
>>> normalize("ERIKSSON, ANNA MARIA") == "ERIKSSON, ANNA MARIA"
True
>>> loose("Müller") == loose("MUELLER") == loose("Muller") == "MULLER"
True
"""

from __future__ import annotations

import re

from hotlist.names._memo import cached
from hotlist.names._translit import transliterate

__all__ = ["PARTICLES", "fold", "loose", "normalize", "split_name", "tokens"]

# Name particles: articles, patronymic links, nobiliary prepositions.  They are
# kept as tokens but weigh little in the score and give no blocking key.  Left
# out on purpose, because they are also common names: LE, DO, AN, DU (Vietnamese,
# Chinese family names), E, LO, TEN.
PARTICLES = frozenset(
    {
        # Arabic, Persian, Hebrew, Berber
        "AL", "EL", "UL", "BIN", "BEN", "IBN", "BN", "BINT", "ABU", "ABOU", "UMM",
        "OULD", "AIT",
        # Dutch, German, Scandinavian
        "VAN", "VON", "DER", "DEN", "TER", "ZU", "ZUM", "ZUR", "AF", "AV",
        # Romance
        "DE", "DA", "DAS", "DOS", "DEL", "DELLA", "DELLE", "DEGLI", "DI", "DES",
        "LA", "LES", "Y", "ST", "SAINT", "SANTA",
        # Irish, Scottish
        "MAC", "MC", "NI", "NIC",
    }
)  # fmt: skip

_NORMAL = re.compile(r"[A-Z]+(?: [A-Z]+)*(?:, [A-Z]+(?: [A-Z]+)*)?")
_APOSTROPHES = re.compile("['`\u2019\u2018\u02bc\u02bb\u00b4]")
_NON_ALPHA = re.compile(r"[^A-Z,]+")
_FOLD = re.compile("(?:AE|OE|UE)(?!E)|AA(?!A)")
_FOLD_MAP = {"AE": "A", "OE": "O", "UE": "U", "AA": "A"}


@cached(65536)
def _normalize_slow(name: str) -> str:
    text = _APOSTROPHES.sub("", transliterate(name))
    text = _NON_ALPHA.sub(" ", text)
    family, comma, given = text.partition(",")
    family = " ".join(family.split())
    given = " ".join(given.replace(",", " ").split())
    if comma and family and given:
        return f"{family}, {given}"
    return family or given


def normalize(name: str) -> str:
    """The canonical comparison form of *name*; idempotent, fast when already normal.

    >>> normalize("van der Berg,  Jan-Willem")
    'VAN DER BERG, JAN WILLEM'
    >>> normalize("ГОРБУНОВА Татьяна")
    'GORBUNOVA TATIANA'
    >>> normalize("  ,  ")
    ''
    """
    if _NORMAL.fullmatch(name):
        return name
    return _normalize_slow(name)


@cached(1 << 17)
def fold(token: str) -> str:
    """Fold the ICAO umlaut digraphs of a normalised token: ``MUELLER`` -> ``MULLER``.

    Applied to both sides of every comparison, so ``MUELLER``, ``MULLER`` and
    ``MÜLLER`` compare equal.

    >>> fold("MUELLER"), fold("HAAKON"), fold("SMITH"), fold("SAEED")
    ('MULLER', 'HAKON', 'SMITH', 'SAEED')
    """
    if "E" not in token and "AA" not in token:
        return token
    while True:  # to a fixed point, so that fold is idempotent (AAE -> AE -> A); SAEED stays
        folded = _FOLD.sub(lambda m: _FOLD_MAP[m.group()], token)
        if folded == token:
            return token
        token = folded


def loose(text: str) -> str:
    """The looser form: normalised, then umlaut digraphs folded (``Ä`` -> ``A``).

    Store it next to ``normalize()`` so that a query spelled either way finds
    the record.

    >>> loose("Ström, Åsa")
    'STROM, ASA'
    """
    return fold(normalize(text))


def tokens(name: str) -> list[str]:
    """The tokens of the normalised name, family part first when a comma says so.

    >>> tokens("Al-Hassan, Abdul Rahman")
    ['AL', 'HASSAN', 'ABDUL', 'RAHMAN']
    >>> tokens("")
    []
    """
    return normalize(name).replace(",", "").split()


def split_name(name: str) -> tuple[str | None, str]:
    """``(family, given)`` when a comma says which is which, else ``(None, whole name)``.

    >>> split_name("ERIKSSON, Anna Maria")
    ('ERIKSSON', 'ANNA MARIA')
    >>> split_name("Anna Maria Eriksson")
    (None, 'ANNA MARIA ERIKSSON')
    """
    family, comma, given = normalize(name).partition(", ")
    if comma:
        return family, given
    return None, family
