"""Names and dates of birth: transliteration, tokens, phonetic keys, similarity.

Everything a person check needs to compare a queried name and date of birth
with a hotlist record, as pure functions:

* ``transliterate`` / ``normalize`` / ``loose``: ICAO 9303 Part 3 Latin forms;
* ``tokens`` / ``split_name`` / ``PARTICLES``: the parts of a name;
* ``phonetic_key`` / ``blocking_keys``: keys for the person index;
* ``similarity`` / ``similarity_many`` / ``explain`` / ``MATCH_THRESHOLD``: the name score;
* ``_model`` / ``_compare``: the person model behind ``check()`` (Fellegi-Sunter
  comparison levels, their weights, calibration and alarm threshold, in one place);
* ``parse_dob`` / ``parse_dob_lenient`` / ``dob_similarity`` / ``PartialDate``.

>>> from hotlist import names
>>> names.normalize("Müller, Jürgen") == "MUELLER, JUERGEN"
True
>>> names.similarity("Müller, Jürgen", "MULLER JURGEN") >= names.MATCH_THRESHOLD
True
"""

from __future__ import annotations

from hotlist.names._dob import (
    DOB_SCORES,
    PartialDate,
    dob_similarity,
    parse_dob,
    parse_dob_lenient,
)
from hotlist.names._phonetic import MAX_KEYS, blocking_keys, phonetic_key
from hotlist.names._similarity import MATCH_THRESHOLD, explain, similarity, similarity_many
from hotlist.names._tokens import PARTICLES, loose, normalize, split_name, tokens
from hotlist.names._translit import transliterate

__all__ = [
    "DOB_SCORES",
    "MATCH_THRESHOLD",
    "MAX_KEYS",
    "PARTICLES",
    "PartialDate",
    "blocking_keys",
    "dob_similarity",
    "explain",
    "loose",
    "normalize",
    "parse_dob",
    "parse_dob_lenient",
    "phonetic_key",
    "similarity",
    "similarity_many",
    "split_name",
    "tokens",
    "transliterate",
]
