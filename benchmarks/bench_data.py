"""Scaled synthetic data and realistic query mixes for the benchmark suites.

Tables come from :mod:`hotlist.synth` (seeded, vectorised) and are cached as
Parquet under ``benchmarks/data/`` (git-ignored), keyed by dataset, size and
seed: ``documents-1000000-s7.parquet``.  Query mixes are drawn with their own
seeds, so a run at a given scale and seed always asks the same questions.

Query mixes (what a border system really sends):

* documents, exact: almost all misses (numbers in the same national shapes,
  checked not to be on the list), one hit per ~15,000 sampled from the list;
* documents, fuzzy: listed numbers with one OCR slip (0/O, 1/I, 5/S, 8/B...)
  or one edit (substitution, insertion, deletion, adjacent transposition);
* vehicles: full VINs (misses and a few hits), the last 7 characters of a
  listed VIN (a patrol officer's partial read), plates with their country;
* persons: variants of listed persons (reordered, a typo, the middle name
  left out, another transliteration, as listed) and innocent travellers
  (names from the same synthetic name pools that are not on the list).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from hotlist import names, synth
from hotlist.ids import docnum, ocr
from hotlist.schema import SCHEMAS

__all__ = [
    "DATA_DIR",
    "HIT_RATE",
    "DocQuery",
    "PersonQuery",
    "VehicleQuery",
    "document_fuzzy_mix",
    "document_mix",
    "extract",
    "listed_names",
    "parse_scale",
    "person_mix",
    "table",
    "vehicle_mix",
]

DATA_DIR = Path(os.environ.get("HOTLIST_BENCH_DATA", Path(__file__).resolve().parent / "data"))
HIT_RATE = 1 / 15_000  # SLTD: about one hit per 15,500 searches
Dataset = Literal["documents", "vehicles", "persons"]
_MAKERS = {"documents": synth.documents, "vehicles": synth.vehicles, "persons": synth.persons}
_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
# One OCR slip: a digit read as a look-alike letter or the reverse (hotlist.ids.ocr;
# a 0 is not read as Q here, as this data set has always been generated).
_OCR_SLIPS = ocr.slips(letters_for_letters=False, leave_out="Q")


def parse_scale(text: str | int) -> int:
    """``"100k"`` -> 100_000, ``"1m"`` -> 1_000_000, ``"2000"`` -> 2000.

    >>> parse_scale("10m"), parse_scale("100k"), parse_scale("2_000"), parse_scale(5)
    (10000000, 100000, 2000, 5)
    """
    if isinstance(text, int):
        return text
    m = re.fullmatch(r"\s*([0-9_.]+)\s*([kKmMgG]?)\s*", text)
    if not m:
        raise ValueError(f"scale {text!r}: expected a number with an optional k or m, e.g. 1m")
    factor = {"": 1, "k": 1_000, "m": 1_000_000, "g": 1_000_000_000}[m.group(2).lower()]
    return int(float(m.group(1).replace("_", "")) * factor)


def _cache_path(stem: str, suffix: str, cache_dir: Path | None) -> Path:
    folder = DATA_DIR if cache_dir is None else cache_dir
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{stem}{suffix}"


def table(dataset: Dataset, n: int, seed: int, *, cache_dir: Path | None = None) -> pa.Table:
    """The canonical ``dataset`` table of ``n`` records for ``seed``, cached as Parquet."""
    path = _cache_path(f"{dataset}-{n}-s{seed}", ".parquet", cache_dir)
    schema = SCHEMAS[dataset]
    if path.exists():
        return pq.read_table(path).select(schema.names).cast(schema)
    t = _MAKERS[dataset](n, seed)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    pq.write_table(t, tmp, compression="zstd")
    tmp.replace(path)
    return t


def extract(
    dataset: Dataset, n: int, seed: int, fmt: str, *, cache_dir: Path | None = None
) -> Path:
    """An extract file (``parquet`` or ``csv``) of the cached table, as a user would get one."""
    path = _cache_path(f"extract-{dataset}-{n}-s{seed}", f".{fmt}", cache_dir)
    if not path.exists():
        tmp = path.with_name(f"{path.stem}.tmp{os.getpid()}{path.suffix}")
        synth.write_table(table(dataset, n, seed, cache_dir=cache_dir), tmp, fmt)
        tmp.replace(path)
    return path


# -- documents ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class DocQuery:
    number: str
    country: str
    kind: str  # "miss", "hit", "ocr", "edit"
    row: int  # the listed row it came from, -1 for a miss


def _doc_keys(numbers: Any, countries: Any) -> pa.Array:
    compact = docnum.compact_array(numbers)
    return pc.binary_join_element_wise(pc.cast(countries, pa.string()), compact, ":")


def document_mix(
    docs: pa.Table, k: int, seed: int, *, hit_rate: float = HIT_RATE
) -> list[DocQuery]:
    """``k`` exact-check queries: misses in realistic shapes and ~``hit_rate`` hits."""
    rng = np.random.default_rng([seed, 11])
    n_hits = min(docs.num_rows, max(1, round(k * hit_rate))) if docs.num_rows else 0
    fresh = synth.documents(int(k * 1.2) + 100, seed + 1_000_003)
    listed = _doc_keys(docs.column("document_number"), docs.column("issuing_country"))
    asked = _doc_keys(fresh.column("document_number"), fresh.column("issuing_country"))
    unseen = pc.invert(pc.is_in(asked, value_set=listed.combine_chunks()))
    fresh = fresh.filter(unseen)
    numbers = fresh.column("document_number").to_pylist()[: k - n_hits]
    countries = pc.cast(fresh.column("issuing_country"), pa.string()).to_pylist()
    out = [DocQuery(n, c, "miss", -1) for n, c in zip(numbers, countries, strict=False)]
    if n_hits:
        rows = rng.choice(docs.num_rows, size=n_hits, replace=False)
        for row in rows.tolist():
            q = DocQuery(
                docs.column("document_number")[row].as_py(),
                docs.column("issuing_country")[row].as_py(),
                "hit",
                row,
            )
            out.insert(int(rng.integers(0, len(out) + 1)), q)
    return out


def one_edit(s: str, rng: np.random.Generator, alphabet: str = _ALNUM) -> str:
    """``s`` with one substitution, insertion, deletion or adjacent transposition."""
    for _ in range(20):
        i = int(rng.integers(0, len(s)))
        op = int(rng.integers(0, 4))
        c = alphabet[int(rng.integers(0, len(alphabet)))]
        if op == 0:
            out = s[:i] + c + s[i + 1 :]
        elif op == 1:
            out = s[:i] + c + s[i:]
        elif op == 2 and len(s) > 5:
            out = s[:i] + s[i + 1 :]
        else:
            i = min(i, len(s) - 2)
            out = s[:i] + s[i + 1] + s[i] + s[i + 2 :]
        if out != s:
            return out
    return s[:-1] + ("A" if s[-1] != "A" else "B")


def ocr_slip(s: str, rng: np.random.Generator) -> str | None:
    """``s`` with one character read as an OCR look-alike, or None when it has none."""
    spots = [i for i, ch in enumerate(s) if ch in _OCR_SLIPS]
    if not spots:
        return None
    i = spots[int(rng.integers(0, len(spots)))]
    alts = _OCR_SLIPS[s[i]]
    return s[:i] + alts[int(rng.integers(0, len(alts)))] + s[i + 1 :]


def document_fuzzy_mix(docs: pa.Table, k: int, seed: int) -> list[DocQuery]:
    """``k`` queries that need tolerance: half an OCR slip, half one edit, of listed numbers."""
    rng = np.random.default_rng([seed, 12])
    if not docs.num_rows:
        return []
    rows = rng.integers(0, docs.num_rows, size=k).tolist()
    numbers = docs.column("document_number").take(pa.array(rows)).to_pylist()
    countries = pc.cast(docs.column("issuing_country").take(pa.array(rows)), pa.string())
    out = []
    for i, (row, number, country) in enumerate(
        zip(rows, numbers, countries.to_pylist(), strict=True)
    ):
        slipped = ocr_slip(number, rng) if i % 2 == 0 else None
        if slipped is not None:
            out.append(DocQuery(slipped, country, "ocr", row))
        else:
            out.append(DocQuery(one_edit(number, rng), country, "edit", row))
    return out


# -- vehicles ----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class VehicleQuery:
    field: str  # "vin" or "plate"
    value: str
    country: str | None
    kind: str  # "miss", "hit", "partial"
    row: int


def vehicle_mix(vehicles: pa.Table, k: int, seed: int) -> list[VehicleQuery]:
    """``k`` queries: 45 % full VINs, 45 % plates (almost all misses, a few hits sampled
    from the list), 10 % the last 7 characters of a listed VIN."""
    rng = np.random.default_rng([seed, 13])
    fresh = synth.vehicles(k + 100, seed + 2_000_003)
    listed_vins = vehicles.column("vin").combine_chunks()
    listed_plates = vehicles.column("plate").combine_chunks()
    vins = [
        v
        for v, seen in zip(
            fresh.column("vin").to_pylist(),
            pc.is_in(fresh.column("vin"), value_set=listed_vins).to_pylist(),
            strict=True,
        )
        if v and not seen
    ]
    plate_seen = pc.is_in(fresh.column("plate"), value_set=listed_plates).to_pylist()
    plates = [
        (p, c)
        for p, c, seen in zip(
            fresh.column("plate").to_pylist(),
            pc.cast(fresh.column("registration_country"), pa.string()).to_pylist(),
            plate_seen,
            strict=True,
        )
        if p and not seen
    ]
    out: list[VehicleQuery] = []
    all_vins = vehicles.column("vin")
    all_plates = vehicles.column("plate")
    all_countries = vehicles.column("registration_country")
    for i in range(k):
        r = rng.random()
        row = int(rng.integers(0, max(1, vehicles.num_rows)))
        hit = rng.random() < 0.01 and vehicles.num_rows > 0
        if r < 0.45:
            v = all_vins[row].as_py() if hit else None
            if v:
                out.append(VehicleQuery("vin", v, None, "hit", row))
            elif vins:
                out.append(VehicleQuery("vin", vins[i % len(vins)], None, "miss", -1))
        elif r < 0.9:
            p = all_plates[row].as_py() if hit else None
            if p:
                out.append(VehicleQuery("plate", p, all_countries[row].as_py(), "hit", row))
            elif plates:
                p, c = plates[i % len(plates)]
                out.append(VehicleQuery("plate", p, c, "miss", -1))
        elif vehicles.num_rows:
            v = all_vins[row].as_py()
            if v:
                out.append(VehicleQuery("vin", v[-7:], None, "partial", row))
    return out


# -- persons -----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class PersonQuery:
    name: str
    dob: str | None
    kind: str  # "exact", "reordered", "typo", "no_middle", "translit", "innocent"
    row: int  # listed person, -1 for an innocent traveller


def listed_names(persons: pa.Table) -> tuple[list[str], np.ndarray]:
    """Every listed name (primary and aliases) normalised by ``hotlist.names.normalize``,
    and the person row each belongs to."""
    primary = persons.column("name").to_pylist()
    aliases = persons.column("aliases").to_pylist()
    out: list[str] = []
    owner: list[int] = []
    for row, (name, alias) in enumerate(zip(primary, aliases, strict=True)):
        for v in [name, *(alias or [])]:
            if v:
                norm = names.normalize(v)
                if norm:
                    out.append(norm)
                    owner.append(row)
    return out, np.asarray(owner, dtype=np.int64)


_NEIGHBOURS = "QWERTYUIOPASDFGHJKLZXCVBNM"


def _typo(name: str, rng: np.random.Generator) -> str | None:
    """One letter of the longest part replaced by a keyboard neighbour."""
    parts = re.split(r"([ ,]+)", name)
    words = [i for i, p in enumerate(parts) if len(p) >= 5 and p.isascii() and p.isalpha()]
    if not words:
        return None
    i = max(words, key=lambda j: len(parts[j]))
    w = parts[i]
    pos = int(rng.integers(1, len(w)))
    ch = w[pos].upper()
    k = _NEIGHBOURS.find(ch)
    repl = _NEIGHBOURS[(k + 1) % 26] if k >= 0 else "E"
    repl = repl if w[pos].isupper() else repl.lower()
    parts[i] = w[:pos] + repl + w[pos + 1 :]
    return "".join(parts)


def _variant(kind: str, name: str, aliases: list[str], rng: np.random.Generator) -> str | None:
    family, _, given = name.partition(", ")
    if kind == "exact":
        return name
    if kind == "reordered":
        return f"{given} {family}" if given else None
    if kind == "no_middle":
        g = given.split()
        return f"{family}, {' '.join(g[:-1])}" if len(g) >= 2 else None
    if kind == "typo":
        latin = name if name.isascii() else names.transliterate(name)
        return _typo(latin, rng)
    if kind == "translit":
        if not name.isascii():
            return names.transliterate(name)
        other = [a for a in aliases if a != name and ", " in a]
        return other[int(rng.integers(0, len(other)))] if other else None
    raise ValueError(kind)


VARIANT_KINDS = ("exact", "reordered", "typo", "no_middle", "translit")


def person_mix(
    persons: pa.Table,
    k: int,
    seed: int,
    *,
    listed_share: float = 0.2,
    normalised: set[str] | None = None,
    with_dob: bool = True,
) -> list[PersonQuery]:
    """``k`` person queries: ``listed_share`` variants of listed persons (equal shares
    of each kind in ``VARIANT_KINDS``), the rest innocent travellers whose
    normalised name is not on the list (``normalised``: the listed names, see
    :func:`listed_names`)."""
    rng = np.random.default_rng([seed, 14])
    n = persons.num_rows
    n_listed = round(k * listed_share) if n else 0
    out: list[PersonQuery] = []
    name_col = persons.column("name")
    alias_col = persons.column("aliases")
    dob_col = persons.column("date_of_birth")
    tries = 0
    while len(out) < n_listed and tries < 20 * n_listed + 100:
        tries += 1
        row = int(rng.integers(0, n))
        kind = VARIANT_KINDS[len(out) % len(VARIANT_KINDS)]
        name = name_col[row].as_py()
        aliases = alias_col[row].as_py() or []
        # a Latin listed name is what a scanner reads; queries for non-Latin records
        # start from their Latin alias (and "translit" from the original script)
        if kind != "translit" and not name.isascii():
            latin = [a for a in aliases if a.isascii() and ", " in a]
            if latin:
                name = latin[0]
        q = _variant(kind, name, aliases, rng)
        if q:
            out.append(PersonQuery(q, dob_col[row].as_py() if with_dob else None, kind, row))
    innocents = synth.persons(2 * (k - len(out)) + 50, seed + 3_000_017)
    if normalised is None:
        normalised = set(listed_names(persons)[0])
    inn: list[PersonQuery] = []
    for name, dob in zip(
        innocents.column("name").to_pylist(),
        innocents.column("date_of_birth").to_pylist(),
        strict=True,
    ):
        if len(out) + len(inn) >= k:
            break
        if names.normalize(name) not in normalised:
            inn.append(PersonQuery(name, dob if with_dob else None, "innocent", -1))
    merged = out + inn
    order = rng.permutation(len(merged))
    return [merged[i] for i in order.tolist()]
