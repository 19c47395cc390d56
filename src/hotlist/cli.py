"""The ``hotlist`` command: demo, check, validate, stats, sql; snapshot, apply, verify, info."""

from __future__ import annotations

import argparse
import errno
import json
import os
import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn

from hotlist._errors import HotlistError

__all__ = ["UsageError", "main", "sample_data_path"]


class UsageError(Exception):
    """A mistake on the command line: said in one line on stderr, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse with click/typer-style help (rich-argparse) and one-line errors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if "formatter_class" not in kwargs:
            from rich_argparse import RichHelpFormatter

            kwargs["formatter_class"] = RichHelpFormatter
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message} (see '{self.prog} --help')")


def json_argument(text: str) -> Any:
    """An argparse type: a JSON value, or a one-line usage error that says where it broke."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise argparse.ArgumentTypeError(
            f"not valid JSON ({exc.msg} at character {exc.pos + 1}): {text[:60]!r}"
        ) from None


def existing_path(text: str) -> Path:
    """An argparse type: a file or folder that exists ("no such file or folder" otherwise)."""
    path = Path(text)
    if not path.exists():
        raise argparse.ArgumentTypeError(f"no such file or folder: {text}")
    return path


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


def _load(data: str | Path | None, quiet: bool = False) -> Any:
    """The lists in ``--data``: a snapshot folder opens memory-mapped (well under a
    second); a folder of extracts is read and indexed (seconds per million records)."""
    import hotlist
    from hotlist._snapshot import is_snapshot

    folder = Path(data) if data else sample_data_path()
    if not folder.exists():
        raise UsageError(f"--data: no such file or folder: {folder}")
    if is_snapshot(folder):
        return hotlist.open(folder)
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
    console.rule("Load report")
    console.print(str(hl.report), highlight=False, soft_wrap=True)
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

    mapping = args.mapping
    per_dataset: dict[str, list[str]] = {"documents": [], "vehicles": [], "persons": []}
    folders = []
    for p in args.paths:
        path = Path(p)
        if not path.exists():
            raise UsageError(f"no such file or folder: {p}")
        if path.is_dir():
            folders.append(path)
            continue
        dataset = args.dataset or next(
            (d for d in per_dataset if path.name.lower().startswith(d)), None
        )
        if dataset is None:
            raise UsageError(
                f"{p}: cannot tell the dataset from the file name "
                "(documents*, vehicles*, persons*); give --dataset"
            )
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
    if args.json:
        print(json.dumps(hl.stats().to_dict(), indent=2, default=str))
    else:
        _console().print(hl.stats())
    return 0


def _cmd_sql(args: argparse.Namespace) -> int:
    import duckdb

    hl = _load(args.data, quiet=True)
    try:
        table = hl.sql(args.query).arrow()
    except duckdb.Error as exc:
        raise UsageError(f"hotlist sql: {str(exc).splitlines()[0]}") from None
    if args.json:
        print(json.dumps(table.to_pylist(), indent=2, default=str))
    else:
        _console().print(_arrow_table(table, args.max_rows))
    return 0


def _arrow_table(table: Any, max_rows: int) -> Any:
    """A rich table of the first ``max_rows`` rows of an Arrow table."""
    from rich.table import Table

    out = Table(
        show_lines=False, caption=f"{table.num_rows:,} rows" if table.num_rows else "no rows"
    )
    for field in table.schema:
        numeric = str(field.type).startswith(("int", "uint", "float", "double", "decimal"))
        out.add_column(field.name, justify="right" if numeric else "left")
    for row in table.slice(0, max_rows).to_pylist():
        out.add_row(
            *("" if v is None else f"{v:,}" if isinstance(v, int) else str(v) for v in row.values())
        )
    if table.num_rows > max_rows:
        out.caption = f"{max_rows:,} of {table.num_rows:,} rows (--max-rows)"
    return out


def _cell(value: Any) -> str:
    """One value as a table cell: dicts and lists on one line, counts with commas."""
    if value is None:
        return "-"
    if isinstance(value, dict):
        return ", ".join(f"{k} {_cell(v)}" for k, v in value.items()) or "-"
    if isinstance(value, list):
        return ", ".join(map(_cell, value)) or "-"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def _pairs_table(title: str, pairs: Any) -> Any:
    """A rich two-column table (what, value) for info, apply and snapshot summaries."""
    from rich.table import Table

    out = Table(title=title, show_header=False, title_justify="left")
    out.add_column(style="bold")
    out.add_column()
    for key, value in pairs:
        out.add_row(str(key).replace("_", " "), _cell(value))
    return out


def _cmd_snapshot(args: argparse.Namespace) -> int:
    import hotlist

    mapping = args.mapping
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
            raise UsageError(
                f"{delta}: cannot tell the dataset from the file name "
                "(documents*, vehicles*, persons*); give --dataset"
            )
        files[dataset] = delta
        report = hl.apply(base_version=args.base_version, public_key=args.public_key, **files)
    else:
        report = hl.apply(delta, base_version=args.base_version, public_key=args.public_key)
    out = args.out or args.snapshot
    if report.applied:
        hl.save(out, overwrite=args.out is None or args.overwrite, private_key=args.private_key)
    elif args.out and Path(args.out) != args.snapshot:
        hl.save(out, overwrite=args.overwrite, private_key=args.private_key)
    if args.private_key is not None and args.public_key is not None:
        from hotlist._snapshot import verify

        verify(out, public_key=args.public_key)  # the new signature matches the key
    summary = report.summary()
    summary["snapshot"] = str(out)
    if args.json:
        print(json.dumps(summary, indent=2, default=str))
    else:
        _console().print(_pairs_table("hotlist apply", summary.items()))
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
        _console().print(_pairs_table(f"snapshot {args.snapshot}", info.items()))
    return 0


def build_parser() -> argparse.ArgumentParser:
    from hotlist.engine import DEFAULT_LIMIT, DEFAULT_MAX_EDITS, DEFAULT_MIN_SCORE

    parser = _Parser(
        prog="hotlist",
        description="Offline hotlist checks: stolen and lost travel documents, "
        "stolen vehicles, wanted persons.",
    )
    from hotlist import __version__

    parser.add_argument("--version", action="version", version=f"hotlist {__version__}")
    sub = parser.add_subparsers(title="Commands", dest="command", required=True, metavar="COMMAND")
    data_help = (
        "a snapshot folder (opens memory-mapped, in well under a second) or a folder with "
        "documents.*, vehicles.*, persons.* (default: the bundled sample data)"
    )

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
        "--mapping",
        type=json_argument,
        help='JSON column mapping, e.g. \'{"documents": {"DIN": "document_number"}}\'',
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
        "and print counts, data version and age, and bytes held (a table; --json for JSON).",
    )
    p.add_argument("--data", help=data_help)
    p.add_argument("--json", action="store_true", help="print as JSON")
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
        "source",
        metavar="SOURCE",
        type=existing_path,
        help="folder with documents.*, vehicles.*, persons.*",
    )
    p.add_argument("dest", metavar="DEST", help="snapshot folder to write")
    p.add_argument(
        "--mapping",
        type=json_argument,
        help='JSON column mapping, e.g. \'{"documents": {"DIN": "document_number"}}\'',
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
    p.add_argument(
        "snapshot", metavar="SNAPSHOT", type=existing_path, help="snapshot folder to update"
    )
    p.add_argument(
        "delta",
        metavar="DELTA",
        type=existing_path,
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
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=_cmd_apply)

    p = sub.add_parser(
        "verify",
        help="check a snapshot's files against its manifest",
        description="Check the size and SHA-256 of every file of SNAPSHOT against its "
        "manifest; exit status 2 and the names of the bad files if any differ.",
    )
    p.add_argument("snapshot", metavar="SNAPSHOT", type=existing_path, help="snapshot folder")
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
    p.add_argument("snapshot", metavar="SNAPSHOT", type=existing_path, help="snapshot folder")
    p.add_argument("--json", action="store_true", help="print as JSON")
    p.set_defaults(func=_cmd_info)

    from hotlist.serve._cli import add_commands as add_service_commands

    add_service_commands(sub)  # serve, keys (the service's code lives in hotlist.serve)
    from hotlist._stream import add_check_file_command

    add_check_file_command(sub)  # check-file: streaming a manifest of any size
    from hotlist.audit._cli import add_commands as add_audit_commands

    add_audit_commands(sub)  # audit verify, audit search
    return parser


def _cli_words(message: str, options: set[str]) -> str:
    """Say the library's ``pass overwrite=True`` as the command's ``give --overwrite``."""
    import re

    def flag(match: re.Match[str]) -> str:
        option = "--" + match.group(1).replace("_", "-")
        return f"give {option}" if option in options else match.group(0)

    return re.sub(r"pass (\w+)=True", flag, message)


def _options(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> set[str]:
    """The option strings of the subcommand being run (for :func:`_cli_words`)."""
    words = list(sys.argv[1:] if argv is None else argv)
    options: set[str] = set()
    while parser._subparsers is not None:
        action = next(a for a in parser._subparsers._group_actions if a.choices)
        choices: dict[str, argparse.ArgumentParser] = action.choices  # type: ignore[assignment]
        name = next((w for w in words if w in choices), None)
        if name is None:
            break
        parser = choices[name]
        words = words[words.index(name) + 1 :]
        options = set(parser._option_string_actions)
    return options


def _say(line: str) -> int:
    """One line on stderr, exit status 2: how every user error ends."""
    print(" ".join(line.split()) if "\n" in line else line, file=sys.stderr)
    return 2


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``hotlist`` command; user errors are one line on stderr and status 2."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        code: int = args.func(args)
        sys.stdout.flush()
    except UsageError as exc:
        return _say(str(exc) if str(exc).startswith("hotlist") else f"hotlist: {exc}")
    except HotlistError as exc:
        return _say(f"hotlist: {_cli_words(str(exc), _options(parser, argv))}")
    except BrokenPipeError:
        # The reader went away (``hotlist info ... | head``): no traceback, and
        # nothing more written to the closed pipe when Python flushes at exit.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):
            pass  # stdout is not a file (captured in tests)
        return _say("hotlist: output closed early (broken pipe)")
    except OSError as exc:
        where = exc.filename if exc.filename is not None else ""
        if exc.errno == errno.ENOENT:
            return _say(f"hotlist: no such file or folder: {where}")
        return _say(f"hotlist: {where}: {exc.strerror or exc}")
    except KeyboardInterrupt:
        print("hotlist: interrupted", file=sys.stderr)
        return 130
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
