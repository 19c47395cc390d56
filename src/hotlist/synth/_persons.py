"""Synthetic wanted persons drawn from the name tables of :mod:`._tables`, and
person queries with typos and date-of-birth variants for recall benchmarks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hotlist import names as _names
from hotlist.schema import NOTICE_TYPES, PERSONS_SCHEMA, SEXES
from hotlist.synth import _common as rand
from hotlist.synth._documents import _DOC_PATTERNS
from hotlist.synth._tables import _CAUTIONS, _NAMES, _NOTICE_P, _OFFENCES


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


def _persons_of(c: _Culture, k: int, rng: np.random.Generator) -> dict[str, pa.Array]:
    female = rng.random(k) < 0.3
    fam_m, fam_f = c.family, _feminine(c.name, c.family)
    fi = rng.integers(0, len(c.family.orig), size=k)

    def family(attr: str) -> pa.Array:
        m = rand.take(getattr(fam_m, attr), fi)
        f = rand.take(getattr(fam_f, attr), fi)
        return pc.if_else(pa.array(female), f, m)

    def given(attr: str, gi_m: np.ndarray, gi_f: np.ndarray) -> pa.Array:
        m = rand.take(getattr(c.male, attr), gi_m)
        f = rand.take(getattr(c.female, attr), gi_f)
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
        giv_o = pc.if_else(second, rand.join(giv_o, o2, sep=" "), giv_o)
        giv_l = pc.if_else(second, rand.join(giv_l, l2, sep=" "), giv_l)
        giv_v = pc.if_else(second, pa.scalar(None, pa.string()), giv_v)
    if c.name == "spanish":  # two family names, often
        both = pa.array(rng.random(k) < 0.5)
        fi2 = rng.integers(0, len(c.family.orig), size=k)
        fam_o = pc.if_else(both, rand.join(fam_o, rand.take(c.family.orig, fi2), sep=" "), fam_o)
        fam_l = pc.if_else(both, rand.join(fam_l, rand.take(c.family.latin, fi2), sep=" "), fam_l)
    latin_given = pc.utf8_title(giv_l)
    latin_name = rand.join(fam_l, latin_given, sep=", ")
    variant_name = rand.join(
        pc.coalesce(fam_v, fam_l), pc.utf8_title(pc.coalesce(giv_v, giv_l)), sep=", "
    )
    variant_name = pc.if_else(
        pc.equal(variant_name, latin_name), pa.scalar(None, pa.string()), variant_name
    )
    if c.script == "latin":
        name = rand.join(pc.utf8_upper(fam_o), giv_o, sep=", ")
        family_name, given_names = pc.utf8_upper(fam_o), giv_o
        icao = pc.if_else(pc.equal(latin_name, name), pa.scalar(None, pa.string()), latin_name)
        swapped = rand.maybe(rng, rand.join(latin_given, fam_l, sep=" "), 0.1)
        aliases = [icao, variant_name, swapped]
    else:
        if c.script == "han":
            orig_name = rand.join(fam_o, giv_o)
            orig_family = fam_o
        else:
            orig_family = pc.utf8_upper(fam_o)
            orig_name = rand.join(orig_family, giv_o, sep=", ")
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
        "aliases": rand.lists(aliases, k),
        "female": pa.array(female),
    }


def persons(n: int, seed: int = 0) -> pa.Table:
    """``n`` wanted persons: names in many cultures and scripts, aliases, partial DOBs."""
    rng = np.random.default_rng([seed, 3])
    cult = rand.choice(rng, [c.weight for c in _CULTURE_LIST], n)
    order = np.argsort(cult, kind="stable")
    pieces: dict[str, list[pa.Array]] = {}
    nat_codes: list[np.ndarray] = []
    for ci, c in enumerate(_CULTURE_LIST):
        k = int((cult == ci).sum())
        part = _persons_of(c, k, rng)
        for key, arr in part.items():
            pieces.setdefault(key, []).append(arr)
        codes = np.array(list(c.countries), dtype=object)
        nat_codes.append(codes[rand.choice(rng, list(c.countries.values()), k)])
    inverse = np.empty(n, dtype=np.int64)
    inverse[order] = np.arange(n)
    take = pa.array(inverse)
    col = {key: pa.concat_arrays(v).take(take) for key, v in pieces.items()}
    nat1 = np.concatenate(nat_codes)[inverse] if n else np.array([], dtype=object)
    all_codes = sorted({code for c in _CULTURE_LIST for code in c.countries})
    nat2 = np.array(all_codes, dtype=object)[rng.integers(0, len(all_codes), size=n)]
    second = (rng.random(n) < 0.12) & (nat2 != nat1)
    nat1_arr = pa.array(nat1, pa.string())
    nationalities = rand.lists([nat1_arr, pa.array(nat2, pa.string(), mask=~second)], n)
    # dates of birth: full, year-month, year only, or none
    born = rng.integers(rand.day(1950, 1, 1), rand.day(2006, 12, 31), size=n)
    full = pc.strftime(pc.cast(rand.dates(born), pa.timestamp("s")), format="%Y-%m-%d")
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
    born_ts = pc.cast(rand.dates(born), pa.timestamp("s"))
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
    notice = rand.choice(rng, [_NOTICE_P[t] for t in NOTICE_TYPES], n)
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
    numbers = rand.by_group(rng, group, [shapes.get(k, "llddddddd") for k in keys])
    has_doc = rng.random(n)
    doc1 = pc.if_else(pa.array(has_doc < 0.3), numbers, pa.scalar(None, pa.string()))
    more = rand.by_group(rng, group, [shapes.get(k, "llddddddd") for k in keys])
    doc2 = pc.if_else(pa.array(has_doc < 0.05), more, pa.scalar(None, pa.string()))
    authority = rand.join("NCB ", nat1_arr)
    arrays = [
        rand.ids("P", n, 8),
        col["name"],
        col["family_name"],
        col["given_names"],
        col["aliases"],
        dob,
        dob_year,
        dob_month,
        dob_day,
        rand.dictionary(sex_idx, SEXES, pa.int8(), mask=no_sex),
        nationalities,
        rand.dictionary(notice, NOTICE_TYPES, pa.int8()),
        offences,
        caution,
        rand.lists([doc1, doc2], n),
        rand.maybe(rng, authority, 0.7),
    ]
    return pa.Table.from_arrays(arrays, schema=PERSONS_SCHEMA)


# -- hand-placed records the demo and the docs query ----------------------------------------
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
