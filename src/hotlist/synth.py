"""Seeded synthetic hotlist extracts in the canonical schemas, at any size.

Nothing here is real personal data: names are drawn from lists of common given
and family names per culture written in this module, combined at random;
document numbers, VINs and plates are random strings in real national shapes.

    python -m hotlist.synth --out DIR --documents 1000000 --vehicles 100000 \
        --persons 100000 --seed 7 --format parquet

>>> t = documents(5, seed=1)
>>> t.schema.equals(DOCUMENTS_SCHEMA), t.num_rows
(True, 5)
>>> documents(50, seed=3).equals(documents(50, seed=3))
True
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hotlist.schema import (
    DOCUMENT_STATUSES,
    DOCUMENT_TYPES,
    DOCUMENTS_SCHEMA,
    NOTICE_TYPES,
    PERSONS_SCHEMA,
    SEXES,
    VEHICLES_SCHEMA,
)

__all__ = [
    "PersonQuery",
    "documents",
    "main",
    "person_queries",
    "persons",
    "sample_tables",
    "vehicles",
    "vin_check_digits",
    "write_sample_data",
    "write_table",
]

_EPOCH = date(1970, 1, 1)


def _day(y: int, m: int, d: int) -> int:
    return (date(y, m, d) - _EPOCH).days


_TODAY = _day(2025, 6, 30)  # the synthetic data's "now": fixed, so that a seed gives one table

# -- character classes of the patterns: lower case is a class, anything else literal --
_CLASSES = {
    "d": "0123456789",
    "l": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "a": "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
    "g": "CFGHJKLMNPRTVWXYZ0123456789",  # German passport numbers: no vowels, no B D O Q S U
    "f": "CFGHJK",
    "n": "ABCDEFGHIJKLMNPQRSTUVWXYZ",  # Dutch: no O
    "m": "ABCDEFGHIJKLMNPQRSTUVWXYZ0123456789",
    "c": "BCDFGHJKLMNPRSTVWXYZ",  # Spanish plates: consonants
    "r": "ABEKMHOPCTYX",  # letters Cyrillic and Greek plates share with Latin
    "v": "ABCDEFGHJKLMNPRSTUVWXYZ0123456789",  # VIN: no I O Q
}

# Document-number shapes by issuing country, with a rough share of SLTD-like volume.
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


def _alphabet(cls: str) -> np.ndarray:
    return np.frombuffer(_CLASSES[cls].encode(), dtype=np.uint8)


def _strings(rng: np.random.Generator, pattern: str, k: int) -> pa.Array:
    """``k`` random strings of one pattern, vectorised (a k x len matrix of bytes)."""
    width = len(pattern.encode())
    mat = np.empty((k, width), dtype=np.uint8)
    pos = 0
    for ch in pattern:
        if ch in _CLASSES:
            alphabet = _alphabet(ch)
            mat[:, pos] = alphabet[rng.integers(0, alphabet.size, size=k)]
            pos += 1
        else:
            for b in ch.encode():
                mat[:, pos] = b
                pos += 1
    if k == 0:
        return pa.array([], pa.string())
    flat = pa.py_buffer(np.ascontiguousarray(mat).tobytes())
    offsets = pa.py_buffer((np.arange(k + 1, dtype=np.int32) * width).tobytes())
    return pa.Array.from_buffers(pa.string(), k, [None, offsets, flat])


def _by_group(rng: np.random.Generator, group: np.ndarray, patterns: Sequence[str]) -> pa.Array:
    """One string per row from the pattern its group names, rows kept in order."""
    n = group.size
    order = np.argsort(group, kind="stable")
    counts = np.bincount(group, minlength=len(patterns))
    parts = [_strings(rng, p, int(c)) for p, c in zip(patterns, counts, strict=True)]
    joined = pa.concat_arrays(parts) if parts else pa.array([], pa.string())
    inverse = np.empty(n, dtype=np.int64)
    inverse[order] = np.arange(n)
    return joined.take(pa.array(inverse))


def _ids(prefix: str, n: int, width: int) -> pa.Array:
    digits = pc.utf8_lpad(
        pc.cast(pa.array(np.arange(1, n + 1)), pa.string()), width=width, padding="0"
    )
    return pc.binary_join_element_wise(prefix, digits, "")


def _choice(rng: np.random.Generator, weights: Sequence[float], n: int) -> np.ndarray:
    p = np.asarray(weights, dtype=np.float64)
    return rng.choice(p.size, size=n, p=p / p.sum())


def _dict(
    indices: np.ndarray,
    values: Sequence[str],
    index_type: pa.DataType,
    mask: np.ndarray | None = None,
) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(
        pa.array(indices.astype(index_type.to_pandas_dtype()), type=index_type, mask=mask),
        pa.array(list(values), pa.string()),
    )


def _dates(days: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    return pa.array(days.astype(np.int32), type=pa.int32(), mask=mask).cast(pa.date32())


def _maybe(rng: np.random.Generator, values: pa.Array, p: float) -> pa.Array:
    """``values`` with about ``1 - p`` of them null."""
    keep = rng.random(len(values)) < p
    return pc.if_else(pa.array(keep), values, pa.scalar(None, values.type))


def documents(n: int, seed: int = 0) -> pa.Table:
    """``n`` lost, stolen, revoked... travel documents in the documents schema."""
    rng = np.random.default_rng([seed, 1])
    pattern_idx = _choice(rng, [w for _, _, w in _DOC_PATTERNS], n)
    numbers = _by_group(rng, pattern_idx, [p for _, p, _ in _DOC_PATTERNS])
    countries = sorted({c for c, _, _ in _DOC_PATTERNS})
    cpos = np.array([countries.index(c) for c, _, _ in _DOC_PATTERNS])
    issuing = cpos[pattern_idx]
    dtype = _choice(rng, [_DOC_TYPE_P[t] for t in DOCUMENT_TYPES], n)
    status = _choice(rng, [_STATUS_P[s] for s in DOCUMENT_STATUSES], n)
    issued = rng.integers(_day(2012, 1, 1), _day(2025, 1, 1), size=n)
    years = np.where(rng.random(n) < 0.75, 10, 5)
    expires = issued + years * 365 + years // 4
    reported = issued + (rng.random(n) * (np.minimum(expires, _TODAY) - issued)).astype(np.int64)
    reported = np.minimum(np.maximum(reported, issued + 1), _TODAY)
    blank = status == DOCUMENT_STATUSES.index("stolen_blank")
    abroad = rng.random(n) < 0.12
    reporting = np.where(abroad, rng.integers(0, len(countries), size=n), issuing)
    no_reporter = rng.random(n) < 0.02
    note_idx = rng.integers(0, len(_DOC_NOTES), size=n)
    notes = _maybe(rng, pa.array(np.array(_DOC_NOTES, dtype=object)[note_idx], pa.string()), 0.03)
    arrays = [
        _ids("D", n, 10),
        numbers,
        _dict(issuing, countries, pa.int16()),
        _dict(dtype, DOCUMENT_TYPES, pa.int8()),
        _dict(status, DOCUMENT_STATUSES, pa.int8()),
        _dates(reported),
        _dict(reporting, countries, pa.int16(), mask=no_reporter),
        _dates(issued, mask=blank),
        _dates(expires, mask=blank),
        notes,
    ]
    return pa.Table.from_arrays(arrays, schema=DOCUMENTS_SCHEMA)


# -- vehicles --------------------------------------------------------------------------
# WMI, manufacturer, models, home country.  WMIs starting 1-5 are North American:
# their check digit (position 9) is always right; elsewhere it often is not used.
_WMIS: list[tuple[str, str, str, str]] = [
    ("1G1", "Chevrolet", "Malibu|Cruze|Impala|Camaro", "USA"),
    ("1FA", "Ford", "Mustang|Fusion|Focus", "USA"),
    ("1FT", "Ford", "F-150|F-250|Ranger", "USA"),
    ("1HG", "Honda", "Accord|Civic", "USA"),
    ("1N4", "Nissan", "Altima|Sentra", "USA"),
    ("1C4", "Jeep", "Grand Cherokee|Wrangler|Cherokee", "USA"),
    ("1M8", "Motor Coach Industries", "D4505|J4500", "USA"),
    ("2T1", "Toyota", "Corolla|Matrix", "CAN"),
    ("2HG", "Honda", "Civic|Civic Si", "CAN"),
    ("3VW", "Volkswagen", "Jetta|Beetle", "MEX"),
    ("4T1", "Toyota", "Camry|Avalon", "USA"),
    ("5YJ", "Tesla", "Model 3|Model S|Model Y", "USA"),
    ("5NP", "Hyundai", "Elantra|Sonata", "USA"),
    ("5UX", "BMW", "X3|X5", "USA"),
    ("JHM", "Honda", "Civic|Jazz|CR-V", "JPN"),
    ("JTD", "Toyota", "Yaris|Prius|Auris", "JPN"),
    ("JN1", "Nissan", "Qashqai|X-Trail", "JPN"),
    ("KMH", "Hyundai", "i30|Tucson", "KOR"),
    ("KNA", "Kia", "Sportage|Ceed", "KOR"),
    ("LSV", "SAIC Volkswagen", "Lavida|Passat", "CHN"),
    ("WVW", "Volkswagen", "Golf|Polo|Passat", "DEU"),
    ("WBA", "BMW", "320i|520d|X1", "DEU"),
    ("WDD", "Mercedes-Benz", "C 200|E 220|A 180", "DEU"),
    ("WAU", "Audi", "A3|A4|A6", "DEU"),
    ("W0L", "Opel", "Astra|Corsa|Insignia", "DEU"),
    ("WF0", "Ford", "Fiesta|Focus|Transit", "DEU"),
    ("WP0", "Porsche", "911|Cayenne|Macan", "DEU"),
    ("VF1", "Renault", "Clio|Megane|Captur", "FRA"),
    ("VF3", "Peugeot", "208|308|3008", "FRA"),
    ("VF7", "Citroën", "C3|C4|Berlingo", "FRA"),
    ("VNK", "Toyota", "Yaris", "FRA"),
    ("ZFA", "Fiat", "Panda|500|Tipo", "ITA"),
    ("ZAR", "Alfa Romeo", "Giulia|Stelvio", "ITA"),
    ("SAJ", "Jaguar", "XE|F-Pace", "GBR"),
    ("SAL", "Land Rover", "Range Rover|Discovery|Defender", "GBR"),
    ("SB1", "Toyota", "Auris|Corolla", "GBR"),
    ("YV1", "Volvo", "XC60|XC90|V60", "SWE"),
    ("TMB", "Škoda", "Octavia|Fabia|Superb", "CZE"),
    ("VSS", "SEAT", "Ibiza|Leon", "ESP"),
    ("TRU", "Audi", "TT|Q3", "HUN"),
    ("U5Y", "Kia", "Ceed|Sportage", "SVK"),
    ("XTA", "Lada", "Vesta|Granta|Niva", "RUS"),
]
_WMI_WEIGHTS = [3 if w[0] in "12345" else 2 if w[0] in "WVZ" else 1 for w in _WMIS]

# Plate shapes by registration country.
_PLATES: dict[str, list[str]] = {
    "FRA": ["ll-ddd-ll"],
    "DEU": ["B-ll dddd", "M-l ddd", "HH-ll ddd", "K-ll dd", "F-l dddd", "S-ll ddd"],
    "GBR": ["lldd lll"],
    "ITA": ["ll dddll"],
    "ESP": ["dddd ccc"],
    "NLD": ["ll-ddd-l", "dd-lll-d", "l-ddd-ll"],
    "BEL": ["d-lll-ddd"],
    "POL": ["WA ddddd", "KR dddll", "PO ddddl"],
    "CHE": ["ZH dddddd", "BE ddddd", "GE dddddd"],
    "SWE": ["lll ddd", "lll ddl"],
    "USA": ["dlllddd", "lll-dddd", "lll dddd"],
    "CAN": ["llll ddd"],
    "MEX": ["lll-ddd-l"],
    "RUS": ["rdddrr dd", "rdddrr ddd"],
    "UKR": ["rrddddrr"],
    "TUR": ["dd lll ddd", "dd l dddd"],
    "CZE": ["dld dddd"],
    "AUT": ["W-ddddd l", "G-ddd ll"],
    "JPN": ["dddd"],
    "KOR": ["ddl dddd"],
    "CHN": ["l·ldddd"],
    "HUN": ["lll-ddd"],
    "SVK": ["BA-dddll"],
}
_PLATE_COUNTRY_W = {
    "FRA": 6,
    "DEU": 6,
    "GBR": 5,
    "ITA": 5,
    "ESP": 4,
    "NLD": 3,
    "BEL": 2,
    "POL": 3,
    "CHE": 1,
    "SWE": 1,
    "USA": 6,
    "CAN": 2,
    "MEX": 1,
    "RUS": 3,
    "UKR": 2,
    "TUR": 2,
    "CZE": 1,
    "AUT": 1,
}
_COLOURS = [
    "black",
    "white",
    "silver",
    "grey",
    "blue",
    "red",
    "green",
    "beige",
    "brown",
    "yellow",
    "orange",
]

_VIN_VALUE = np.zeros(256, dtype=np.int64)
for _i, _c in enumerate("0123456789"):
    _VIN_VALUE[ord(_c)] = _i
for _chars, _vals in (
    ("ABCDEFGH", range(1, 9)),
    ("JKLMN", range(1, 6)),
    ("P", [7]),
    ("R", [9]),
    ("STUVWXYZ", range(2, 10)),
):
    for _c, _v in zip(_chars, _vals, strict=True):
        _VIN_VALUE[ord(_c)] = _v
_VIN_WEIGHTS = np.array([8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2], dtype=np.int64)
# model-year codes repeat every 30 years: 1980 and 2010 = A, 2000 = Y, 2001-2009 = 1-9
_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"


def _year_code(year: np.ndarray) -> np.ndarray:
    codes = np.frombuffer(_YEAR_CODES.encode(), dtype=np.uint8)
    out: np.ndarray = codes[(year - 1980) % 30]
    return out


def vin_check_digits(vins: np.ndarray) -> np.ndarray:
    """ISO 3779 / 49 CFR 565 check digits of a (k, 17) uint8 matrix of VINs, as bytes.

    The vectorised twin of ``hotlist.ids.vin.check_digit`` (tests hold them equal).
    """
    total = (_VIN_VALUE[vins] * _VIN_WEIGHTS).sum(axis=1) % 11
    return np.where(total == 10, ord("X"), ord("0") + total).astype(np.uint8)


def _vins(rng: np.random.Generator, wmi_idx: np.ndarray, year: np.ndarray) -> pa.Array:
    n = wmi_idx.size
    mat = np.empty((n, 17), dtype=np.uint8)
    wmis = np.frombuffer("".join(w[0] for w in _WMIS).encode(), dtype=np.uint8).reshape(-1, 3)
    mat[:, :3] = wmis[wmi_idx]
    v = _alphabet("v")
    mat[:, 3:8] = v[rng.integers(0, v.size, size=(n, 5))]
    european = np.array([w[0][0] in "STUVWXYZ" for w in _WMIS])[wmi_idx]
    vw_style = european & (rng.random(n) < 0.3)
    mat[vw_style, 3:6] = ord("Z")  # WVWZZZ...: the VDS many European makers leave empty
    mat[:, 9] = _year_code(year)
    mat[:, 10] = v[rng.integers(0, v.size, size=n)]
    mat[:, 11:] = ord("0") + rng.integers(0, 10, size=(n, 6))
    mat[:, 8] = ord("0")
    mat[:, 8] = vin_check_digits(mat)
    # outside North America the check digit is often not used: any character
    north_american = np.array([w[0][0] in "12345" for w in _WMIS])[wmi_idx]
    unchecked = ~north_american & (rng.random(n) < np.where(european, 0.6, 0.3))
    mat[unchecked, 8] = v[rng.integers(0, v.size, size=int(unchecked.sum()))]
    buf = pa.py_buffer(mat.tobytes())
    offsets = pa.py_buffer((np.arange(n + 1, dtype=np.int32) * 17).tobytes())
    return pa.Array.from_buffers(pa.string(), n, [None, offsets, buf])


def vehicles(n: int, seed: int = 0) -> pa.Table:
    """``n`` stolen vehicles: VIN and/or plate, make, model, colour, year, date stolen."""
    rng = np.random.default_rng([seed, 2])
    wmi_idx = _choice(rng, _WMI_WEIGHTS, n)
    year = rng.integers(2005, 2025, size=n)
    vins = _vins(rng, wmi_idx, year)
    plate_countries = list(_PLATE_COUNTRY_W)
    home = np.array([w[3] for w in _WMIS])[wmi_idx]
    elsewhere = np.array(plate_countries)[_choice(rng, list(_PLATE_COUNTRY_W.values()), n)]
    country = np.where((rng.random(n) < 0.5) & np.isin(home, plate_countries), home, elsewhere)
    all_countries = sorted(set(_PLATES))
    cidx = np.searchsorted(all_countries, country)
    shapes = [(c, p) for c in all_countries for p in _PLATES[c]]
    first_shape = np.cumsum([0] + [len(_PLATES[c]) for c in all_countries])
    n_shapes = np.array([len(_PLATES[c]) for c in all_countries])
    shape_idx = first_shape[cidx] + (rng.random(n) * n_shapes[cidx]).astype(np.int64)
    plates = _by_group(rng, shape_idx, [p for _, p in shapes])
    kind = rng.random(n)  # 45 % both, 40 % VIN only, 15 % plate only
    has_vin = kind < 0.85
    has_plate = (kind < 0.45) | (kind >= 0.85)
    vins = pc.if_else(pa.array(has_vin), vins, pa.scalar(None, pa.string()))
    plates = pc.if_else(pa.array(has_plate), plates, pa.scalar(None, pa.string()))
    country_mask = ~has_plate & (rng.random(n) < 0.2)
    makes = sorted({w[1] for w in _WMIS})
    make = pa.array(np.array([w[1] for w in _WMIS], dtype=object)[wmi_idx], pa.string())
    models_flat = [m for w in _WMIS for m in w[2].split("|")]
    first_model = np.cumsum([0] + [len(w[2].split("|")) for w in _WMIS])
    n_models = np.array([len(w[2].split("|")) for w in _WMIS])
    model_idx = first_model[wmi_idx] + (rng.random(n) * n_models[wmi_idx]).astype(np.int64)
    model = pa.array(np.array(models_flat, dtype=object)[model_idx], pa.string())
    colour = pa.array(np.array(_COLOURS, dtype=object)[rng.integers(0, len(_COLOURS), n)])
    start = np.maximum(_day(2015, 1, 1), (year - 1970) * 365 + (year - 1969) // 4)
    stolen = start + (rng.random(n) * (_TODAY - start)).astype(np.int64)
    notes = _maybe(
        rng,
        pa.array(
            np.array(
                [
                    "keys stolen in burglary",
                    "carjacking",
                    "taken from rental fleet",
                    "stolen to order",
                ],
                dtype=object,
            )[rng.integers(0, 4, n)],
            pa.string(),
        ),
        0.05,
    )
    del makes
    arrays = [
        _ids("V", n, 9),
        vins,
        plates,
        _dict(cidx, all_countries, pa.int16(), mask=country_mask),
        make,
        _maybe(rng, model, 0.9),
        _maybe(rng, colour, 0.8),
        pa.array(year.astype(np.int16), pa.int16()),
        _dates(stolen),
        notes,
    ]
    return pa.Table.from_arrays(arrays, schema=VEHICLES_SCHEMA)


# -- persons -----------------------------------------------------------------------------
# Common given and family names per culture: "original|ICAO 9303 Latin|variant spelling".
# An empty Latin form means the original upper-cased; no variant means none.
_NAMES = """
[german] latin 8 DEU:8 AUT:2 CHE:1
family: Müller|MUELLER|MULLER, Schmidt||SCHMITT, Schneider||SCHNEYDER, Fischer||FISHER,
    Weber||WEBBER, Meyer||MEIER, Wagner||WAGENER, Becker||BEKER, Schäfer|SCHAEFER|SCHAFER,
    Koch||KOCK, Bauer||BAUR, Richter, Klein||KLEIN, Wolf||WOLFF, Schröder|SCHROEDER|SCHRODER,
    Neumann||NEUMAN, Schwarz||SCHWARTZ, Zimmermann||ZIMMERMAN, Krüger|KRUEGER|KRUGER,
    Hoffmann||HOFMANN, Groß|GROSS|GROS, Köhler|KOEHLER|KOHLER, Weiß|WEISS|WEIS
male: Jürgen|JUERGEN|JURGEN, Thomas, Michael||MICHEL, Andreas, Stefan||STEPHAN, Klaus||CLAUS,
    Günter|GUENTER|GUNTHER, Lukas||LUCAS, Jörg|JOERG|JORG, Maximilian, Felix, Jan
female: Anna, Sabine, Ursula, Petra, Monika, Käthe|KAETHE|KATHE, Sophie||SOFIE, Jana, Lena, Birgit,
    Heike, Anja
[nordic] latin 4 SWE:4 NOR:3 DNK:3 ISL:1 FIN:2
family: Andersson||ANDERSON, Johansson||JOHANSON, Karlsson||CARLSSON, Nilsson||NILSON,
    Eriksson||ERIKSON, Larsson||LARSON, Jensen, Hansen||HANSSEN, Nielsen||NILSEN,
    Pedersen||PETERSEN, Øvergård|OEVERGAARD|OVERGARD, Ødegaard|OEDEGAARD|ODEGARD,
    Åberg|AABERG|ABERG, Söderström|SOEDERSTROEM|SODERSTROM, Lindqvist||LINDKVIST,
    Jónsdóttir|JONSDOTTIR|JONSDOTIR, Sigurðsson|SIGURDSSON|SIGURDSON, Virtanen, Korhonen
male: Lars, Erik||ERIC, Anders, Søren|SOEREN|SOREN, Bjørn|BJOERN|BJORN, Magnus,
    Ólafur|OLAFUR|OLAVUR, Mikko, Henrik||HENRIC
female: Åsa|AASA|ASA, Ingrid, Karin||CARIN, Sigríður|SIGRIDUR|SIGRID, Maja||MAIA, Linnea, Astrid,
    Helga, Kirsten||KIRSTIN
[french] latin 7 FRA:8 BEL:2 CHE:1 CAN:1
family: Martin, Bernard, Dubois||DUBOIT, Lefèvre|LEFEVRE|LEFEBVRE, Moreau||MOREAUX, Laurent, Girard,
    Roux||LEROUX, Fournier, Mercier, Bonnet, Lemaître|LEMAITRE|LEMETRE, Thibault||TIBAULT,
    Leclerc||LECLERCQ, Rousseau||ROUSSO, Garçon|GARCON|GARSON
male: François|FRANCOIS|FRANSOIS, Jean-Pierre||JEAN PIERRE, Étienne|ETIENNE|ETIENE,
    Jérôme|JEROME|JEROM, Olivier, Nicolas, Théo|THEO|TEO, Luc||LUK
female: Hélène|HELENE|HELEN, Céline|CELINE|SELINE, Marie, Camille, Élodie|ELODIE|ELODY,
    Chloé|CHLOE|CLOE, Anaïs|ANAIS|ANAIIS, Sophie||SOFIE
[polish] latin 4 POL:1
family: Nowak||NOVAK, Kowalski||KOVALSKI, Wiśniewski|WISNIEWSKI|VISNIEVSKI, Wójcik|WOJCIK|VOYCHIK,
    Kowalczyk||KOVALCHIK, Kamiński|KAMINSKI|KAMINSKY, Lewandowski||LEVANDOVSKI,
    Zieliński|ZIELINSKI|ZELINSKI, Szymański|SZYMANSKI|SHIMANSKI, Woźniak|WOZNIAK|VOZNIAK,
    Dąbrowski|DABROWSKI|DOMBROWSKI, Krzyżanowski|KRZYZANOWSKI|KSHIZHANOVSKI
male: Łukasz|LUKASZ|LUKAS, Grzegorz||GREGORZ, Paweł|PAWEL|PAVEL, Tomasz||TOMAS,
    Krzysztof||KRISTOF, Piotr||PETER, Wojciech||VOYTEK, Jakub||YAKUB
female: Małgorzata|MALGORZATA|MALGOZATA, Agnieszka||AGNESZKA, Katarzyna||KATARINA, Zofia||SOFIA,
    Joanna||JOANA, Ewa||EVA, Magdalena
[turkish] latin 5 TUR:6 DEU:1
family: Yılmaz|YILMAZ|JILMAZ, Kaya||KAJA, Demir||DEMIRR, Şahin|SAHIN|SCHAHIN, Çelik|CELIK|CHELIK,
    Yıldız|YILDIZ|YILDIS, Öztürk|OEZTUERK|OZTURK, Aydın|AYDIN|AIDIN, Özdemir|OEZDEMIR|OZDEMIR,
    Arslan||ASLAN, Doğan|DOGAN|DOAN, Kılıç|KILIC|KILITSCH, Çetin|CETIN|CHETIN, Koç|KOC|KOCH
male: Mehmet||MEHMED, Mustafa, Ahmet||AHMED, Ali, Hüseyin|HUESEYIN|HUSEYIN, Hasan||HASSAN,
    İbrahim|IBRAHIM|IBRAHIM, Emre, Murat||MURAD
female: Ayşe|AYSE|AISCHE, Fatma||FATIMA, Emine, Hatice||HATIJE, Zeynep||ZEYNEB, Elif,
    Gülşen|GUELSEN|GULSEN, Özlem|OEZLEM|OZLEM
[vietnamese] latin 3 VNM:1
family: Nguyễn|NGUYEN|NGUEN, Trần|TRAN|TRANH, Lê|LE|LEE, Phạm|PHAM|FAM, Hoàng|HOANG|HUANG,
    Huỳnh|HUYNH|HUINH, Phan|PHAN|FAN, Vũ|VU|VOO, Đặng|DANG|DAANG, Bùi|BUI|BUY, Ngô|NGO|NGOH,
    Dương|DUONG|ZUONG
male: Văn Đức|VAN DUC|VAN DUK, Minh Tuấn|MINH TUAN|MINH TUANH, Quang Huy|QUANG HUY|QUANG HUI,
    Thành Long|THANH LONG|TAN LONG, Hữu Phước|HUU PHUOC|HUU PHUC
female: Thị Hương|THI HUONG|TI HUONG, Thị Mai|THI MAI|TI MAI, Ngọc Anh|NGOC ANH|NGOK ANH, Thu
    Trang|THU TRANG|TU TRANG, Phương Linh|PHUONG LINH|FUONG LINH
[english] latin 9 GBR:4 USA:6 CAN:1 AUS:1 IRL:1
family: Smith||SMYTH, Johnson||JONSON, Williams||WILLIAMSON, Brown||BRAUN, Jones, Taylor||TAILOR,
    Wilson||WILLSON, Davies||DAVIS, Evans||EVENS, Thomas, O'Brien|OBRIEN|O BRIEN,
    McDonald||MACDONALD, Walker, Wright||RIGHT, Robinson||ROBINSEN
male: James, John||JON, Robert, Michael||MICHEAL, David, William, Christopher||KRISTOPHER, Daniel
female: Mary, Patricia, Jennifer, Linda, Elizabeth||ELISABETH, Sarah||SARA, Jessica, Emily||EMILEY
[spanish] latin 7 ESP:4 MEX:3 COL:2 ARG:2
family: García|GARCIA|GARSIA, Fernández|FERNANDEZ|FERNANDES, González|GONZALEZ|GONSALEZ,
    Rodríguez|RODRIGUEZ|RODRIGUES, López|LOPEZ|LOPES, Martínez|MARTINEZ|MARTINES,
    Sánchez|SANCHEZ|SANCHES, Pérez|PEREZ|PERES, Gómez|GOMEZ|GOMES, Muñoz|MUNOZ|MUNIOZ,
    Jiménez|JIMENEZ|GIMENEZ, Ibáñez|IBANEZ|YBANEZ
male: José|JOSE|JOZE, Juan||JUAN CARLOS, Antonio, Javier||XAVIER, Jesús|JESUS|JESUZ, Miguel
    Ángel|MIGUEL ANGEL|MIGUEL ANJEL, Alejandro||ALEXANDRO
female: María José|MARIA JOSE|MARIA JOSEFA, Lucía|LUCIA|LUSIA, Carmen, Ana||ANNA, Isabel||ISABELLE,
    Mónica|MONICA|MONIKA, Begoña|BEGONA|BEGONIA
[italian] latin 5 ITA:1
family: Rossi||ROSSY, Russo||RUSO, Ferrari||FERRARY, Esposito||ESPOSITO, Bianchi||BIANCHY, Romano,
    Colombo, Ricci||RICCY, Marino, Greco, Bruno, Gallo, De Luca||DELUCA, Conti, Mancini,
    D'Angelo|DANGELO|D ANGELO
male: Giuseppe||GIUSEPE, Giovanni, Antonio, Mario, Luigi, Francesco, Niccolò|NICCOLO|NICOLO,
    Alessandro
female: Maria, Anna, Giuseppina, Rosa, Francesca, Chiara||KIARA, Giulia, Lucrezia
[russian] cyrillic 7 RUS:6 UKR:2 BLR:1 KAZ:1
family: Иванов|IVANOV|IWANOW, Смирнов|SMIRNOV|SMIRNOFF, Кузнецов|KUZNETSOV|KUSNEZOW,
    Попов|POPOV|POPOFF, Васильев|VASILEV|WASSILJEW, Петров|PETROV|PETROFF,
    Соколов|SOKOLOV|SOKOLOW, Михайлов|MIKHAILOV|MICHAILOW, Новиков|NOVIKOV|NOWIKOW,
    Фёдоров|FEDOROV|FJODOROW, Морозов|MOROZOV|MOROSOW, Волков|VOLKOV|WOLKOW,
    Шевченко|SHEVCHENKO|SCHEWTSCHENKO, Ковальчук|KOVALCHUK|KOWALTSCHUK
male: Сергей|SERGEI|SERGEY, Александр|ALEKSANDR|ALEXANDER, Дмитрий|DMITRII|DMITRY,
    Андрей|ANDREI|ANDREY, Алексей|ALEKSEI|ALEXEY, Николай|NIKOLAI|NIKOLAY, Юрий|IURII|YURI,
    Владимир|VLADIMIR|WLADIMIR
female: Елена|ELENA|YELENA, Ольга|OLGA|OLGA, Наталья|NATALIA|NATALYA, Татьяна|TATIANA|TATYANA,
    Ирина|IRINA|IRENA, Анастасия|ANASTASIIA|ANASTASIA, Юлия|IULIIA|YULIA,
    Екатерина|EKATERINA|YEKATERINA
[greek] greek 3 GRC:5 CYP:1
family: Παπαδάκης|PAPADAKIS|PAPADAKES, Γεωργίου|GEORGIOU|GEORGIU, Οικονόμου|OIKONOMOU|ECONOMOU,
    Νικολάου|NIKOLAOU|NICOLAOU, Βασιλείου|VASILEIOU|VASILIOU, Δημητρίου|DIMITRIOU|DEMETRIOU,
    Ιωάννου|IOANNOU|IOANOU, Κωνσταντίνου|KONSTANTINOU|CONSTANTINOU, Αντωνίου|ANTONIOU|ANDONIOU
male: Γεώργιος|GEORGIOS|GIORGOS, Ιωάννης|IOANNIS|GIANNIS, Κωνσταντίνος|KONSTANTINOS|KOSTAS,
    Δημήτριος|DIMITRIOS|DIMITRIS, Νικόλαος|NIKOLAOS|NIKOS, Παναγιώτης|PANAGIOTIS|PANAGIOTES
female: Μαρία|MARIA|MARIA, Ελένη|ELENI|HELEN, Αικατερίνη|AIKATERINI|KATERINA,
    Βασιλική|VASILIKI|VASO, Σοφία|SOFIA|SOPHIA, Αναστασία|ANASTASIA|NATASA
[arabic] arabic 8 SYR:2 IRQ:2 EGY:2 MAR:2 DZA:1 SAU:1 JOR:1 LBY:1 TUN:1
family: الحسن|AL HASSAN|ALHASAN, الأحمد|AL AHMAD|ALAHMED, العلي|AL ALI|EL ALI, المصري|AL MASRI|EL
    MASRY, حداد|HADDAD|HADAD, خليل|KHALIL|KHALEEL, إبراهيم|IBRAHIM|EBRAHIM,
    منصور|MANSOUR|MANSUR, الشامي|AL SHAMI|ELSHAMY, يوسف|YOUSSEF|YUSUF, بن علي|BEN ALI|BIN ALI,
    النجار|AL NAJJAR|EL NAGGAR, الخطيب|AL KHATIB|ELKHATEEB
male: محمد|MOHAMMED|MUHAMMAD, أحمد|AHMED|AHMAD, علي|ALI|ALY, عمر|OMAR|UMAR, خالد|KHALED|KHALID,
    يوسف|YOUSSEF|YUSUF, حسن|HASSAN|HASAN, عبد الرحمن|ABDULRAHMAN|ABDEL RAHMAN,
    مصطفى|MOUSTAFA|MUSTAFA
female: فاطمة|FATIMA|FATMA, عائشة|AISHA|AICHA, مريم|MARYAM|MARIAM, زينب|ZAINAB|ZEINAB, نور|NOUR|NUR,
    ليلى|LAYLA|LEILA, سارة|SARA|SARAH
[chinese] han 6 CHN:8 TWN:1 SGP:1
family: 王|WANG|WONG, 李|LI|LEE, 张|ZHANG|CHANG, 刘|LIU|LAU, 陈|CHEN|CHAN, 杨|YANG|YEUNG,
    黄|HUANG|WONG, 赵|ZHAO|CHIU, 吴|WU|NG, 周|ZHOU|CHOW, 徐|XU|HSU, 孙|SUN|SUEN,
    马|MA|MAH, 朱|ZHU|CHU, 胡|HU|WOO
male: 伟|WEI|WAI, 强|QIANG|KEUNG, 磊|LEI|LUI, 军|JUN|CHUN, 勇|YONG|YUNG, 杰|JIE|KIT,
    建国|JIANGUO|JIAN GUO, 志明|ZHIMING|CHI MING
female: 秀英|XIUYING|HSIU YING, 丽|LI|LAI, 静|JING|CHING, 敏|MIN|MAN, 燕|YAN|YIN, 芳|FANG|FONG,
    婷婷|TINGTING|TING TING, 美玲|MEILING|MEI LING
[indian] latin 4 IND:1
family: Sharma||SHARMAH, Patel||PATTEL, Singh||SING, Kumar||KUMAAR, Gupta||GUPTHA, Reddy||REDDI,
    Khan||KHAAN, Das||DASS, Iyer||AIYER, Nair||NAYAR
male: Rahul||RAHOOL, Amit||AMITH, Rajesh||RAJES, Sanjay||SANJAI, Vikram||VICRAM, Arjun||ARJOON
female: Priya||PRIA, Anjali||ANJALEE, Sunita||SUNEETA, Pooja||PUJA, Kavita||KAVITHA, Deepika||DIPIKA
[west_african] latin 3 NGA:4 GHA:2 SEN:1
family: Okafor||OKAFFOR, Adeyemi||ADEYEMY, Mensah||MENSA, Okonkwo||OKONKWOH, Balogun||BALOGOUN,
    Abubakar||ABUBAKAR SADIQ, Diop||DIOUP, Ndiaye||N DIAYE
male: Chinedu||CHINEDUM, Emeka||EMECA, Oluwaseun||OLUSEUN, Kwame||KWAMI, Ibrahim||IBRAHEEM,
    Mamadou||MAMADU
female: Ngozi||NGOZY, Adaeze||ADAEZI, Aisha||AYSHA, Abena||ABENAA, Funmilayo||FUNMI, Fatou||FATU
"""

_NOTICE_P = {
    "red": 0.45,
    "blue": 0.05,
    "yellow": 0.05,
    "diffusion": 0.2,
    "warrant": 0.25,
    "other": 0.0,
}
_OFFENCES = [
    "fraud",
    "drug trafficking",
    "armed robbery",
    "homicide",
    "money laundering",
    "trafficking in human beings",
    "cybercrime",
    "smuggling of migrants",
    "participation in a criminal organisation",
    "kidnapping",
    "arson",
    "trafficking in stolen vehicles",
    "forgery of travel documents",
]
_CAUTIONS = [
    "armed and dangerous",
    "violent",
    "escape risk",
    "may use false identity documents",
    "armed and dangerous; escape risk",
]


@dataclass(frozen=True)
class _Names:
    orig: list[str]
    latin: list[str]
    variant: list[str | None]


@dataclass(frozen=True)
class _Culture:
    name: str
    script: str
    weight: float
    countries: dict[str, float]
    family: _Names
    male: _Names
    female: _Names


def _parse_names(text: str) -> _Names:
    orig, latin, variant = [], [], []
    for entry in text.split(","):
        parts = [p.strip() for p in entry.split("|")] + ["", ""]
        o = parts[0]
        lat = parts[1] or o.upper()
        var = parts[2] or None
        orig.append(o)
        latin.append(lat)
        variant.append(var if var != lat else None)
    return _Names(orig, latin, variant)


def _cultures() -> list[_Culture]:
    out: list[_Culture] = []
    head: list[str] = []
    parts: dict[str, str] = {}

    def flush() -> None:
        if head:
            out.append(
                _Culture(
                    head[0].strip("[]"),
                    head[1],
                    float(head[2]),
                    {c: float(w) for c, w in (x.split(":") for x in head[3:])},
                    _parse_names(parts["family"]),
                    _parse_names(parts["male"]),
                    _parse_names(parts["female"]),
                )
            )

    key = ""
    for line in _NAMES.splitlines():
        if not line.strip():
            continue
        if line.startswith("["):
            flush()
            head, parts = line.split(), {}
        elif line.startswith(" "):
            parts[key] += " " + line.strip()
        else:
            key, _, rest = line.partition(":")
            parts[key] = rest.strip()
    flush()
    return out


_CULTURE_LIST = _cultures()


def _feminine(culture: str, names: _Names) -> _Names:
    """Family names as women bear them where the language inflects them."""
    if culture == "russian":

        def f(o: str) -> str:
            return o + "а" if o.endswith(("ов", "ев", "ин")) else o

        def fl(x: str) -> str:
            if x.endswith("OFF"):
                return x[:-3] + "OVA"
            return x + "A" if x.endswith(("OV", "EV", "IN", "OW", "EW")) else x

        return _Names(
            [f(o) for o in names.orig],
            [fl(x) for x in names.latin],
            [None if v is None else fl(v) for v in names.variant],
        )
    if culture == "polish":

        def p(x: str) -> str:
            for a, b in (("ski", "ska"), ("SKI", "SKA"), ("SKY", "SKA"), ("cki", "cka")):
                if x.endswith(a):
                    return x[: -len(a)] + b
            return x

        return _Names(
            [p(o) for o in names.orig],
            [p(x) for x in names.latin],
            [None if v is None else p(v) for v in names.variant],
        )
    return names


def _take(values: Sequence[str | None], idx: np.ndarray) -> pa.Array:
    return pa.array(list(values), pa.string()).take(pa.array(idx))


def _join(*parts: pa.Array | str, sep: str = "") -> pa.Array:
    return pc.binary_join_element_wise(*parts, sep)


def _lists(columns: Sequence[pa.Array], n: int) -> pa.Array:
    """list<string> per row from several string columns, nulls left out."""
    if not columns:
        return pa.ListArray.from_arrays(
            pa.array(np.zeros(n + 1, np.int32)), pa.array([], pa.string())
        )
    k = len(columns)
    stacked = pa.concat_arrays([c.cast(pa.string()) for c in columns])
    order = (np.arange(k)[None, :] * n + np.arange(n)[:, None]).ravel()  # row-major
    values = stacked.take(pa.array(order))
    valid = np.asarray(pc.is_valid(values).to_numpy(zero_copy_only=False), dtype=bool)
    counts = valid.reshape(n, k).sum(axis=1)
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(counts, out=offsets[1:])
    return pa.ListArray.from_arrays(pa.array(offsets), values.filter(pa.array(valid)))


def _persons_of(c: _Culture, k: int, rng: np.random.Generator) -> dict[str, pa.Array]:
    female = rng.random(k) < 0.3
    fam_m, fam_f = c.family, _feminine(c.name, c.family)
    fi = rng.integers(0, len(c.family.orig), size=k)

    def family(attr: str) -> pa.Array:
        m = _take(getattr(fam_m, attr), fi)
        f = _take(getattr(fam_f, attr), fi)
        return pc.if_else(pa.array(female), f, m)

    def given(attr: str, gi_m: np.ndarray, gi_f: np.ndarray) -> pa.Array:
        m = _take(getattr(c.male, attr), gi_m)
        f = _take(getattr(c.female, attr), gi_f)
        return pc.if_else(pa.array(female), f, m)

    gm = rng.integers(0, len(c.male.orig), size=k)
    gf = rng.integers(0, len(c.female.orig), size=k)
    fam_o, fam_l, fam_v = family("orig"), family("latin"), family("variant")
    giv_o, giv_l, giv_v = given("orig", gm, gf), given("latin", gm, gf), given("variant", gm, gf)
    # a second given name for some (not in Chinese or Vietnamese, whose lists hold full ones)
    if c.name not in ("chinese", "vietnamese"):
        second = pa.array(rng.random(k) < 0.25)
        gm2 = (gm + 1 + rng.integers(0, len(c.male.orig) - 1, size=k)) % len(c.male.orig)
        gf2 = (gf + 1 + rng.integers(0, len(c.female.orig) - 1, size=k)) % len(c.female.orig)
        o2, l2 = given("orig", gm2, gf2), given("latin", gm2, gf2)
        giv_o = pc.if_else(second, _join(giv_o, o2, sep=" "), giv_o)
        giv_l = pc.if_else(second, _join(giv_l, l2, sep=" "), giv_l)
        giv_v = pc.if_else(second, pa.scalar(None, pa.string()), giv_v)
    if c.name == "spanish":  # two family names, often
        both = pa.array(rng.random(k) < 0.5)
        fi2 = rng.integers(0, len(c.family.orig), size=k)
        fam_o = pc.if_else(both, _join(fam_o, _take(c.family.orig, fi2), sep=" "), fam_o)
        fam_l = pc.if_else(both, _join(fam_l, _take(c.family.latin, fi2), sep=" "), fam_l)
    latin_given = pc.utf8_title(giv_l)
    latin_name = _join(fam_l, latin_given, sep=", ")
    variant_name = _join(
        pc.coalesce(fam_v, fam_l), pc.utf8_title(pc.coalesce(giv_v, giv_l)), sep=", "
    )
    variant_name = pc.if_else(
        pc.equal(variant_name, latin_name), pa.scalar(None, pa.string()), variant_name
    )
    if c.script == "latin":
        name = _join(pc.utf8_upper(fam_o), giv_o, sep=", ")
        family_name, given_names = pc.utf8_upper(fam_o), giv_o
        icao = pc.if_else(pc.equal(latin_name, name), pa.scalar(None, pa.string()), latin_name)
        swapped = _maybe(rng, _join(latin_given, fam_l, sep=" "), 0.1)
        aliases = [icao, variant_name, swapped]
    else:
        if c.script == "han":
            orig_name = _join(fam_o, giv_o)
            orig_family = fam_o
        else:
            orig_family = pc.utf8_upper(fam_o)
            orig_name = _join(orig_family, giv_o, sep=", ")
        in_original = pa.array(rng.random(k) < 0.6)
        name = pc.if_else(in_original, orig_name, latin_name)
        family_name = pc.if_else(in_original, orig_family, fam_l)
        given_names = pc.if_else(in_original, giv_o, latin_given)
        other = pc.if_else(in_original, latin_name, orig_name)
        aliases = [other, variant_name]
    return {
        "name": name,
        "family_name": family_name,
        "given_names": given_names,
        "aliases": _lists(aliases, k),
        "female": pa.array(female),
    }


def persons(n: int, seed: int = 0) -> pa.Table:
    """``n`` wanted persons: names in many cultures and scripts, aliases, partial DOBs."""
    rng = np.random.default_rng([seed, 3])
    cult = _choice(rng, [c.weight for c in _CULTURE_LIST], n)
    order = np.argsort(cult, kind="stable")
    pieces: dict[str, list[pa.Array]] = {}
    nat_codes: list[np.ndarray] = []
    for ci, c in enumerate(_CULTURE_LIST):
        k = int((cult == ci).sum())
        part = _persons_of(c, k, rng)
        for key, arr in part.items():
            pieces.setdefault(key, []).append(arr)
        codes = np.array(list(c.countries), dtype=object)
        nat_codes.append(codes[_choice(rng, list(c.countries.values()), k)])
    inverse = np.empty(n, dtype=np.int64)
    inverse[order] = np.arange(n)
    take = pa.array(inverse)
    col = {key: pa.concat_arrays(v).take(take) for key, v in pieces.items()}
    nat1 = np.concatenate(nat_codes)[inverse] if n else np.array([], dtype=object)
    all_codes = sorted({code for c in _CULTURE_LIST for code in c.countries})
    nat2 = np.array(all_codes, dtype=object)[rng.integers(0, len(all_codes), size=n)]
    second = (rng.random(n) < 0.12) & (nat2 != nat1)
    nat1_arr = pa.array(nat1, pa.string())
    nationalities = _lists([nat1_arr, pa.array(nat2, pa.string(), mask=~second)], n)
    # dates of birth: full, year-month, year only, or none
    born = rng.integers(_day(1950, 1, 1), _day(2006, 12, 31), size=n)
    full = pc.strftime(pc.cast(_dates(born), pa.timestamp("s")), format="%Y-%m-%d")
    form = rng.random(n)
    dob = pc.if_else(
        pa.array(form < 0.75),
        full,
        pc.if_else(
            pa.array(form < 0.87),
            pc.utf8_slice_codeunits(full, 0, 7),
            pc.utf8_slice_codeunits(full, 0, 4),
        ),
    )
    dob = pc.if_else(pa.array(form > 0.97), pa.scalar(None, pa.string()), dob)
    born_ts = pc.cast(_dates(born), pa.timestamp("s"))
    dob_year = pc.if_else(
        pc.is_valid(dob), pc.cast(pc.year(born_ts), pa.int16()), pa.scalar(None, pa.int16())
    )
    month = pc.cast(pc.month(born_ts), pa.int8())
    day = pc.cast(pc.day(born_ts), pa.int8())
    dob_month = pc.if_else(pa.array(form < 0.87), month, pa.scalar(None, pa.int8()))
    dob_day = pc.if_else(pa.array(form < 0.75), day, pa.scalar(None, pa.int8()))
    female = np.asarray(col["female"].to_numpy(zero_copy_only=False), dtype=bool)
    sex_idx = np.where(female, SEXES.index("F"), SEXES.index("M"))
    no_sex = rng.random(n) < 0.01
    notice = _choice(rng, [_NOTICE_P[t] for t in NOTICE_TYPES], n)
    searched = np.isin(notice, [NOTICE_TYPES.index(t) for t in ("red", "diffusion", "warrant")])
    offences = pa.array(
        np.array(_OFFENCES, dtype=object)[rng.integers(0, len(_OFFENCES), size=n)],
        pa.string(),
        mask=~searched,
    )
    cautious = searched & (rng.random(n) < 0.18)
    caution = pa.array(
        np.array(_CAUTIONS, dtype=object)[rng.integers(0, len(_CAUTIONS), size=n)],
        pa.string(),
        mask=~cautious,
    )
    # document numbers in the shape of the primary nationality's documents
    shapes = {c: p for c, p, _ in _DOC_PATTERNS}
    keys = sorted(set(nat1.tolist()) | {"*"})
    group = np.searchsorted(keys, nat1) if n else np.array([], dtype=np.int64)
    numbers = _by_group(rng, group, [shapes.get(k, "llddddddd") for k in keys])
    has_doc = rng.random(n)
    doc1 = pc.if_else(pa.array(has_doc < 0.3), numbers, pa.scalar(None, pa.string()))
    more = _by_group(rng, group, [shapes.get(k, "llddddddd") for k in keys])
    doc2 = pc.if_else(pa.array(has_doc < 0.05), more, pa.scalar(None, pa.string()))
    authority = _join("NCB ", nat1_arr)
    arrays = [
        _ids("P", n, 8),
        col["name"],
        col["family_name"],
        col["given_names"],
        col["aliases"],
        dob,
        dob_year,
        dob_month,
        dob_day,
        _dict(sex_idx, SEXES, pa.int8(), mask=no_sex),
        nationalities,
        _dict(notice, NOTICE_TYPES, pa.int8()),
        offences,
        caution,
        _lists([doc1, doc2], n),
        _maybe(rng, authority, 0.7),
    ]
    return pa.Table.from_arrays(arrays, schema=PERSONS_SCHEMA)


# -- hand-placed records the demo and the docs query ----------------------------------------
def _demo_documents() -> pa.Table:
    rows = [
        # ICAO Doc 9303 specimen passport (TD3) of ERIKSSON, Anna Maria, born 1974-08-12
        (
            "DEMO-D-0001",
            "L898902C3",
            "UTO",
            "passport",
            "stolen",
            "2024-03-01",
            "UTO",
            "2012-04-16",
            "2022-04-15",
            "ICAO 9303 specimen passport",
        ),
        # ICAO Doc 9303 specimen identity card (TD1) of the same holder
        (
            "DEMO-D-0002",
            "D23145890",
            "UTO",
            "id_card",
            "lost",
            "2023-11-20",
            "UTO",
            "2013-07-23",
            "2023-07-22",
            "ICAO 9303 specimen identity card",
        ),
        (
            "DEMO-D-0003",
            "C01X00T47",
            "DEU",
            "passport",
            "stolen",
            "2024-06-03",
            "FRA",
            "2019-05-02",
            "2029-05-01",
            "stolen in Paris, reported by the French police",
        ),
        (
            "DEMO-D-0004",
            "12AB34567",
            "FRA",
            "passport",
            "revoked",
            "2024-01-15",
            "FRA",
            "2020-09-10",
            "2030-09-09",
            None,
        ),
        (
            "DEMO-D-0005",
            "YA7654321",
            "ITA",
            "passport",
            "stolen_blank",
            "2023-05-30",
            "ITA",
            None,
            None,
            "blank booklet from a stolen batch",
        ),
    ]
    cols = list(zip(*rows, strict=True))
    countries = sorted({c for c in cols[2] + cols[6] if c})
    arrays = [
        pa.array(cols[0]),
        pa.array(cols[1]),
        pa.array(cols[2]).dictionary_encode().cast(pa.dictionary(pa.int16(), pa.string())),
        pa.array(cols[3]).dictionary_encode().cast(pa.dictionary(pa.int8(), pa.string())),
        pa.array(cols[4]).dictionary_encode().cast(pa.dictionary(pa.int8(), pa.string())),
        pc.cast(pa.array(cols[5]), pa.date32()),
        pa.array(cols[6]).dictionary_encode().cast(pa.dictionary(pa.int16(), pa.string())),
        pc.cast(pa.array(cols[7], pa.string()), pa.date32()),
        pc.cast(pa.array(cols[8], pa.string()), pa.date32()),
        pa.array(cols[9], pa.string()),
    ]
    del countries
    return pa.Table.from_arrays(arrays, schema=DOCUMENTS_SCHEMA)


def _demo_vehicles() -> pa.Table:
    rows = [
        (
            "DEMO-V-0001",
            "1M8GDM9AXKP042788",
            None,
            "USA",
            "Motor Coach Industries",
            "D4505",
            "white",
            2019,
            "2024-02-11",
            "coach stolen from a depot",
        ),
        (
            "DEMO-V-0002",
            None,
            "AB-123-CD",
            "FRA",
            "Renault",
            "Clio",
            "grey",
            2021,
            "2024-05-20",
            None,
        ),
        (
            "DEMO-V-0003",
            "WVWZZZ1JZ3W386752",
            "B-MH 4711",
            "DEU",
            "Volkswagen",
            "Golf",
            "blue",
            2003,
            "2023-10-02",
            "European VIN without a check digit",
        ),
        (
            "DEMO-V-0004",
            "SAJAA06E25HL45321",
            "LX19 ABC",
            "GBR",
            "Jaguar",
            "XE",
            "black",
            2019,
            "2024-08-30",
            None,
        ),
    ]
    cols = list(zip(*rows, strict=True))
    arrays = [
        pa.array(cols[0]),
        pa.array(cols[1], pa.string()),
        pa.array(cols[2], pa.string()),
        pa.array(cols[3]).dictionary_encode().cast(pa.dictionary(pa.int16(), pa.string())),
        pa.array(cols[4]),
        pa.array(cols[5]),
        pa.array(cols[6]),
        pa.array(cols[7], pa.int16()),
        pc.cast(pa.array(cols[8]), pa.date32()),
        pa.array(cols[9], pa.string()),
    ]
    return pa.Table.from_arrays(arrays, schema=VEHICLES_SCHEMA)


_DEMO_PERSONS: list[dict[str, object]] = [
    {
        "record_id": "DEMO-P-0001",
        "name": "ERIKSSON, Anna Maria",
        "family_name": "ERIKSSON",
        "given_names": "Anna Maria",
        "aliases": ["ERIKSON, Anna"],
        "date_of_birth": "1974-08-12",
        "sex": "F",
        "nationalities": ["UTO"],
        "notice_type": "diffusion",
        "offences": "forgery of travel documents",
        "document_numbers": ["L898902C3", "D23145890"],
        "issuing_authority": "NCB UTO",
    },
    {
        "record_id": "DEMO-P-0002",
        "name": "ИВАНОВ, Сергей Петрович",
        "family_name": "ИВАНОВ",
        "given_names": "Сергей Петрович",
        "aliases": ["IVANOV, Sergei Petrovich", "IWANOW, Sergej", "IVANOFF, Sergey"],
        "date_of_birth": "1971-03-15",
        "sex": "M",
        "nationalities": ["RUS"],
        "notice_type": "red",
        "offences": "armed robbery",
        "caution": "armed and dangerous",
        "issuing_authority": "NCB RUS",
    },
    {
        "record_id": "DEMO-P-0003",
        "name": "الحسن, عبد الله",
        "family_name": "الحسن",
        "given_names": "عبد الله",
        "aliases": ["AL HASSAN, Abdullah", "ALHASAN, Abdallah"],
        "date_of_birth": "1983",
        "sex": "M",
        "nationalities": ["SYR", "JOR"],
        "notice_type": "red",
        "offences": "participation in a criminal organisation",
        "caution": "violent",
        "issuing_authority": "NCB JOR",
    },
    {
        "record_id": "DEMO-P-0004",
        "name": "ΠΑΠΑΔΟΠΟΥΛΟΣ, Γεώργιος",
        "family_name": "ΠΑΠΑΔΟΠΟΥΛΟΣ",
        "given_names": "Γεώργιος",
        "aliases": ["PAPADOPOULOS, Georgios", "PAPADOPOULOS, Giorgos"],
        "date_of_birth": "1965-11",
        "sex": "M",
        "nationalities": ["GRC"],
        "notice_type": "warrant",
        "offences": "money laundering",
        "issuing_authority": "NCB GRC",
    },
    {
        "record_id": "DEMO-P-0005",
        "name": "王伟",
        "family_name": "王",
        "given_names": "伟",
        "aliases": ["WANG, Wei", "WONG, Wai"],
        "date_of_birth": "1979-02-03",
        "sex": "M",
        "nationalities": ["CHN"],
        "notice_type": "red",
        "offences": "fraud",
        "caution": "escape risk",
        "document_numbers": ["E12345678"],
        "issuing_authority": "NCB CHN",
    },
    {
        "record_id": "DEMO-P-0006",
        "name": "MÜLLER, Jürgen",
        "family_name": "MÜLLER",
        "given_names": "Jürgen",
        "aliases": ["MUELLER, Juergen", "MULLER, Jurgen"],
        "date_of_birth": "1968-05-21",
        "sex": "M",
        "nationalities": ["DEU", "AUT"],
        "notice_type": "red",
        "offences": "homicide",
        "caution": "armed and dangerous; violent",
        "issuing_authority": "NCB DEU",
    },
    {
        "record_id": "DEMO-P-0007",
        "name": "NGUYỄN, Thị Hương",
        "family_name": "NGUYỄN",
        "given_names": "Thị Hương",
        "aliases": ["NGUYEN, Thi Huong"],
        "date_of_birth": "1990-07",
        "sex": "F",
        "nationalities": ["VNM"],
        "notice_type": "yellow",
        "issuing_authority": "NCB VNM",
    },
]


def _demo_persons() -> pa.Table:
    rows = []
    for r in _DEMO_PERSONS:
        row = {f: r.get(f) for f in PERSONS_SCHEMA.names}
        dob = str(r["date_of_birth"]).split("-")
        row["dob_year"] = int(dob[0])
        row["dob_month"] = int(dob[1]) if len(dob) > 1 else None
        row["dob_day"] = int(dob[2]) if len(dob) > 2 else None
        for f in ("aliases", "nationalities", "document_numbers"):
            row[f] = row[f] or []
        rows.append(row)
    return pa.Table.from_pylist(rows, schema=PERSONS_SCHEMA)


def sample_tables(seed: int = 2024) -> dict[str, pa.Table]:
    """The bundled sample data: generated records plus the hand-placed demo records first."""
    return {
        "documents": pa.concat_tables([_demo_documents(), documents(5000, seed)]),
        "vehicles": pa.concat_tables([_demo_vehicles(), vehicles(2000, seed)]),
        "persons": pa.concat_tables([_demo_persons(), persons(1000, seed)]),
    }


# -- writing ---------------------------------------------------------------------------------
_DERIVED = ("dob_year", "dob_month", "dob_day")  # an extract gives date_of_birth only


def _flat(table: pa.Table) -> pa.Table:
    """Codes as plain text and lists as ``;``-joined text (for CSV)."""
    cols = []
    for name in table.column_names:
        col = table.column(name)
        if pa.types.is_dictionary(col.type):
            col = pc.cast(col, pa.string())
        elif pa.types.is_list(col.type):
            col = pc.binary_join(col, ";")
        cols.append(col)
    return pa.table(cols, names=table.column_names)


def write_table(table: pa.Table, path: str | Path, fmt: str, *, extract: bool = True) -> Path:
    """Write ``table`` as parquet, csv or jsonl.  ``extract=True`` leaves out the columns
    a loader derives (dob_year, dob_month, dob_day)."""
    out = Path(path)
    if extract:
        table = table.drop_columns([c for c in _DERIVED if c in table.column_names])
    if fmt == "parquet":
        import pyarrow.parquet as pq

        pq.write_table(table, out, compression="zstd")
    elif fmt == "csv":
        import pyarrow.csv as pacsv

        pacsv.write_csv(_flat(table), out)
    elif fmt == "jsonl":
        import duckdb

        con = duckdb.connect()
        try:
            plain = table.cast(
                pa.schema(
                    [
                        pa.field(f.name, pa.string()) if pa.types.is_dictionary(f.type) else f
                        for f in table.schema
                    ]
                )
            )
            con.register("extract", plain)
            target = str(out).replace("'", "''")
            con.execute(f"COPY (SELECT * FROM extract) TO '{target}' (FORMAT JSON)")
        finally:
            con.close()
    else:
        raise ValueError(f"unknown format {fmt!r}; expected parquet, csv or jsonl")
    return out


def write_sample_data(folder: str | Path, seed: int = 2024) -> list[Path]:
    """Regenerate the bundled sample data (documents.csv, vehicles.jsonl, persons.jsonl)."""
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    tables = sample_tables(seed)
    return [
        write_table(tables["documents"], root / "documents.csv", "csv"),
        write_table(tables["vehicles"], root / "vehicles.jsonl", "jsonl"),
        write_table(tables["persons"], root / "persons.jsonl", "jsonl"),
    ]


# -- query mixes -----------------------------------------------------------------


@dataclass(frozen=True)
class PersonQuery:
    """A synthetic person check: the keywords for ``check()`` and what it should find."""

    query: dict[str, str]
    expected: str | None  # the record_id a correct check finds; None for an innocent traveller
    variant: str  # how the name was altered ("as listed", "reordered", "typo", ...)


def _typo(token: str, rng: np.random.Generator) -> str:
    if len(token) < 4:
        return token
    i = int(rng.integers(1, len(token)))
    kind = int(rng.integers(3))
    letters = "AEIOUNRSTLKMH"
    if kind == 0:  # substitution
        return token[:i] + letters[int(rng.integers(len(letters)))] + token[i + 1 :]
    if kind == 1:  # deletion
        return token[:i] + token[i + 1 :]
    j = min(i, len(token) - 2)  # adjacent transposition
    return token[:j] + token[j + 1] + token[j] + token[j + 2 :]


def _dob_variant(dob: str | None, rng: np.random.Generator) -> tuple[str | None, str]:
    if not dob:
        return None, "no DOB"
    r = float(rng.random())
    parts = dob.split("-")
    if r < 0.55 or len(parts) < 3:
        return dob, "DOB as listed"
    y, m, d = int(parts[0]), int(parts[1]), int(parts[2])
    if r < 0.65 and d <= 12 and d != m:
        return f"{y:04d}-{d:02d}-{m:02d}", "DOB day/month swapped"
    if r < 0.8:
        return f"{y + (1 if rng.random() < 0.5 else -1):04d}-{m:02d}-{d:02d}", "DOB a year off"
    return None, "no DOB"


def person_queries(
    listed: pa.Table, n_true: int, n_innocent: int, seed: int = 0
) -> list[PersonQuery]:
    """Person checks against ``listed`` (a persons table): name variants of listed
    persons (reordered, a middle name dropped, a typo, an initial, an alias, the
    Latin transliteration of another script, joined parts) with their date of
    birth as listed, altered or left out; and innocent travellers, drawn from the
    same name pools with another seed, whose full name is not on the list.
    """
    from hotlist import names as _names

    rng = np.random.default_rng(seed)
    rows = listed.select(["record_id", "name", "aliases", "date_of_birth", "sex"]).to_pylist()
    out: list[PersonQuery] = []
    kinds = ("as listed", "reordered", "middle dropped", "typo", "initial", "alias",
             "transliterated", "joined")  # fmt: skip
    for i in rng.choice(len(rows), size=min(n_true, len(rows)), replace=False).tolist():
        row = rows[i]
        kind = kinds[int(rng.integers(len(kinds)))]
        family, _, given = str(row["name"]).partition(",")
        given_tokens = given.split()
        name = str(row["name"])
        if kind == "reordered" and given_tokens:
            name = f"{given.strip()} {family.strip()}"
        elif kind == "middle dropped" and len(given_tokens) > 1:
            name = f"{family}, {given_tokens[0]}"
        elif kind == "typo":
            latin = _names.transliterate(name)
            tokens = latin.replace(",", " ").split()
            j = int(rng.integers(len(tokens)))
            tokens[j] = _typo(tokens[j], rng)
            name = " ".join(tokens)
        elif kind == "initial" and given_tokens:
            name = f"{family}, {given_tokens[0][0]}. {' '.join(given_tokens[1:])}".strip()
        elif kind == "alias" and row["aliases"]:
            name = row["aliases"][int(rng.integers(len(row["aliases"])))]
        elif kind == "transliterated":
            name = _names.transliterate(name)
        elif kind == "joined" and len(given_tokens) > 1:
            name = f"{family}, {given_tokens[0]}{given_tokens[1]} {' '.join(given_tokens[2:])}"
        else:
            kind = "as listed"
        dob, dob_kind = _dob_variant(row["date_of_birth"], rng)
        query = {"name": name.strip(" ,")}
        if dob:
            query["dob"] = dob
        out.append(PersonQuery(query, str(row["record_id"]), f"{kind}; {dob_kind}"))
    listed_names = {_names.normalize(str(r["name"])).replace(",", "") for r in rows}
    others = persons(max(4 * n_innocent, 100), seed + 7919).to_pylist()
    for row in others:
        if len([q for q in out if q.expected is None]) >= n_innocent:
            break
        latin = _names.normalize(_names.transliterate(str(row["name"])))
        if latin.replace(",", "") in listed_names:
            continue  # the same full name as a listed person is not an innocent test case
        query = {"name": str(row["name"])}
        if row["date_of_birth"]:
            query["dob"] = str(row["date_of_birth"])
        if row["nationalities"]:
            query["nationality"] = str(row["nationalities"][0])
        if row["sex"]:
            query["sex"] = str(row["sex"])
        out.append(PersonQuery(query, None, "innocent traveller"))
    return out


_SUFFIX = {"parquet": ".parquet", "csv": ".csv", "jsonl": ".jsonl"}


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m hotlist.synth``: write synthetic extracts of any size."""
    parser = argparse.ArgumentParser(
        prog="python -m hotlist.synth",
        description="Write seeded synthetic hotlist extracts (no real personal data).",
    )
    parser.add_argument("--out", required=True, type=Path, help="folder to write into")
    parser.add_argument("--documents", type=int, default=0, help="number of documents")
    parser.add_argument("--vehicles", type=int, default=0, help="number of vehicles")
    parser.add_argument("--persons", type=int, default=0, help="number of persons")
    parser.add_argument("--seed", type=int, default=0, help="random seed (same seed, same data)")
    parser.add_argument("--format", choices=sorted(_SUFFIX), default="parquet")
    parser.add_argument(
        "--sample-data",
        action="store_true",
        help="write the bundled sample data set (with the demo records) instead",
    )
    args = parser.parse_args(argv)
    if args.sample_data:
        for path in write_sample_data(args.out, seed=args.seed or 2024):
            print(path)
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    makers = {"documents": documents, "vehicles": vehicles, "persons": persons}
    for dataset, make in makers.items():
        n = getattr(args, dataset)
        if n <= 0:
            continue
        start = time.perf_counter()
        table = make(n, args.seed)
        made = time.perf_counter() - start
        path = write_table(table, args.out / f"{dataset}{_SUFFIX[args.format]}", args.format)
        total = time.perf_counter() - start
        print(
            f"{path}: {n:,} {dataset} generated in {made:.2f} s, written in {total - made:.2f} s",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
