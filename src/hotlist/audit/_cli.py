"""``hotlist audit verify DIR`` and ``hotlist audit search DIR --document N``."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from hotlist._errors import HotlistError

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
    from pathlib import Path

    from hotlist.audit import verify
    from hotlist.cli import UsageError

    if not Path(args.log).is_dir():
        raise UsageError(f"hotlist audit verify: no such folder: {args.log}")
    report = verify(args.log, public_key=args.public_key)
    if args.json:
        print(json.dumps(report.__dict__, indent=2, default=str))
    else:
        print(report.summary())
    return 0 if report.ok else 1


def _cmd_search(args: argparse.Namespace) -> int:
    from hotlist.audit import search

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


def add_commands(sub: Any) -> None:
    """Add ``audit verify`` and ``audit search`` to the ``hotlist`` command."""
    p = sub.add_parser(
        "audit",
        help="verify or search an audit log",
        description="Verify the hash chain and signed checkpoints of an audit log, or "
        "search it for the checks of a document, VIN, plate or name.",
    )
    audit_sub = p.add_subparsers(
        dest="audit_command", required=True, metavar="ACTION", help="verify or search"
    )
    v = audit_sub.add_parser(
        "verify",
        help="check that no entry was edited, deleted, inserted, moved or truncated",
        description="Walk the hash chain of the audit log in LOG and check every "
        "checkpoint (and, with --public-key, its Ed25519 signature). Exit status 0 "
        "when intact, 1 at the first problem (printed with its file, line and entry).",
    )
    v.add_argument("log", metavar="LOG", help="audit log folder")
    v.add_argument("--public-key", help="Ed25519 public key (PEM, raw, base64 or a key file)")
    v.add_argument("--json", action="store_true", help="print the report as JSON")
    v.set_defaults(func=_cmd_verify)
    s = audit_sub.add_parser(
        "search",
        help="was this document / vehicle / person checked: when, where, result",
        description="Find every logged check of the values given (matched through their "
        f"keyed hashes; needs --secret-file or ${SECRET_ENV}). Exit status 0 when found, "
        "1 when not.",
    )
    s.add_argument("log", metavar="LOG", help="audit log folder")
    for field in _SEARCH_FIELDS:
        s.add_argument(f"--{field}", help=f"the {field} asked")
    s.add_argument("--secret-file", help="file holding the deployment's audit secret")
    s.add_argument("--json", action="store_true", help="one JSON entry a line")
    s.set_defaults(func=_cmd_search)
