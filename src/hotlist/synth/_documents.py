"""Synthetic travel documents: numbers in real national shapes, types, statuses."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from hotlist.schema import (
    DOCUMENT_STATUSES,
    DOCUMENT_TYPES,
    DOCUMENTS_SCHEMA,
)
from hotlist.synth import _common as rand

_DOC_PATTERNS: list[tuple[str, str, float]] = [
    ("USA", "ddddddddd", 7.0),
    ("USA", "ldddddddd", 3.0),
    ("GBR", "ddddddddd", 8.0),
    ("FRA", "ddllddddd", 7.0),
    ("DEU", "fgggggggg", 6.0),
    ("ITA", "llddddddd", 5.0),
    ("ESP", "llldddddd", 5.0),
    ("CAN", "lldddddd", 3.0),
    ("NLD", "nnmmmmmmd", 3.0),
    ("BEL", "lldddddd", 2.0),
    ("CHE", "lddddddd", 1.5),
    ("SWE", "dddddddd", 1.5),
    ("POL", "llddddddd", 2.0),
    ("RUS", "ddddddddd", 4.0),
    ("UKR", "lldddddd", 2.0),
    ("TUR", "ldddddddd", 2.0),
    ("CHN", "Edddddddd", 3.0),
    ("IND", "lddddddd", 3.0),
    ("PAK", "llddddddd", 1.0),
    ("BRA", "lldddddd", 2.0),
    ("MEX", "ldddddddd", 1.5),
    ("AUS", "lddddddd", 1.5),
    ("NGA", "ldddddddd", 1.0),
    ("ZAF", "ldddddddd", 1.0),
    ("PHL", "Pdddddddl", 1.0),
    ("JPN", "llddddddd", 1.0),
    ("UTO", "lddddddld", 0.05),  # ICAO 9303's specimen state
]

_DOC_TYPE_P = {
    "passport": 0.56,
    "id_card": 0.34,
    "residence_permit": 0.04,
    "visa": 0.03,
    "travel_document": 0.02,
    "other": 0.01,
}
_STATUS_P = {
    "lost": 0.55,
    "stolen": 0.30,
    "revoked": 0.05,
    "invalidated": 0.07,
    "stolen_blank": 0.03,
}
_DOC_NOTES = [
    "reported at a consular post",
    "found at a border crossing point",
    "reported stolen with other documents",
    "holder reported the loss online",
]


def documents(n: int, seed: int = 0) -> pa.Table:
    """``n`` lost, stolen, revoked... travel documents in the documents schema."""
    rng = np.random.default_rng([seed, 1])
    pattern_idx = rand.choice(rng, [w for _, _, w in _DOC_PATTERNS], n)
    numbers = rand.by_group(rng, pattern_idx, [p for _, p, _ in _DOC_PATTERNS])
    countries = sorted({c for c, _, _ in _DOC_PATTERNS})
    cpos = np.array([countries.index(c) for c, _, _ in _DOC_PATTERNS])
    issuing = cpos[pattern_idx]
    dtype = rand.choice(rng, [_DOC_TYPE_P[t] for t in DOCUMENT_TYPES], n)
    status = rand.choice(rng, [_STATUS_P[s] for s in DOCUMENT_STATUSES], n)
    issued = rng.integers(rand.day(2012, 1, 1), rand.day(2025, 1, 1), size=n)
    years = np.where(rng.random(n) < 0.75, 10, 5)
    expires = issued + years * 365 + years // 4
    reported = issued + (rng.random(n) * (np.minimum(expires, rand.TODAY) - issued)).astype(
        np.int64
    )
    reported = np.minimum(np.maximum(reported, issued + 1), rand.TODAY)
    blank = status == DOCUMENT_STATUSES.index("stolen_blank")
    abroad = rng.random(n) < 0.12
    reporting = np.where(abroad, rng.integers(0, len(countries), size=n), issuing)
    no_reporter = rng.random(n) < 0.02
    note_idx = rng.integers(0, len(_DOC_NOTES), size=n)
    notes = rand.maybe(
        rng, pa.array(np.array(_DOC_NOTES, dtype=object)[note_idx], pa.string()), 0.03
    )
    arrays = [
        rand.ids("D", n, 10),
        numbers,
        rand.dictionary(issuing, countries, pa.int16()),
        rand.dictionary(dtype, DOCUMENT_TYPES, pa.int8()),
        rand.dictionary(status, DOCUMENT_STATUSES, pa.int8()),
        rand.dates(reported),
        rand.dictionary(reporting, countries, pa.int16(), mask=no_reporter),
        rand.dates(issued, mask=blank),
        rand.dates(expires, mask=blank),
        notes,
    ]
    return pa.Table.from_arrays(arrays, schema=DOCUMENTS_SCHEMA)


# -- vehicles --------------------------------------------------------------------------
# WMI, manufacturer, models, home country.  WMIs starting 1-5 are North American:
# their check digit (position 9) is always right; elsewhere it often is not used.
