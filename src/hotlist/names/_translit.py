"""Transliteration to upper-case Latin by ICAO Doc 9303 Part 3, section 6.

ICAO 9303 tells issuing states how to write a name in the machine readable
zone: A-Z only.  We follow its tables for the scripts it covers:

* Latin with diacritics: ``Ä AE, Ö OE, Ü UE, ß SS, Å AA, Æ AE, Ø OE, Þ TH,
  Œ OE, Ĳ IJ`` and the other accents dropped (``É E``, ``Ñ N``, ``Ł L``);
* Cyrillic (Russian, Ukrainian, Belarusian, Serbian, Macedonian, Bulgarian):
  ``Ж ZH, Х KH, Ц TS, Ч CH, Ш SH, Щ SHCH, Ю IU, Я IA, Й I, Ы Y, Ъ IE``, ``Ь``
  dropped, ``Е Ё Э E``, ``Є IE, І I, Ї I, Ґ G``;
* Greek: ``Θ TH, Ξ X, Χ CH, Ψ PS, Η I, Υ Y, Ω O``, accents dropped, and the
  digraphs passports use (``ΟΥ OU, ΑΥ AV, ΕΥ EV, ΓΓ NG``);
* Arabic (best effort: Arabic script omits short vowels, so ``محمد`` becomes
  ``MHMD``; the scorer compares such vowel-less forms by consonant skeleton).
  Persian letters are included.

Every other script (Chinese, Japanese, Korean, Thai, Armenian, Georgian,
Hebrew, Devanagari...) goes through ``anyascii``, one ideograph per syllable,
separated by spaces so that ``毛泽东`` becomes ``MAO ZE DONG``.

>>> transliterate("Müller")
'MUELLER'
>>> transliterate("Ærøskøbing Ståle Þór")
'AEROESKOEBING STAALE THOR'
>>> transliterate("Щербаков Юрий")
'SHCHERBAKOV IURII'
>>> transliterate("Παπαδόπουλος Γεώργιος")
'PAPADOPOULOS GEORGIOS'
>>> transliterate("José Núñez-Łukasz")
'JOSE NUNEZ-LUKASZ'
>>> transliterate("毛泽东")
'MAO ZE DONG'
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

__all__ = ["transliterate"]

_LATIN = {
    "Ä": "AE", "Ö": "OE", "Ü": "UE", "ß": "SS", "ẞ": "SS", "Å": "AA", "Æ": "AE",
    "Ø": "OE", "Þ": "TH", "Œ": "OE", "Ĳ": "IJ", "Ð": "D", "Đ": "D", "Ħ": "H",
    "Ł": "L", "Ŀ": "L", "Ŋ": "N", "Ŧ": "T", "ſ": "S", "Ǆ": "DZ",
    "Ǳ": "DZ", "Ǉ": "LJ", "Ǌ": "NJ",
}  # fmt: skip

_CYRILLIC = {
    "А": "A", "Б": "B", "В": "V", "Г": "G", "Ґ": "G", "Ѓ": "G", "Д": "D",
    "Ђ": "D", "Е": "E", "Ё": "E", "Є": "IE", "Ж": "ZH", "З": "Z", "Ѕ": "DZ",
    "И": "I", "І": "I", "Ї": "I", "Й": "I", "Ј": "J", "К": "K", "Ќ": "K",
    "Л": "L", "Љ": "LJ", "М": "M", "Н": "N", "Њ": "NJ", "О": "O", "П": "P",
    "Р": "R", "С": "S", "Т": "T", "Ћ": "C", "У": "U", "Ў": "U", "Ф": "F",
    "Х": "KH", "Ц": "TS", "Ч": "CH", "Џ": "DZ", "Ш": "SH", "Щ": "SHCH",
    "Ъ": "IE", "Ы": "Y", "Ь": "", "Э": "E", "Ю": "IU", "Я": "IA",
}  # fmt: skip

_GREEK = {
    "Α": "A", "Β": "V", "Γ": "G", "Δ": "D", "Ε": "E", "Ζ": "Z", "Η": "I",
    "Θ": "TH", "Ι": "I", "Κ": "K", "Λ": "L", "Μ": "M", "Ν": "N", "Ξ": "X",
    "Ο": "O", "Π": "P", "Ρ": "R", "Σ": "S", "Τ": "T", "Υ": "Y", "Φ": "F",
    "Χ": "CH", "Ψ": "PS", "Ω": "O", "Ά": "A", "Έ": "E", "Ή": "I", "Ί": "I",
    "Ϊ": "I", "Ό": "O", "Ύ": "Y", "Ϋ": "Y", "Ώ": "O",
}  # fmt: skip

# Arabic and Persian letters.  Long vowels alef / waw / yeh become A / U / I
# inside a word and W / Y at its start (see _arabic below); short-vowel marks
# are written when present (they rarely are).
_ARABIC = {
    "ا": "A", "أ": "A", "إ": "I", "آ": "A", "ٱ": "A", "ء": "", "ؤ": "", "ئ": "",
    "ب": "B", "ت": "T", "ة": "A", "ث": "TH", "ج": "J", "ح": "H", "خ": "KH",
    "د": "D", "ذ": "DH", "ر": "R", "ز": "Z", "س": "S", "ش": "SH", "ص": "S",
    "ض": "D", "ط": "T", "ظ": "Z", "ع": "A", "غ": "GH", "ف": "F", "ق": "Q",
    "ك": "K", "ل": "L", "م": "M", "ن": "N", "ه": "H", "ى": "A",
    "پ": "P", "چ": "CH", "ژ": "ZH", "گ": "G", "ک": "K", "ی": "I",
    "\u064e": "A", "\u064f": "U", "\u0650": "I", "\u0640": "",
}  # fmt: skip

_TABLE = str.maketrans({**_LATIN, **_CYRILLIC, **_GREEK, **_ARABIC})

_GREEK_DIGRAPHS = re.compile("Ο[ΥΎ]|Α[ΥΎ]|Ε[ΥΎ]|ΓΓ")
_GREEK_DIGRAPH_MAP = {"ΟΥ": "OU", "ΟΎ": "OU", "ΑΥ": "AV", "ΑΎ": "AV", "ΕΥ": "EV", "ΕΎ": "EV",
                      "ΓΓ": "NG"}  # fmt: skip
_ARABIC_WAW_YEH = re.compile("(?<=[\u0621-\u064a\u0671-\u06d3])[وي]")
_GREEK_RANGE = re.compile("[\u0370-\u03ff]")
_ARABIC_RANGE = re.compile("[\u0600-\u06ff]")
# CJK ideographs and Hangul syllables: one character is one syllable.
_SYLLABIC = re.compile(
    "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7a3\U00020000-\U0002ffff]"
)


def _arabic(text: str) -> str:
    # waw / yeh after another letter are the long vowels U / I, else W / Y.
    text = _ARABIC_WAW_YEH.sub(lambda m: "U" if m.group() == "و" else "I", text)
    return text.replace("و", "W").replace("ي", "Y")


def _other(char: str) -> str:
    """One character outside the tables: strip accents, else anyascii."""
    if unicodedata.category(char) == "Mn":
        return ""
    base = unicodedata.normalize("NFD", char)
    stripped = "".join(c for c in base if unicodedata.category(c) != "Mn")
    if stripped.isascii():
        return stripped
    out = anyascii(stripped)
    # Ideographic and syllabic scripts: one syllable per character, kept apart
    # as separate tokens (the scorer joins adjacent tokens when needed).
    if _SYLLABIC.match(char):
        return f" {out} "
    return out


@lru_cache(maxsize=4096)
def _slow(text: str) -> str:
    upper = unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).upper())
    if _GREEK_RANGE.search(upper):
        upper = _GREEK_DIGRAPHS.sub(lambda m: _GREEK_DIGRAPH_MAP[m.group()], upper)
    if _ARABIC_RANGE.search(upper):
        upper = _arabic(upper)
    upper = upper.translate(_TABLE)
    if upper.isascii():
        return upper.upper()
    out = "".join(c if c.isascii() else _other(c) for c in upper)
    if _SYLLABIC.search(upper):
        out = " ".join(out.split())
    return out.upper()


def transliterate(text: str) -> str:
    """Return *text* in upper-case Latin (A-Z plus whatever ASCII it had).

    Punctuation and spaces are kept (``normalize`` removes them).  The result
    is always ASCII and ``transliterate`` is idempotent.

    >>> transliterate("Ñáñez Çelik Øster")
    'NANEZ CELIK OESTER'
    >>> transliterate("Олександр Їжак Ґудзь")
    'OLEKSANDR IZHAK GUDZ'
    >>> transliterate("Øyvind Åse")
    'OEYVIND AASE'
    """
    if text.isascii():
        return text.upper()
    return _slow(text)
