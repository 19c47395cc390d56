"""The OCR look-alike classes: which characters a reader (a machine or a tired
officer) takes for one another, defined once.

Every use derives from :data:`CLASSES`:

* the OCR keys of document numbers and plates (:data:`TO_DIGIT`: each letter of a
  class read as its digit), so two numbers with the same key are an ``ocr`` match;
* the VIN repairs (:data:`VIN_REPAIRS`: the letters ISO 3779 forbids, I, O and Q,
  read as their class's digit) and the VIN's OCR key;
* the MRZ repairs: where a digit must stand, :data:`TO_DIGIT`; where a letter must,
  :data:`TO_LETTER` (a digit read as the first letter of its class);
* the letter-for-letter classes (:data:`LETTER_CLASSES`: O/D/Q, I/L), the letters
  of a class that stand for one another, which make an OCR match only possible
  (``hotlist._decisions.ocr_letter_swaps``);
* the text of the reasons (:func:`classes_text`, :func:`repairs_text`) and the
  benchmarks' slip generators (:func:`slips`).

Change a class here and the keys, the repairs, the severity rule and the reason
text a user reads all follow.  (A saved snapshot holds keys built with the
classes of its day: rebuild it from the extracts after a change.)

>>> classes_text()
'0/O/D/Q, 1/I/L, 2/Z, 5/S, 6/G, 8/B'
>>> TO_DIGIT["Q"], TO_LETTER["0"], repairs_text()
('0', 'O', 'I->1, O/Q->0')
>>> LETTER_CLASSES
('ODQ', 'IL')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import Final

__all__ = [
    "CLASSES",
    "LETTER_CLASSES",
    "TO_DIGIT",
    "TO_LETTER",
    "VIN_FORBIDDEN",
    "VIN_REPAIRS",
    "classes_text",
    "letter_classes",
    "repairs_text",
    "slips",
    "to_digit",
    "to_letter",
]

CLASSES: tuple[str, ...] = ("0ODQ", "1IL", "2Z", "5S", "6G", "8B")
"""Each class: a digit, then the letters read for it (the first is the letter the
digit is read as where a letter must stand)."""

VIN_FORBIDDEN: Final = "IOQ"
"""The letters ISO 3779 leaves out of VINs (read as their class's digit)."""


def to_digit(classes: Iterable[str] = CLASSES) -> dict[str, str]:
    """Each letter of a class, mapped to the class's digit."""
    return {letter: cls[0] for cls in classes for letter in cls[1:]}


def to_letter(classes: Iterable[str] = CLASSES) -> dict[str, str]:
    """Each class's digit, mapped to its first letter."""
    return {cls[0]: cls[1] for cls in classes if len(cls) > 1}


def letter_classes(classes: Iterable[str] = CLASSES) -> tuple[str, ...]:
    """The letters of each class that has more than one: letters read as letters."""
    return tuple(cls[1:] for cls in classes if len(cls) > 2)  # a digit and two letters


TO_DIGIT: Final = MappingProxyType(to_digit())
TO_LETTER: Final = MappingProxyType(to_letter())
LETTER_CLASSES: Final = letter_classes()
VIN_REPAIRS: Final = MappingProxyType({c: to_digit()[c] for c in VIN_FORBIDDEN})


@lru_cache(maxsize=16)
def _classes_text(classes: tuple[str, ...]) -> str:
    return ", ".join("/".join(cls) for cls in sorted(classes))


def classes_text(classes: tuple[str, ...] | None = None) -> str:
    """The classes as a reason shows them: ``0/O/D/Q, 1/I/L, ...`` (by digit).
    Without an argument, the module's :data:`CLASSES` as they are now."""
    return _classes_text(CLASSES if classes is None else classes)


def repairs_text(repairs: Mapping[str, str] | None = None) -> str:
    """The VIN repairs as a reason shows them: ``I->1, O/Q->0`` (by first letter)."""
    if repairs is None:
        repairs = {c: to_digit(CLASSES)[c] for c in VIN_FORBIDDEN}
    by_digit: dict[str, list[str]] = {}
    for letter, digit in repairs.items():
        by_digit.setdefault(digit, []).append(letter)
    return ", ".join(f"{'/'.join(letters)}->{digit}" for digit, letters in by_digit.items())


def slips(*, letters_for_letters: bool = True, leave_out: str = "") -> dict[str, str]:
    """For each character of a class, the characters one OCR slip can turn it into
    (in class order), for the benchmarks' corruption models.

    ``letters_for_letters=False``: only a digit read as a letter or the reverse
    (a letter becomes its digit); ``leave_out``: letters a digit is never read as.

    >>> slips()["O"], slips()["1"], slips(letters_for_letters=False)["O"]
    ('0DQ', 'IL', '0')
    """
    out: dict[str, str] = {}
    for cls in CLASSES:
        for ch in cls:
            if letters_for_letters or ch == cls[0]:
                others = "".join(c for c in cls if c != ch)
            else:
                others = cls[0]
            out[ch] = "".join(c for c in others if c not in leave_out or ch != cls[0])
    return out
