"""Render benchmark results JSON as Markdown: tables, ratios, the design targets.

    .venv/bin/python benchmarks/report.py                       # results/run-*.json
    .venv/bin/python benchmarks/report.py results/latest.json   # one run
    .venv/bin/python benchmarks/report.py --readme              # also update README.md

Ratios are "how many times slower the alternative is than hotlist" at the same
percentile (above 1: hotlist is faster; below 1: the alternative is faster).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"


def _num(x: float | None, digits: int = 1) -> str:
    if x is None:
        return "–"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:,.{digits}f}"


def _us(x: float | None) -> str:
    if x is None:
        return "–"
    if x >= 10_000:
        return f"{x / 1000:,.0f} ms"
    if x >= 1000:
        return f"{x / 1000:,.2f} ms"
    return f"{x:,.1f} µs" if x >= 10 else f"{x:,.2f} µs"


def _ratio(alt: float | None, ours: float | None) -> str:
    if not alt or not ours:
        return "–"
    r = alt / ours
    return f"{r:,.0f}×" if r >= 100 else f"{r:,.1f}×" if r >= 1 else f"{r:.2f}×"


def _si(n: int | float) -> str:
    for div, unit in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if n >= div:
            v = n / div
            return f"{v:g}{unit}" if v == int(v) else f"{v:.1f}{unit}"
    return f"{n:g}"


def _outcomes(o: dict[str, int] | None) -> str:
    if not o:
        return ""
    return ", ".join(f"{k} {v:,}" for k, v in o.items())


# -- the design targets ------------------------------------------------------------------
Target = tuple[str, Callable[[dict[str, Any]], tuple[str, bool | None]]]


def _get(d: dict[str, Any], *path: str) -> Any:
    for p in path:
        if not isinstance(d, dict) or p not in d:
            return None
        d = d[p]
    return d


def _scale_note(r: dict[str, Any], dataset: str, wanted: int) -> str:
    n = int(_get(r, "meta", "config", dataset) or 0)
    return "" if n >= wanted else f" (at {_si(n)} {dataset}; target is at {_si(wanted)})"


def _t_exact(r: dict[str, Any]) -> tuple[str, bool | None]:
    res = _get(r, "latency", "documents.exact", "hotlist")
    if not res or "p50_us" not in res:
        return "not measured", None
    ok = res["p50_us"] <= 2 and res["p99_us"] <= 10
    return (
        f"p50 {_us(res['p50_us'])}, p99 {_us(res['p99_us'])}"
        + _scale_note(r, "documents", 10_000_000),
        ok,
    )


def _t_tolerant(r: dict[str, Any]) -> tuple[str, bool | None]:
    a = _get(r, "latency", "documents.tolerant_miss", "hotlist", "p99_us")
    b = _get(r, "latency", "documents.fuzzy", "hotlist", "p99_us")
    if a is None and b is None:
        return "not measured", None
    worst = max(x for x in (a, b) if x is not None)
    return (
        f"p99 {_us(a)} (realistic mix), {_us(b)} (OCR slips / one edit)"
        + _scale_note(r, "documents", 10_000_000),
        worst <= 100,
    )


def _t_persons(r: dict[str, Any]) -> tuple[str, bool | None]:
    p99 = _get(r, "latency", "persons.mixed", "hotlist", "p99_us")
    recall = _get(r, "recall", "persons", "hotlist_recall")
    q = _get(r, "recall", "persons", "queries")
    if p99 is None:
        return "not measured", None
    rec = f"{recall:.1%} of the full scan's hits ({q} queries)" if recall is not None else "–"
    ok = p99 <= 2000 and (recall is None or recall >= 0.99)
    return f"p99 {_us(p99)}, recall {rec}" + _scale_note(r, "persons", 1_000_000), ok


def _t_batch(r: dict[str, Any]) -> tuple[str, bool | None]:
    res = _get(r, "batch", "documents", "hotlist")
    if not res or "checks_per_s" not in res:
        return "not measured", None
    return f"{res['checks_per_s'] / 1e6:.2f} M checks/s", res["checks_per_s"] >= 2e6


def _t_memory(r: dict[str, Any]) -> tuple[str, bool | None]:
    res = _get(r, "memory", "documents.hotlist")
    if not res:
        return "not measured", None
    rss, stats = res["rss_bytes_per_record"], res["stats_bytes_per_record"]
    return (
        f"{rss:.0f} B/record RSS growth, {stats:.0f} B/record by hl.stats()",
        max(rss, stats) <= 100,
    )


def _t_load(r: dict[str, Any]) -> tuple[str, bool | None]:
    res = _get(r, "load", "documents.parquet")
    if not res:
        return "not measured", None
    return (
        f"{res['records_per_s'] / 1e6:.2f} M records/s "
        f"(read + validate alone {res['read_validate_records_per_s'] / 1e6:.2f} M/s)",
        res["records_per_s"] >= 1e6,
    )


TARGETS: list[Target] = [
    ("exact document check, 10 M records, a miss: p50 ≤ 2 µs, p99 ≤ 10 µs", _t_exact),
    ("document check with OCR / one-edit tolerance, 10 M records: p99 ≤ 100 µs", _t_tolerant),
    ("person check, 1 M persons: p99 ≤ 2 ms, ≥ 99 % of a full scan's hits", _t_persons),
    ("`check_many` exact: ≥ 2 M checks/s", _t_batch),
    ("memory, documents with all their indexes: ≤ 100 bytes per record", _t_memory),
    ("load from Parquet: ≥ 1 M records/s", _t_load),
]


# -- rendering --------------------------------------------------------------------------
def render(r: dict[str, Any]) -> str:
    meta = r.get("meta", {})
    cfg = meta.get("config", {})
    m = meta.get("machine", {})
    v = m.get("versions", {})
    out: list[str] = []
    title = (
        f"### {_si(cfg.get('documents', 0))} documents, {_si(cfg.get('vehicles', 0))} vehicles, "
        f"{_si(cfg.get('persons', 0))} persons"
    )
    out += [title, ""]
    ram = m.get("ram_bytes")
    out.append(
        f"{m.get('cpu')}, {m.get('cores')} cores, "
        f"{ram / 2**30:.0f} GiB RAM; "
        * bool(ram)
        + f"Python {m.get('python')}, pyarrow {v.get('pyarrow')}, numpy {v.get('numpy')}, "
        f"DuckDB {v.get('duckdb')}, SQLite {v.get('sqlite')}, rapidfuzz {v.get('rapidfuzz')}; "
        f"hotlist at commit `{m.get('git_commit')}`"
        + (" (src/ modified)" if m.get("src_modified") else "")
        + f"; {m.get('date')}; timer cost {meta.get('timer_ns', 0):.0f} ns per sample."
    )
    out += ["", f"`{meta.get('command', '')}`", ""]

    out += ["**Targets (the design targets; README, Performance)**", ""]
    out += ["| target | measured | |", "|---|---|---|"]
    for label, fn in TARGETS:
        text, ok = fn(r)
        mark = "–" if ok is None else "met" if ok else "**missed**"
        out.append(f"| {label} | {text} | {mark} |")
    out.append("")

    lat = r.get("latency", {})
    if lat:
        out += [
            "**Latency per call** (ratio: the alternative's time / hotlist's, at p50 and p99)",
            "",
            "| case | implementation | n | p50 | p99 | p99.9 | ratio p50 | ratio p99 | outcomes |",
            "|---|---|--:|--:|--:|--:|--:|--:|---|",
        ]
        for case, c in lat.items():
            ours = c.get("hotlist", {})
            impls = [k for k, val in c.items() if isinstance(val, dict) and "n" in val]
            for name in impls:
                res = c[name]
                first = name == impls[0]
                label = f"{case}<br><sub>{c.get('description', '')}</sub>" if first else ""
                rp50 = "" if name == "hotlist" else _ratio(res.get("p50_us"), ours.get("p50_us"))
                rp99 = "" if name == "hotlist" else _ratio(res.get("p99_us"), ours.get("p99_us"))
                out.append(
                    f"| {label} | {name} | {res['n']:,} | {_us(res.get('p50_us'))} "
                    f"| {_us(res.get('p99_us'))} | {_us(res.get('p999_us'))} | {rp50} | {rp99} "
                    f"| {_outcomes(res.get('outcomes'))} |"
                )
        out.append("")
        notes = [
            f"{case} {name}: {res['note']}"
            for case, c in lat.items()
            for name, res in c.items()
            if isinstance(res, dict) and res.get("note")
        ]
        if notes:
            out += ["<sub>" + "; ".join(notes) + "</sub>", ""]

    thr = r.get("throughput", {})
    if thr:
        threads = sorted({int(t) for c in thr.values() for t in c["hotlist_calls_per_s"]})
        out += [
            "**Throughput, hotlist `check()`** (calls/s, threads sharing one Hotlist)",
            "",
            "| case | " + " | ".join(f"{t} thread{'s' * (t > 1)}" for t in threads) + " |",
            "|---|" + "--:|" * len(threads),
        ]
        for case, c in thr.items():
            vals = c["hotlist_calls_per_s"]
            out.append(f"| {case} | " + " | ".join(_num(vals.get(str(t))) for t in threads) + " |")
        out.append("")

    batch = _get(r, "batch", "documents")
    if batch:
        ours = _get(batch, "hotlist", "checks_per_s")
        out += [
            "**Batch: a manifest of document checks**",
            "",
            "| implementation | queries | seconds | checks/s | hotlist is × faster | hits |",
            "|---|--:|--:|--:|--:|--:|",
        ]
        for name, res in batch.items():
            if "checks_per_s" not in res:
                continue
            ratio = "" if name.startswith("hotlist") else _ratio(ours, res["checks_per_s"])
            out.append(
                f"| {name}<br><sub>{res.get('note', '')}</sub> | {res['n']:,} "
                f"| {res['seconds']:.3f} | {_num(res['checks_per_s'])} | {ratio} "
                f"| {res.get('hits', '')} |"
            )
        out.append("")

    load = r.get("load", {})
    if load:
        out += [
            "**Load** (`hotlist.load(documents=...)`, index build included)",
            "",
            "| extract | records | file MB | seconds | records/s | of which index build "
            "| read + validate records/s | pyarrow read alone, records/s |",
            "|---|--:|--:|--:|--:|--:|--:|--:|",
        ]
        for name, res in load.items():
            out.append(
                f"| {name} | {res['records']:,} | {res['file_bytes'] / 1e6:,.0f} "
                f"| {res['seconds']:.2f} | {_num(res['records_per_s'])} "
                f"| {res['index_build_seconds']:.2f} s "
                f"| {_num(res['read_validate_records_per_s'])} "
                f"| {_num(res['pyarrow_read_records_per_s'])} |"
            )
        out.append("")

    mem = r.get("memory", {})
    if mem:
        out += [
            "**Memory per document record** (fresh process; RSS growth after the imports)",
            "",
            "| structure | records | RSS growth B/record | peak growth B/record "
            "| `hl.stats()` B/record |",
            "|---|--:|--:|--:|--:|",
        ]
        for name, res in mem.items():
            out.append(
                f"| {name} | {res['records']:,} | {_num(res['rss_bytes_per_record'])} "
                f"| {_num(res['peak_growth_bytes_per_record'])} "
                f"| {_num(res.get('stats_bytes_per_record'))} |"
            )
        h = mem.get("documents.hotlist")
        if h and "ttfa_seconds" in h:
            ph = h["phases_s"]
            out += [
                "",
                f"Time to first answer (process start → import → `hotlist.load` of the "
                f"Parquet extract → first `check`): **{h['ttfa_seconds']:.2f} s** "
                f"(interpreter and imports {ph['start_and_imports']:.2f} s, load "
                f"{ph['load']:.2f} s, first check {ph['first_check'] * 1e3:.2f} ms).",
            ]
        out.append("")

    rec = _get(r, "recall", "persons")
    if rec:
        out += [
            "**Person recall** against a full scan with hotlist's own scorer "
            f"(`names.similarity` over all {rec['listed_names']:,} listed names and aliases)",
            "",
            "| | persons found of the scan's | recall | all hits returned |",
            "|---|--:|--:|--:|",
            f"| hotlist `check(name=)` | {rec['hotlist_found']:,} / {rec['scan_hits']:,} "
            f"| {_pct(rec['hotlist_recall'])} | {rec['hotlist_hits_total']:,} |",
            f"| rapidfuzz token_sort_ratio scan | {rec['rapidfuzz_found']:,} / "
            f"{rec['scan_hits']:,} | {_pct(rec['rapidfuzz_recall'])} "
            f"| {rec['rapidfuzz_hits_total']:,} |",
            "",
            f"<sub>{rec['queries']} queries, {rec['queries_with_loss']} with a hit lost; "
            f"{rec['note']}</sub>",
            "",
        ]

    build = _get(r, "build", "from_tables")
    if build:
        out += [
            f"Index build (`Hotlist.from_tables`, all three datasets): {build['seconds']:.1f} s; "
            "`hl.stats()` bytes per record: "
            + ", ".join(f"{k} {_num(val)}" for k, val in build["bytes_per_record"].items())
            + ".",
            "",
        ]
    return "\n".join(out)


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x:.1%}"


def _files(args: Sequence[str]) -> list[Path]:
    if args:
        return [Path(a) for a in args]
    runs = sorted(
        (HERE / "results").glob("run-*.json"),
        key=lambda p: int(re.sub(r"\D", "", p.stem) or 0),
    )
    return runs or [HERE / "results" / "latest.json"]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="*", help="results JSON (default: results/run-*.json)")
    ap.add_argument("--readme", action="store_true", help="write into benchmarks/README.md")
    args = ap.parse_args(argv)
    text = "\n\n".join(render(json.loads(p.read_text())) for p in _files(args.files))
    if args.readme:
        readme = HERE / "README.md"
        body = readme.read_text()
        if BEGIN not in body or END not in body:
            print(f"{readme} has no {BEGIN} ... {END} markers", file=sys.stderr)
            return 1
        head, rest = body.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        readme.write_text(f"{head}{BEGIN}\n{text}\n{END}{tail}")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
