"""One-edit verification: optimal string alignment distance <= 1.

>>> osa_at_most_one(b"L898902C3", b"L898902C3")
True
>>> osa_at_most_one(b"L898902C3", b"L898920C3")   # adjacent transposition
True
>>> osa_at_most_one(b"L898902C3", b"L89890C3")    # deletion
True
>>> osa_at_most_one(b"L898902C3", b"898902C")     # two edits
False
"""

from __future__ import annotations

from rapidfuzz.distance.OSA import distance as _osa

__all__ = ["osa_at_most_one"]


def osa_at_most_one(a: bytes, b: bytes) -> bool:
    """True when ``a`` and ``b`` are equal or one edit apart.

    An edit is a substitution, an insertion, a deletion or a transposition of
    two adjacent bytes (optimal string alignment distance <= 1).  RapidFuzz's
    C implementation with a cutoff: ~0.2 µs.
    """
    return _osa(a, b, score_cutoff=1) <= 1
