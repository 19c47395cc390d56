"""``hotlist audit verify DIR`` and ``hotlist audit search DIR --document N``."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from hotlist._commands import (
    PUBLIC_KEY,
    Commands,
    Flag,
    UsageError,
    command,
    json_flag,
    query_flags,
    subcommands,
)
from hotlist._errors import HotlistError
from hotlist.audit._verify import search, verify
from hotlist.fields import field

__all__ = ["add_commands"]

SECRET_ENV = "HOTLIST_AUDIT_SECRET"
_SEARCH_FIELDS = ("document", "country", "mrz", "vin", "plate", "name", "dob")


def _secret(args: argparse.Namespace) -> bytes:
    if args.secret_file:
        return Path(args.secret_file).read_bytes()
    env = os.environ.get(SECRET_ENV)
    if env:
        return env.encode()
    raise HotlistError(
        f"the audit log holds only keyed hashes: give the deployment secret with "
        f"--secret-file FILE or the environment variable {SECRET_ENV}"
    )


def _cmd_verify(args: argparse.Namespace) -> int:
    if not Path(args.log).is_dir():
        raise UsageError(f"hotlist audit verify: no such folder: {args.log}")
    report = verify(args.log, public_key=args.public_key)
    if args.json:
        print(json.dumps(report.__dict__, indent=2, default=str))
    else:
        print(report.summary())
    return 0 if report.ok else 1


def _cmd_search(args: argparse.Namespace) -> int:
    values: dict[str, Any] = {f: getattr(args, f) for f in _SEARCH_FIELDS if getattr(args, f)}
    if not values:
        raise HotlistError("give what to search for, e.g. --document L898902C3")
    found = search(args.log, _secret(args), **values)
    if args.json:
        for hit in found:
            print(json.dumps({**hit.entry, "decisions": hit.decisions}, ensure_ascii=False))
    else:
        asked = ", ".join(f"{k}={v}" for k, v in values.items())
        if not found:
            print(f"not found: no check of {asked} in {args.log}")
        else:
            print(f"{len(found)} check(s) of {asked}:")
            for hit in found:
                print("  " + hit.text())
    return 0 if found else 1


def add_commands(sub: Commands) -> None:
    """Add ``audit verify`` and ``audit search`` to the ``hotlist`` command."""
    audit = command(
        sub, "audit", None, "verify or search an audit log",
        "Verify the hash chain and signed checkpoints of an audit log, or search it for the "
        "checks of a document, VIN, plate or name.",
    )  # fmt: skip
    actions = subcommands(audit, "audit_command", "verify or search")
    log = Flag("log", metavar="LOG", help="audit log folder")
    command(
        actions, "verify", _cmd_verify,
        "check that no entry was edited, deleted, inserted, moved or truncated",
        "Walk the hash chain of the audit log in LOG and check every checkpoint (and, with "
        "--public-key, its Ed25519 signature). Exit status 0 when intact, 1 at the first "
        "problem (printed with its file, line and entry).",
        log, PUBLIC_KEY.but(help="Ed25519 public key (PEM, raw, base64 or a key file)"),
        json_flag("the report"),
    )  # fmt: skip
    command(
        actions, "search", _cmd_search,
        "was this document / vehicle / person checked: when, where, result",
        "Find every logged check of the values given (matched through their keyed hashes; "
        f"needs --secret-file or ${SECRET_ENV}). Exit status 0 when found, 1 when not.",
        log, *query_flags(field(name) for name in _SEARCH_FIELDS),
        Flag("--secret-file", metavar="FILE", help="file holding the deployment's audit secret"),
        json_flag("one entry a line"),
    )  # fmt: skip
