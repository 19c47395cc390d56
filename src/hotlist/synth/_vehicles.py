"""Synthetic vehicles: VINs with valid check digits, plates in national shapes."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hotlist.schema import VEHICLES_SCHEMA
from hotlist.synth import _common as rand

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
    v = rand.alphabet("v")
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
    wmi_idx = rand.choice(rng, _WMI_WEIGHTS, n)
    year = rng.integers(2005, 2025, size=n)
    vins = _vins(rng, wmi_idx, year)
    plate_countries = list(_PLATE_COUNTRY_W)
    home = np.array([w[3] for w in _WMIS])[wmi_idx]
    elsewhere = np.array(plate_countries)[rand.choice(rng, list(_PLATE_COUNTRY_W.values()), n)]
    country = np.where((rng.random(n) < 0.5) & np.isin(home, plate_countries), home, elsewhere)
    all_countries = sorted(set(_PLATES))
    cidx = np.searchsorted(all_countries, country)
    shapes = [(c, p) for c in all_countries for p in _PLATES[c]]
    first_shape = np.cumsum([0] + [len(_PLATES[c]) for c in all_countries])
    n_shapes = np.array([len(_PLATES[c]) for c in all_countries])
    shape_idx = first_shape[cidx] + (rng.random(n) * n_shapes[cidx]).astype(np.int64)
    plates = rand.by_group(rng, shape_idx, [p for _, p in shapes])
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
    start = np.maximum(rand.day(2015, 1, 1), (year - 1970) * 365 + (year - 1969) // 4)
    stolen = start + (rng.random(n) * (rand.TODAY - start)).astype(np.int64)
    notes = rand.maybe(
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
        rand.ids("V", n, 9),
        vins,
        plates,
        rand.dictionary(cidx, all_countries, pa.int16(), mask=country_mask),
        make,
        rand.maybe(rng, model, 0.9),
        rand.maybe(rng, colour, 0.8),
        pa.array(year.astype(np.int16), pa.int16()),
        rand.dates(stolen),
        notes,
    ]
    return pa.Table.from_arrays(arrays, schema=VEHICLES_SCHEMA)


# -- persons -----------------------------------------------------------------------------
# Common given and family names per culture: "original|ICAO 9303 Latin|variant spelling".
# An empty Latin form means the original upper-cased; no variant means none.
