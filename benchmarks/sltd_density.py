"""SLTD-scale density: false alarms and `possible` hits for innocent travellers.

INTERPOL's SLTD holds ~128 M stolen and lost travel documents.  Whether an
innocent traveller's number lies within one edit (or one OCR look-alike) of a
listed one depends on how densely that issuer's number space is listed, so
this benchmark builds the density of a 128 M-record list and measures one
dense issuer at its full simulated size with the real matching code:

1. **Per-issuer sizes.**  ``--issuers`` issuers (default 190) share
   ``--total`` records (default 128 M) by a Zipf law (exponent
   ``--zipf``, default 1.0): the largest holds ~17 % (~22 M), the top 10 about
   half, a long tail of issuers with a few thousand records.  Each issuer gets
   a national number format (``FORMATS``: 9 digits, a letter and 8 digits, two
   letters and 7 digits, 9 alphanumerics, 8 digits, ...).
2. **Issued series.**  Numbers are issued in sequential series of 1 M (a
   random series start in the format's space per block), and a listed
   number is a random issued one: ``--listed-share`` (default 10 %) of the
   issued numbers are on the list -- the *local* density an innocent
   traveller of that issuer meets, far above the density over the whole
   format space.  The density table (per format: records, format space,
   listed / space, listed / issued) is printed and saved.
3. **One dense issuer at full size** (``--rank``, default 1: the largest):
   its listed numbers go into a real :class:`hotlist._documents.DocumentIndex`
   (the index ``check()`` uses, the compiled one-edit search, the severity
   rules of ``hotlist._decisions``), and
   * ``--innocents`` (default 200,000) travellers holding issued numbers that
     are *not* listed are checked with ``country=`` their issuer: every
     ``alarm`` is a false alarm (target <= 1 per 100,000); the share with a
     ``possible`` hit is reported;
   * ``--slips`` listed numbers with one OCR slip (the classes of
     ``hotlist.ids.ocr``: 0/O/D/Q, 1/I/L, 2/Z, 5/S, 6/G, 8/B) must each be
     found at ``alarm`` (recall 1.0), and the same number of one-edit variants
     (substitution, transposition, deletion, insertion) must each be found,
     as ``possible`` at least.

    .venv/bin/python benchmarks/sltd_density.py                   # rank 1 at full size
    .venv/bin/python benchmarks/sltd_density.py --rank 1 --format L1D8
    .venv/bin/python benchmarks/sltd_density.py --scale 0.1       # a tenth of every issuer

Results go to ``benchmarks/results/local/sltd_density.json`` (git-ignored;
``--save-results``: ``benchmarks/results/sltd_density.json``), one entry per
run configuration, the command included.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from hotlist._decisions import ALARM
from hotlist._documents import DocumentIndex
from hotlist.ids import docnum, ocr

HERE = Path(__file__).resolve().parent
DIGITS = b"0123456789"
LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ALNUM = LETTERS + DIGITS

#: National number formats: per position the characters allowed, and the
#: share of issuers using the format.  L = letter, D = digit, A = either.
FORMATS: dict[str, tuple[str, float]] = {
    "D9": ("DDDDDDDDD", 0.25),  # US, ... passports
    "L1D8": ("LDDDDDDDD", 0.25),  # many EU passports
    "L2D7": ("LLDDDDDDD", 0.20),  # FR, IN, ...
    "A9": ("AAAAAAAAA", 0.10),  # DE: C01X00T47
    "D8": ("DDDDDDDD", 0.10),
    "L1D7": ("LDDDDDDD", 0.10),
}
_CLASSES = {"L": LETTERS, "D": DIGITS, "A": ALNUM}
SERIES = 1_000_000


def issuer_sizes(total: int, issuers: int, zipf: float) -> np.ndarray:
    w = 1.0 / np.arange(1, issuers + 1) ** zipf
    sizes = np.floor(w / w.sum() * total).astype(np.int64)
    sizes[0] += total - int(sizes.sum())
    return sizes


def space(fmt: str) -> int:
    out = 1
    for c in FORMATS[fmt][0]:
        out *= len(_CLASSES[c])
    return out


def render(fmt: str, idx: np.ndarray) -> pa.Array:
    """Numbers of format ``fmt`` for mixed-radix indexes ``idx`` (last position fastest)."""
    pattern = FORMATS[fmt][0]
    mat = np.empty((len(idx), len(pattern)), dtype=np.uint8)
    rest = idx.astype(np.int64).copy()
    for j in range(len(pattern) - 1, -1, -1):
        alpha = np.frombuffer(_CLASSES[pattern[j]], dtype=np.uint8)
        mat[:, j] = alpha[rest % len(alpha)]
        rest //= len(alpha)
    w = len(pattern)
    offsets = np.arange(0, len(idx) * w + 1, w, dtype=np.int32)
    return pa.StringArray.from_buffers(len(idx), pa.py_buffer(offsets), pa.py_buffer(mat.tobytes()))


def issued_series(fmt: str, issued: int, rng: np.random.Generator) -> np.ndarray:
    """Start indexes of the 1 M-number series an issuer has issued."""
    blocks = max(1, -(-issued // SERIES))
    slots = space(fmt) // SERIES
    starts = rng.choice(slots, size=min(blocks, slots), replace=False) * SERIES
    return np.sort(starts)


def sample_issued(starts: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    return starts[rng.integers(0, len(starts), k)] + rng.integers(0, SERIES, k)


# OCR look-alikes by character: the characters one slip can turn it into.
_SLIPS = ocr.slips()
_LETTERS = ", ".join("/".join(cls) for cls in ocr.LETTER_CLASSES)  # O/D/Q, I/L


def ocr_slip(number: str, rng: np.random.Generator) -> str | None:
    """``number`` with one character replaced by an OCR look-alike (any, as a reader
    would misread it, whatever the format allows); None when it has none."""
    spots = [i for i, c in enumerate(number) if c in _SLIPS]
    if not spots:
        return None
    i = spots[int(rng.integers(0, len(spots)))]
    alts = _SLIPS[number[i]]
    return number[:i] + alts[int(rng.integers(0, len(alts)))] + number[i + 1 :]


def one_edit(number: str, rng: np.random.Generator) -> str:
    i = int(rng.integers(0, len(number)))
    c = chr(ALNUM[int(rng.integers(0, len(ALNUM)))])
    op = int(rng.integers(0, 4))
    if op == 0:
        return number[:i] + c + number[i + 1 :] if c != number[i] else number[:i] + number[i + 1 :]
    if op == 1:
        return number[:i] + c + number[i:]
    if op == 2:
        return number[:i] + number[i + 1 :]
    i = min(i, len(number) - 2)
    return number[:i] + number[i + 1] + number[i] + number[i + 2 :]


def density_table(sizes: np.ndarray, fmts: list[str], listed_share: float) -> list[dict[str, Any]]:
    rows = []
    for f in FORMATS:
        mine = [int(s) for s, g in zip(sizes, fmts, strict=True) if g == f]
        n = sum(mine)
        rows.append(
            {
                "format": f,
                "pattern": FORMATS[f][0],
                "issuers": len(mine),
                "records": n,
                "largest_issuer": max(mine, default=0),
                "space": space(f),
                "listed_per_space": n / space(f),
                "largest_listed_per_space": max(mine, default=0) / space(f),
                "listed_per_issued": listed_share,
            }
        )
    return rows


def run(args: argparse.Namespace) -> dict[str, Any]:
    rng = np.random.default_rng(args.seed)
    sizes = issuer_sizes(args.total, args.issuers, args.zipf)
    names = list(FORMATS)
    fmts = [
        names[i]
        for i in rng.choice(len(names), size=args.issuers, p=[FORMATS[f][1] for f in names])
    ]
    if args.format:
        fmts[args.rank - 1] = args.format
    if args.letters:
        _CLASSES["L"] = args.letters.encode()
        _CLASSES["A"] = args.letters.encode() + DIGITS
    table = density_table(sizes, fmts, args.listed_share)
    print(
        f"{args.total:,} records over {args.issuers} issuers (Zipf {args.zipf}); "
        f"top 10 hold {sizes[:10].sum() / args.total:.0%}"
    )
    print(
        f"  {'format':<6} {'issuers':>7} {'records':>13} {'largest':>12} {'space':>17} "
        f"{'listed/space':>12} {'largest/space':>13}"
    )
    for r in table:
        print(
            f"  {r['format']:<6} {r['issuers']:>7} {r['records']:>13,} "
            f"{r['largest_issuer']:>12,} {r['space']:>17,} {r['listed_per_space']:>12.2e} "
            f"{r['largest_listed_per_space']:>13.2e}"
        )

    fmt = fmts[args.rank - 1]
    n = int(sizes[args.rank - 1] * args.scale)
    issued = int(n / args.listed_share)
    print(
        f"issuer rank {args.rank}: {n:,} listed {fmt} numbers ({FORMATS[fmt][0]}), "
        f"{issued:,} issued in series of {SERIES:,}"
    )
    t0 = time.perf_counter()
    starts = issued_series(fmt, issued, rng)
    # listed: n distinct issued numbers
    listed = np.unique(sample_issued(starts, int(n * 1.05) + 1000, rng))
    listed = rng.permutation(listed)[:n]
    numbers = render(fmt, listed)
    docs = pa.table(
        {
            "document_number": numbers,
            "issuing_country": pa.DictionaryArray.from_arrays(
                pa.array(np.zeros(len(listed), dtype=np.int8)), pa.array(["UTO"])
            ),
            "document_type": pa.DictionaryArray.from_arrays(
                pa.array(np.zeros(len(listed), dtype=np.int8)), pa.array(["passport"])
            ),
        }
    )
    gen_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    index = DocumentIndex(docs)
    build_s = time.perf_counter() - t0
    print(
        f"  generated in {gen_s:.1f} s, DocumentIndex built in {build_s:.1f} s, "
        f"max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20:.1f} GiB"
    )

    def check(number: str) -> tuple[bool, bool]:
        """(alarm, possible) for a check with the issuer given, as check() decides it."""
        compact = docnum.validate(number)
        cands = index.match(compact, country="UTO", document_type=None, max_edits=1)
        alarm = any(c.severity == ALARM for c in cands)
        return alarm, bool(cands) and not alarm

    def letter_only_alarm(number: str) -> bool:
        """True when every alarm-level hit is an OCR match whose differences are
        letter <-> letter look-alikes (O/D/Q, I/L) only: the alarms a rule
        "letter-letter look-alikes are possible" would turn into possible hits."""
        compact = docnum.validate(number)
        cands = index.match(compact, country="UTO", document_type=None, max_edits=1)
        alarms = [c for c in cands if c.severity == ALARM]
        if not alarms:
            return False
        for c in alarms:
            listed_number = docnum.compact(index.numbers[c.row].as_py())
            if c.match != "ocr" or len(listed_number) != len(compact):
                return False
            for x, y in zip(compact, listed_number, strict=True):
                if x != y and not (x.isalpha() and y.isalpha()):
                    return False
        return True

    # innocent travellers: issued, not listed
    listed_sorted = np.sort(listed)
    pool = sample_issued(starts, int(args.innocents * 1.3) + 100, rng)
    pos = np.searchsorted(listed_sorted, pool).clip(0, len(listed_sorted) - 1)
    pool = pool[listed_sorted[pos] != pool][: args.innocents]
    innocents = render(fmt, pool).to_pylist()
    t0 = time.perf_counter()
    alarms = possibles = letter_alarms = 0
    examples: list[str] = []
    for q in innocents:
        a, p = check(q)
        alarms += a
        possibles += p
        if a:
            letter_alarms += letter_only_alarm(q)
            if len(examples) < 5:
                examples.append(q)
    check_s = time.perf_counter() - t0
    per = 100_000 / max(1, len(innocents))
    print(
        f"  {len(innocents):,} innocent travellers: {alarms} false alarms "
        f"({alarms * per:.2f} per 100,000), possible {possibles / max(1, len(innocents)):.1%}  "
        f"({check_s / max(1, len(innocents)) * 1e6:.1f} µs per check)"
        + ("  e.g. " + ", ".join(examples) if examples else "")
    )
    print(
        f"    of which letter<->letter OCR look-alikes only ({_LETTERS}): "
        f"{letter_alarms} "
        f"-> {(alarms - letter_alarms) * per:.2f} false alarms per 100,000 if those were possible"
    )

    # recall: OCR slips of listed numbers -> alarm; one-edit variants -> found
    picks = numbers.take(pa.array(rng.integers(0, len(listed), args.slips))).to_pylist()
    slips = [s for s in (ocr_slip(x, rng) for x in picks) if s is not None]
    slip_results = [check(s) for s in slips]
    slip_alarm = sum(r[0] for r in slip_results)
    slip_found = sum(any(r) for r in slip_results)
    slip_letter = sum(letter_only_alarm(s) for s in slips)
    edits = [one_edit(x, rng) for x in picks]
    edits = [e for e in edits if docnum.is_valid(e)]
    edit_found = sum(any(check(e)) for e in edits)
    edit_possible = sum(check(e)[1] for e in edits)
    print(
        f"  OCR slips of listed numbers found: {slip_found:,} / {len(slips):,} "
        f"(recall {slip_found / max(1, len(slips)):.4f}; {slip_alarm:,} as alarm, the rest "
        f"possible; {slip_letter:,} of them letter<->letter look-alikes)"
    )
    print(
        f"  one-edit variants found: {edit_found:,} / {len(edits):,} "
        f"(recall {edit_found / max(1, len(edits)):.4f}; {edit_possible:,} as possible)"
    )
    return {
        "command": " ".join(["benchmarks/sltd_density.py", *sys.argv[1:]]),
        "total": args.total,
        "issuers": args.issuers,
        "zipf": args.zipf,
        "listed_share": args.listed_share,
        "density": table,
        "issuer_rank": args.rank,
        "format": fmt,
        "listed": n,
        "issued": issued,
        "build_seconds": round(build_s, 1),
        "max_rss_gib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2),
        "innocents": len(innocents),
        "false_alarms": alarms,
        "false_alarms_per_100k": round(alarms * per, 3),
        "possible_rate": round(possibles / max(1, len(innocents)), 4),
        "false_alarm_examples": examples,
        "false_alarms_letter_letter_only": letter_alarms,
        "false_alarms_per_100k_if_letter_letter_possible": round((alarms - letter_alarms) * per, 3),
        "ocr_slips_letter_letter": slip_letter,
        "ocr_slips": len(slips),
        "ocr_slip_alarm_recall": slip_alarm / max(1, len(slips)),
        "one_edit_variants": len(edits),
        "one_edit_recall": edit_found / max(1, len(edits)),
        "one_edit_as_possible": edit_possible,
        "us_per_check": round(check_s / max(1, len(innocents)) * 1e6, 2),
    }


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--total", type=int, default=128_000_000)
    p.add_argument("--issuers", type=int, default=190)
    p.add_argument("--zipf", type=float, default=1.0)
    p.add_argument("--listed-share", type=float, default=0.10)
    p.add_argument("--rank", type=int, default=1, help="which issuer to run at full size")
    p.add_argument("--format", choices=list(FORMATS), help="override that issuer's format")
    p.add_argument("--letters", help="letters the issuers use in letter positions (default A-Z)")
    p.add_argument("--scale", type=float, default=1.0, help="fraction of its size to build")
    p.add_argument("--innocents", type=int, default=200_000)
    p.add_argument("--slips", type=int, default=20_000)
    p.add_argument("--seed", type=int, default=12)
    p.add_argument(
        "--results",
        type=Path,
        help="JSON to add this run to (default benchmarks/results/local/sltd_density.json, "
        "git-ignored; with --save-results benchmarks/results/sltd_density.json)",
    )
    p.add_argument("--save-results", action="store_true", help="write the committed results")
    args = p.parse_args(argv)
    if args.results is None:
        where = HERE / "results" if args.save_results else HERE / "results" / "local"
        args.results = where / "sltd_density.json"
    args.results.parent.mkdir(parents=True, exist_ok=True)
    out = run(args)
    runs = json.loads(args.results.read_text()) if args.results.exists() else []
    runs = [r for r in runs if r.get("command") != out["command"]] + [out]
    args.results.write_text(json.dumps(runs, indent=1) + "\n")
    print(f"wrote {args.results}")


if __name__ == "__main__":
    main()
