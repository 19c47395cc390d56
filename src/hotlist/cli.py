"""The ``hotlist`` command: demo, check, validate, stats, sql; snapshot, apply, verify, info."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from hotlist._errors import HotlistError

__all__ = ["main", "sample_data_path"]

QUERY_FLAGS = (
    ("document", "document number"),
    ("country", "issuing country of the document, or the plate's country"),
    ("document_type", "document type: passport, id_card, visa, ..."),
    ("mrz", "machine-readable zone, lines separated by newlines or spaces"),
    ("vin", "VIN, chassis number, or the last 6-8 characters of a VIN"),
    ("plate", "licence plate"),
    ("name", "person's name: 'FAMILY, Given Names' or 'Given Family'"),
    ("family_name", "person's family name"),
    ("given_names", "person's given names"),
    ("dob", "date of birth, ISO; partial allowed (1974, 1974-08)"),
    ("nationality", "nationality (country code or name)"),
    ("sex", "M, F or X"),
)

# What `hotlist demo` shows: (title, check() keywords).  The records are
# hand-placed in the bundled sample data (see sample_data/README.md).
DEMO_CHECKS: tuple[tuple[str, dict[str, str]], ...] = (
    ("Exact: a stolen passport", {"document": "L898902C3", "country": "UTO"}),
    ("OCR slip: O read for 0", {"document": "L8989O2C3", "country": "UTO"}),
    ("One edit: a digit dropped", {"document": "L89890C3", "country": "UTO"}),
    ("Same number, another issuer: a weaker hit", {"document": "L898902C3", "country": "DEU"}),
    (
        "MRZ: document and holder at once (a wrong check digit is a warning)",
        {
            "mrz": "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
            "L898902C37UTO7408122F1204159ZE184226B<<<<<10"
        },
    ),
    ("Stolen vehicle by VIN", {"vin": "1M8GDM9AXKP042788"}),
    ("Partial VIN: the last 8 characters", {"vin": "KP042788"}),
    ("Licence plate, OCR slip (8 for B)", {"plate": "A8-123-CD", "country": "FRA"}),
    (
        "Wanted person: name order, spelling and a near date of birth",
        {"name": "Anna Maria Eriksson", "dob": "1974-12-08"},
    ),
    ("An ordinary traveller: no hit", {"document": "X1234567", "country": "FRA"}),
)


def sample_data_path() -> Path:
    """The bundled sample data folder, wherever hotlist is installed."""
    return Path(str(resources.files("hotlist") / "sample_data"))


def _console() -> Any:
    from rich.console import Console

    return Console()


def _load(data: str | None, quiet: bool = False) -> Any:
    import hotlist

    folder = Path(data) if data else sample_data_path()
    return hotlist.load(folder, progress=None if not quiet else False)


def _cmd_demo(args: argparse.Namespace) -> int:
    from hotlist._present import result_table

    console = _console()
    hl = _load(args.data)
    stats = hl.stats()
    console.print(
        f"[bold]hotlist demo[/] on {stats['sources'] and Path(stats['sources'][0]).parent}: "
        f"{stats['documents']:,} documents, {stats['vehicles']:,} vehicles, "
        f"{stats['persons']:,} persons; data version {stats['data_version']}"
    )
    for title, query in DEMO_CHECKS:
        console.rule(title)
        console.print(f"hl.check({', '.join(f'{k}={v!r}' for k, v in query.items())})")
        console.print(result_table(hl.check(**query)))
    report = hl.report.summary()
    console.rule("Load report")
    console.print(report)
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    query = {k: getattr(args, k) for k, _ in QUERY_FLAGS if getattr(args, k) is not None}
    hl = _load(args.data, quiet=args.json)
    result = hl.check(**query, limit=args.limit, min_score=args.min_score, max_edits=args.max_edits)
    if args.json:
        print(result.model_dump_json(indent=2))
    else:
        from hotlist._present import result_table

        _console().print(result_table(result))
    return 1 if result.hit and args.exit_code else 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from hotlist.extracts import load_datasets

    mapping = json.loads(args.mapping) if args.mapping else None
    per_dataset: dict[str, list[str]] = {"documents": [], "vehicles": [], "persons": []}
    folders = []
    for p in args.paths:
        path = Path(p)
        if path.is_dir():
            folders.append(path)
            continue
        dataset = args.dataset or next(
            (d for d in per_dataset if path.name.lower().startswith(d)), None
        )
        if dataset is None:
            print(
                f"{p}: cannot tell the dataset from the file name; use --dataset",
                file=sys.stderr,
            )
            return 2
        per_dataset[dataset].append(str(path))
    reports = []
    for folder in folders:
        reports.append(load_datasets(folder, mapping=mapping)[1])
    if any(per_dataset.values()):
        reports.append(
            load_datasets(
                None,
                mapping=mapping,
                **{k: v for k, v in per_dataset.items() if v},  # type: ignore[arg-type]
            )[1]
        )
    bad = 0
    for report in reports:
        if args.json:
            print(report.model_dump_json(indent=2))
        else:
            print(report)
        bad += report.rejected
    return 1 if bad and args.exit_code else 0


def _cmd_stats(args: argparse.Namespace) -> int:
    hl = _load(args.data, quiet=True)
    print(json.dumps(hl.stats(), indent=2, default=str))
    return 0


def _cmd_sql(args: argparse.Namespace) -> int:
    hl = _load(args.data, quiet=True)
    rel = hl.sql(args.query)
    if args.json:
        print(json.dumps(rel.arrow().to_pylist(), indent=2, default=str))
    else:
        rel.show(max_rows=args.max_rows)
    return 0


def _cmd_snapshot(args: argparse.Namespace) -> int:
    import hotlist

    mapping = json.loads(args.mapping) if args.mapping else None
    hl = hotlist.load(
        args.source, mapping=mapping, public_key=args.public_key, strict=args.strict, progress=None
    )
    dest = hl.save(args.dest, overwrite=args.overwrite, private_key=args.private_key)
    stats = hl.stats()
    print(
        f"{dest}: data version {stats['data_version']}, {stats['documents']:,} documents, "
        f"{stats['vehicles']:,} vehicles, {stats['persons']:,} persons "
        f"({hl.report.rejected:,} rows rejected)"
    )
    return 0


def _cmd_apply(args: argparse.Namespace) -> int:
    import hotlist
    from hotlist._snapshot import SIGNATURE

    signed = args.public_key is not None or (Path(args.snapshot) / SIGNATURE).exists()
    if signed and args.private_key is None:
        # Saving the new version unsigned would drop the signature that the
        # snapshot's readers check: refuse before anything changes.
        print(
            f"hotlist: {args.snapshot} is signed; give --private-key to sign the new "
            "version (it would otherwise be saved without a signature)",
            file=sys.stderr,
        )
        return 2
    hl = hotlist.open(
        args.snapshot, verify=True if args.verify else "checksum", public_key=args.public_key
    )
    delta = Path(args.delta)
    files: dict[str, Any] = {}
    if delta.is_file():
        dataset = args.dataset or next(
            (d for d in ("documents", "vehicles", "persons") if delta.name.lower().startswith(d)),
            None,
        )
        if dataset is None:
            print(f"{delta}: cannot tell the dataset from the file name; use --dataset")
            return 2
        files[dataset] = delta
        report = hl.apply(base_version=args.base_version, public_key=args.public_key, **files)
    else:
        report = hl.apply(delta, base_version=args.base_version, public_key=args.public_key)
    out = args.out or args.snapshot
    if report.applied:
        hl.save(out, overwrite=args.out is None or args.overwrite, private_key=args.private_key)
    elif args.out and args.out != args.snapshot:
        hl.save(out, overwrite=args.overwrite, private_key=args.private_key)
    if args.private_key is not None and args.public_key is not None:
        from hotlist._snapshot import verify

        verify(out, public_key=args.public_key)  # the new signature matches the key
    summary = report.summary()
    summary["snapshot"] = str(out)
    print(json.dumps(summary, indent=2))
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:
    from hotlist._snapshot import verify

    manifest = verify(args.snapshot, public_key=args.public_key)
    print(
        f"{args.snapshot}: ok, {len(manifest['files'])} files match the manifest "
        f"(data version {manifest['data_version']})"
    )
    return 0


def _cmd_info(args: argparse.Namespace) -> int:
    import datetime as dt

    from hotlist._snapshot import read_manifest

    manifest = read_manifest(args.snapshot)
    when = dt.datetime.fromisoformat(manifest["data_time"])
    info = {
        "snapshot": str(args.snapshot),
        "format_version": manifest["format_version"],
        "hotlist_version": manifest.get("hotlist_version"),
        "data_version": manifest["data_version"],
        "data_time": manifest["data_time"],
        "data_time_source": manifest.get("data_time_source"),
        "data_age_seconds": round((dt.datetime.now(dt.UTC) - when).total_seconds(), 1),
        "created_at": manifest.get("created_at"),
        "counts": manifest.get("counts"),
        "applied_deltas": len(manifest.get("applied_deltas", [])),
        "versions": [e["data_version"] for e in manifest.get("lineage", [])][-10:],
        "signed": (Path(args.snapshot) / "manifest.json.sig").is_file(),
        "sources": manifest.get("sources"),
        "files": len(manifest["files"]),
        "bytes": sum(int(f.get("bytes", 0)) for f in manifest["files"].values()),
    }
    if args.json:
        print(json.dumps(info, indent=2))
    else:
        for k, v in info.items():
            print(f"{k:>16}: {v}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from hotlist.engine import DEFAULT_LIMIT, DEFAULT_MAX_EDITS, DEFAULT_MIN_SCORE

    parser = argparse.ArgumentParser(
        prog="hotlist",
        description="Offline hotlist checks: stolen and lost travel documents, "
        "stolen vehicles, wanted persons.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    data_help = "folder with documents.*, vehicles.*, persons.* (default: the bundled sample data)"

    p = sub.add_parser(
        "demo",
        help="load the sample data and show a hit of each kind and a miss",
        description="Load the bundled sample data and run checks that show "
        "every match level, a person hit with its reasons, and a miss.",
    )
    p.add_argument("--data", help=data_help)
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser(
        "check",
        help="check one document, MRZ, vehicle or person",
        description="Check one query against the lists; flags are check()'s keywords.",
    )
    for flag, text in QUERY_FLAGS:
        p.add_argument(f"--{flag.replace('_', '-')}", dest=flag, help=text)
    p.add_argument("--data", help=data_help)
    p.add_argument(
        "--limit",
        type=int,
        default=DEFAULT_LIMIT,
        help=f"most hits shown (default {DEFAULT_LIMIT})",
    )
    p.add_argument(
        "--min-score",
        type=float,
        default=DEFAULT_MIN_SCORE,
        help=f"weakest hit shown (default {DEFAULT_MIN_SCORE})",
    )
    p.add_argument(
        "--max-edits",
        type=int,
        default=DEFAULT_MAX_EDITS,
        choices=(0, 1),
        help=f"edit tolerance for document numbers and VINs (default {DEFAULT_MAX_EDITS})",
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--exit-code", action="store_true", help="exit with status 1 on a hit")
    p.set_defaults(func=_cmd_check)

    p = sub.add_parser(
        "validate",
        help="read extracts and print the load report",
        description="Read extract files or folders and print what loads and "
        "what is rejected, row by row, with reasons.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="extract files or folders")
    p.add_argument(
        "--dataset",
        choices=("documents", "vehicles", "persons"),
        help="the dataset of the files, when their names do not say",
    )
    p.add_argument(
        "--mapping", help='JSON column mapping, e.g. \'{"documents": {"DIN": "document_number"}}\''
    )
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument(
        "--exit-code", action="store_true", help="exit with status 1 if rows are rejected"
    )
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser(
        "stats",
        help="counts, data version, memory",
        description="Load the data "
        "and print counts, data version and age, and bytes held, as JSON.",
    )
    p.add_argument("--data", help=data_help)
    p.set_defaults(func=_cmd_stats)

    p = sub.add_parser(
        "sql",
        help="query the lists with SQL (DuckDB)",
        description="Run SQL over the views documents, vehicles and persons.",
    )
    p.add_argument(
        "query", help='SQL text, e.g. "select status, count(*) from documents group by 1"'
    )
    p.add_argument("--data", help=data_help)
    p.add_argument("--json", action="store_true", help="print rows as JSON")
    p.add_argument("--max-rows", type=int, default=40, help="rows shown (default 40)")
    p.set_defaults(func=_cmd_sql)

    key_help = "Ed25519 public key file (PEM or raw); every file then needs a valid <file>.sig"
    sign_help = "Ed25519 private key file: sign the snapshot's manifest (manifest.json.sig)"
    p = sub.add_parser(
        "snapshot",
        help="load extracts and save a snapshot that opens instantly",
        description="Load the extracts in SOURCE and write a snapshot folder DEST "
        "(Arrow and numpy files, memory-mapped by hotlist.open), atomically.",
    )
    p.add_argument(
        "source", metavar="SOURCE", help="folder with documents.*, vehicles.*, persons.*"
    )
    p.add_argument("dest", metavar="DEST", help="snapshot folder to write")
    p.add_argument(
        "--mapping", help='JSON column mapping, e.g. \'{"documents": {"DIN": "document_number"}}\''
    )
    p.add_argument("--public-key", help=key_help)
    p.add_argument("--strict", action="store_true", help="refuse extracts with rejected rows")
    p.add_argument("--private-key", help=sign_help)
    p.add_argument("--overwrite", action="store_true", help="replace DEST if it is a snapshot")
    p.set_defaults(func=_cmd_snapshot)

    p = sub.add_parser(
        "apply",
        help="apply a delta (upserts and deletes) to a snapshot",
        description="Open SNAPSHOT, apply the delta extract(s) in DELTA (an op column "
        "says upsert or delete per record_id) and save the new data version, "
        "in place or to --out; a delta already applied changes nothing.",
    )
    p.add_argument("snapshot", metavar="SNAPSHOT", help="snapshot folder to update")
    p.add_argument(
        "delta",
        metavar="DELTA",
        help="delta folder (documents.*, vehicles.*, persons.*, optional delta.json) or one file",
    )
    p.add_argument("--out", metavar="NEW", help="write the new snapshot here (default: in place)")
    p.add_argument(
        "--dataset",
        choices=("documents", "vehicles", "persons"),
        help="the dataset of a delta file whose name does not say",
    )
    p.add_argument("--base-version", help="refuse unless the snapshot holds this data version")
    p.add_argument("--public-key", help=key_help)
    p.add_argument(
        "--private-key",
        help=sign_help + "; required when SNAPSHOT is signed, so the new version stays signed",
    )
    p.add_argument("--verify", action="store_true", help="check SNAPSHOT's SHA-256 values first")
    p.add_argument("--overwrite", action="store_true", help="replace --out if it exists")
    p.set_defaults(func=_cmd_apply)

    p = sub.add_parser(
        "verify",
        help="check a snapshot's files against its manifest",
        description="Check the size and SHA-256 of every file of SNAPSHOT against its "
        "manifest; exit status 2 and the names of the bad files if any differ.",
    )
    p.add_argument("snapshot", metavar="SNAPSHOT", help="snapshot folder")
    p.add_argument(
        "--public-key", help="Ed25519 public key: also check manifest.json.sig against it"
    )
    p.set_defaults(func=_cmd_verify)

    p = sub.add_parser(
        "info",
        help="data version, age, counts and files of a snapshot",
        description="Print what the manifest of SNAPSHOT says: data version and age, "
        "counts, deltas applied, sources, files and bytes.",
    )
    p.add_argument("snapshot", metavar="SNAPSHOT", help="snapshot folder")
    p.add_argument("--json", action="store_true", help="print as JSON")
    p.set_defaults(func=_cmd_info)

    from hotlist.serve._cli import add_commands as add_service_commands

    add_service_commands(sub)  # serve, keys (the service's code lives in hotlist.serve)
    from hotlist._stream import add_check_file_command

    add_check_file_command(sub)  # check-file: streaming a manifest of any size
    from hotlist.audit._cli import add_commands as add_audit_commands

    add_audit_commands(sub)  # audit verify, audit search
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except HotlistError as exc:
        print(f"hotlist: {exc}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
