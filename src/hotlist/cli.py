"""The ``hotlist`` command: demo, check, validate, stats, sql; snapshot, apply, verify, info.

The ``serve`` and ``keys`` commands live in :mod:`hotlist.serve`, ``audit`` in
:mod:`hotlist.audit`, ``check-file`` in :mod:`hotlist._checkfile`; every command is
declared with :func:`hotlist._commands.command`, and ``check``'s query flags
come from the one table of query fields (:mod:`hotlist.fields`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import json
import os
import re
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import hotlist
from hotlist import _checkfile
from hotlist._cli_output import arrow_table, console, pairs_table
from hotlist._commands import (
    DATA,
    OVERWRITE,
    PUBLIC_KEY,
    Flag,
    Parser,
    UsageError,
    command,
    dataset_names,
    existing_path,
    json_flag,
    mapping_flag,
    query_flags,
)
from hotlist._errors import HotlistError
from hotlist._present import result_table
from hotlist._sample import sample_data_path
from hotlist._snapshot import SIGNATURE, is_snapshot, read_manifest, verify
from hotlist.audit import _cli as audit_cli
from hotlist.engine import DEFAULT_LIMIT, DEFAULT_MAX_EDITS, DEFAULT_MIN_SCORE, Hotlist
from hotlist.extracts import load_datasets
from hotlist.fields import BUILTIN_NAMES, all_fields
from hotlist.serve import _cli as serve_cli

__all__ = [
    "INTERNAL_ERROR",
    "WARNED_MISS",
    "UsageError",
    "build_parser",
    "main",
    "sample_data_path",
]

# the exit status of a failure that is not the user's (a bug): no documented status means it
INTERNAL_ERROR = 3
# `check --exit-code`: no hit, but the result carries a warning
WARNED_MISS = 4

# What `hotlist demo` shows: (title, check() keywords).  The records are
# hand-placed in the bundled sample data (see sample_data/README.md).
DEMO_CHECKS: tuple[tuple[str, dict[str, Any]], ...] = (  # Any: splatted into check()
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


def _load(data: str | Path | None, quiet: bool = False) -> Hotlist:
    """The lists in ``--data``: a snapshot folder opens memory-mapped (well under a
    second); a folder of extracts is read and indexed (seconds per million records)."""
    folder = Path(data) if data else sample_data_path()
    if not folder.exists():
        raise UsageError(f"--data: no such file or folder: {folder}")
    if is_snapshot(folder):
        return hotlist.open(folder)
    return hotlist.load(folder, progress=None if not quiet else False)


def _dataset_of(path: Path, given: str | None) -> str:
    """The dataset a file holds: ``--dataset``, else the start of its name."""
    names = dataset_names()
    found = given or next((d for d in names if path.name.lower().startswith(d)), None)
    if found is None:
        stems = ", ".join(f"{d}*" for d in names)
        raise UsageError(
            f"{path}: cannot tell the dataset from the file name ({stems}); give --dataset"
        )
    return found


def _cmd_demo(args: argparse.Namespace) -> int:
    out = console()
    hl = _load(args.data)
    stats = hl.stats()
    out.print(
        f"[bold]hotlist demo[/] on {stats['sources'] and Path(stats['sources'][0]).parent}: "
        f"{stats['documents']:,} documents, {stats['vehicles']:,} vehicles, "
        f"{stats['persons']:,} persons; data version {stats['data_version']}"
    )
    for title, query in DEMO_CHECKS:
        out.rule(title)
        out.print(f"hl.check({', '.join(f'{k}={v!r}' for k, v in query.items())})")
        out.print(result_table(hl.check(**query)))
    out.rule("Load report")
    out.print(str(hl.report), highlight=False, soft_wrap=True)
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    # check()'s keywords: the built-in fields by name, registered ones through extra=.
    # (Any: a dict splatted into check() must fit its int and float options too.)
    keywords: dict[str, Any] = {}
    for spec in all_fields():
        value = getattr(args, spec.name)
        if value is None:
            continue
        if spec.name in BUILTIN_NAMES:
            keywords[spec.name] = value
        else:
            keywords.setdefault("extra", {})[spec.name] = value
    hl = _load(args.data, quiet=args.json)
    result = hl.check(
        **keywords, limit=args.limit, min_score=args.min_score, max_edits=args.max_edits
    )
    if args.json:
        print(result.model_dump_json(indent=2))
    else:
        console().print(result_table(result))
    if not args.exit_code:
        return 0
    if result.hit:
        return 1
    # a miss with a word (a list not loaded, namesakes held back, stale data...) is not
    # a clean miss: a script must not read it as one
    return WARNED_MISS if result.warnings else 0


def _cmd_validate(args: argparse.Namespace) -> int:
    per_dataset: dict[str, list[str]] = {}
    folders = []
    for p in args.paths:
        path = Path(p)
        if not path.exists():
            raise UsageError(f"no such file or folder: {p}")
        if path.is_dir():
            folders.append(path)
        else:
            per_dataset.setdefault(_dataset_of(path, args.dataset), []).append(str(path))
    reports = [load_datasets(folder, mapping=args.mapping)[1] for folder in folders]
    if per_dataset:
        reports.append(load_datasets(None, mapping=args.mapping, **per_dataset)[1])  # type: ignore[arg-type]
    for report in reports:
        print(report.model_dump_json(indent=2) if args.json else report)
    bad = sum(report.rejected for report in reports)
    return 1 if bad and args.exit_code else 0


def _cmd_stats(args: argparse.Namespace) -> int:
    hl = _load(args.data, quiet=True)
    if args.json:
        print(json.dumps(hl.stats().to_dict(), indent=2, default=str))
    else:
        console().print(hl.stats())
    return 0


def _cmd_sql(args: argparse.Namespace) -> int:
    # Loaded on demand, as by hotlist._sql: a third of a second that no other command needs.
    import duckdb  # noqa: PLC0415 - lazy optional import (duckdb)

    hl = _load(args.data, quiet=True)
    try:
        table = hl.sql(args.query).arrow()
    except duckdb.Error as exc:
        raise UsageError(f"hotlist sql: {str(exc).splitlines()[0]}") from None
    if args.json:
        print(json.dumps(table.to_pylist(), indent=2, default=str))
    else:
        console().print(arrow_table(table, args.max_rows))
    return 0


def _cmd_snapshot(args: argparse.Namespace) -> int:
    hl = hotlist.load(
        args.source,
        mapping=args.mapping,
        public_key=args.public_key,
        strict=args.strict,
        progress=None,
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
    signed = args.public_key is not None or (Path(args.snapshot) / SIGNATURE).exists()
    if signed and args.private_key is None:
        # Saving the new version unsigned would drop the signature that the
        # snapshot's readers check: refuse before anything changes.
        raise UsageError(
            f"{args.snapshot} is signed; give --private-key to sign the new "
            "version (it would otherwise be saved without a signature)"
        )
    hl = hotlist.open(
        args.snapshot, verify=True if args.verify else "checksum", public_key=args.public_key
    )
    delta = Path(args.delta)
    if delta.is_file():
        files = {_dataset_of(delta, args.dataset): delta}
        report = hl.apply(base_version=args.base_version, public_key=args.public_key, **files)  # type: ignore[arg-type]
    else:
        report = hl.apply(delta, base_version=args.base_version, public_key=args.public_key)
    out = args.out or args.snapshot
    if report.applied:
        hl.save(out, overwrite=args.out is None or args.overwrite, private_key=args.private_key)
    elif args.out and Path(args.out) != args.snapshot:
        hl.save(out, overwrite=args.overwrite, private_key=args.private_key)
    if args.private_key is not None and args.public_key is not None:
        verify(out, public_key=args.public_key)  # the new signature matches the key
    summary = report.summary()
    summary["snapshot"] = str(out)
    if args.json:
        print(json.dumps(summary, indent=2, default=str))
    else:
        console().print(pairs_table("hotlist apply", summary.items()))
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:
    manifest = verify(args.snapshot, public_key=args.public_key)
    print(
        f"{args.snapshot}: ok, {len(manifest['files'])} files match the manifest "
        f"(data version {manifest['data_version']})"
    )
    return 0


def _cmd_info(args: argparse.Namespace) -> int:
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
        "signed": (Path(args.snapshot) / SIGNATURE).is_file(),
        "sources": manifest.get("sources"),
        "files": len(manifest["files"]),
        "bytes": sum(int(f.get("bytes", 0)) for f in manifest["files"].values()),
    }
    if args.json:
        print(json.dumps(info, indent=2))
    else:
        console().print(pairs_table(f"snapshot {args.snapshot}", info.items()))
    return 0


def _check_options() -> tuple[Flag, ...]:
    return (
        Flag(
            "--limit",
            type=int,
            default=DEFAULT_LIMIT,
            help=f"most hits shown (default {DEFAULT_LIMIT})",
        ),
        Flag(
            "--min-score",
            type=float,
            default=DEFAULT_MIN_SCORE,
            help=f"weakest hit shown (default {DEFAULT_MIN_SCORE})",
        ),
        Flag(
            "--max-edits",
            type=int,
            default=DEFAULT_MAX_EDITS,
            choices=(0, 1),
            help=f"edit tolerance for document numbers and VINs (default {DEFAULT_MAX_EDITS})",
        ),
    )


def build_parser() -> Parser:
    """The ``hotlist`` command's parser; ``check``'s query flags are read from
    :func:`hotlist.fields.all_fields` now, so registered fields are flags too."""
    parser = Parser(
        prog="hotlist",
        description="Offline hotlist checks: stolen and lost travel documents, "
        "stolen vehicles, wanted persons.",
    )
    parser.add_argument("--version", action="version", version=f"hotlist {hotlist.__version__}")
    sub = parser.add_subparsers(title="Commands", dest="command", required=True, metavar="COMMAND")
    snapshot = Flag("snapshot", metavar="SNAPSHOT", type=existing_path, help="snapshot folder")
    sign = Flag(
        "--private-key",
        metavar="FILE",
        help="Ed25519 private key file: sign the snapshot's manifest (manifest.json.sig)",
    )
    dataset = Flag(
        "--dataset", choices=dataset_names(), help="the dataset of files whose names do not say"
    )
    exit_code = Flag(
        "--exit-code",
        action="store_true",
        help=f"exit with status 1 on a hit, {WARNED_MISS} on no hit with a warning "
        "(a listed record may be missing: read the warnings), 0 on a clean miss",
    )
    command(
        sub, "demo", _cmd_demo, "load the sample data and show a hit of each kind and a miss",
        "Load the bundled sample data and run checks that show every match level, a person "
        "hit with its reasons, and a miss.",
        DATA,
    )  # fmt: skip
    command(
        sub, "check", _cmd_check, "check one document, MRZ, vehicle or person",
        "Check one query against the lists; flags are check()'s keywords.",
        *query_flags(), DATA, *_check_options(), json_flag("the result"), exit_code,
    )  # fmt: skip
    command(
        sub, "validate", _cmd_validate, "read extracts and print the load report",
        "Read extract files or folders and print what loads and what is rejected, row by "
        "row, with reasons.",
        Flag("paths", nargs="+", metavar="PATH", help="extract files or folders"),
        dataset, mapping_flag(), json_flag("the report"),
        exit_code.but(help="exit with status 1 if rows are rejected"),
    )  # fmt: skip
    command(
        sub, "stats", _cmd_stats, "counts, data version, memory",
        "Load the data and print counts, data version and age, and bytes held (a table; "
        "--json for JSON).",
        DATA, json_flag("the figures"),
    )  # fmt: skip
    command(
        sub, "sql", _cmd_sql, "query the lists with SQL (DuckDB)",
        "Run SQL over the views documents, vehicles and persons.",
        Flag("query", help="SQL text, e.g. 'select count(*) from documents group by status'"),
        DATA, json_flag("rows"),
        Flag("--max-rows", type=int, default=40, help="rows shown (default 40)"),
    )  # fmt: skip
    command(
        sub, "snapshot", _cmd_snapshot, "load extracts and save a snapshot that opens instantly",
        "Load the extracts in SOURCE and write a snapshot folder DEST (Arrow and numpy files, "
        "memory-mapped by hotlist.open), atomically.",
        Flag("source", metavar="SOURCE", type=existing_path,
             help="folder with documents.*, vehicles.*, persons.*"),
        Flag("dest", metavar="DEST", help="snapshot folder to write"),
        mapping_flag(), PUBLIC_KEY, sign,
        Flag("--strict", action="store_true", help="refuse extracts with rejected rows"),
        OVERWRITE.but(help="replace DEST if it is a snapshot"),
    )  # fmt: skip
    command(
        sub, "apply", _cmd_apply, "apply a delta (upserts and deletes) to a snapshot",
        "Open SNAPSHOT, apply the delta extract(s) in DELTA (an op column says upsert or "
        "delete per record_id) and save the new data version, in place or to --out; a delta "
        "already applied changes nothing.",
        snapshot.but(help="snapshot folder to update"),
        Flag("delta", metavar="DELTA", type=existing_path,
             help="delta folder (documents.*, vehicles.*, persons.*, optional delta.json) "
             "or one file"),
        Flag("--out", metavar="NEW", help="write the new snapshot here (default: in place)"),
        dataset,
        Flag("--base-version", help="refuse unless the snapshot holds this data version"),
        PUBLIC_KEY,
        sign.but(help=f"{sign.options['help']}; required when SNAPSHOT is signed, so the "
                 "new version stays signed"),
        Flag("--verify", action="store_true", help="check SNAPSHOT's SHA-256 values first"),
        OVERWRITE.but(help="replace --out if it exists"), json_flag("the summary"),
    )  # fmt: skip
    command(
        sub, "verify", _cmd_verify, "check a snapshot's files against its manifest",
        "Check the size and SHA-256 of every file of SNAPSHOT against its manifest; exit "
        "status 2 and the names of the bad files if any differ.",
        snapshot, PUBLIC_KEY.but(help="Ed25519 public key: also check manifest.json.sig"),
    )  # fmt: skip
    command(
        sub, "info", _cmd_info, "data version, age, counts and files of a snapshot",
        "Print what the manifest of SNAPSHOT says: data version and age, counts, deltas "
        "applied, sources, files and bytes.",
        snapshot, json_flag("the manifest summary"),
    )  # fmt: skip
    serve_cli.add_commands(sub)  # serve, keys (the service's code lives in hotlist.serve)
    _checkfile.add_check_file_command(sub)  # check-file: streaming a manifest of any size
    audit_cli.add_commands(sub)  # audit verify, audit search
    return parser


def _cli_words(message: str, options: set[str]) -> str:
    """Say the library's ``pass overwrite=True`` as the command's ``give --overwrite``."""

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
    except Exception as exc:  # any other failure is a bug: said, and status 3
        # Python's own status for an uncaught exception is 1, which `check --exit-code`
        # documents as "a hit" and `check-file` as "done, some rows unread": a crash
        # must read as neither.
        traceback.print_exc()
        print(
            f"hotlist: failed with an internal error ({type(exc).__name__}); nothing more "
            "was done and no result file was written. Please report it with the lines above.",
            file=sys.stderr,
        )
        return INTERNAL_ERROR
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
