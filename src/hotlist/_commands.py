"""What every ``hotlist`` subcommand is built from: the parser, the shared flags, registration.

``hotlist.cli``, ``hotlist.serve._cli``, ``hotlist.audit._cli`` and
``hotlist._stream`` declare their subcommands with :func:`command`: a name, the
function that runs it, its help and description, and its :class:`Flag` s.
Flags used by several commands (``--data``, ``--json``, ``--public-key``,
``--keys``...) are declared once here, and the ``check`` command's query flags
are generated from the one table of query fields (:mod:`hotlist.fields`).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, NoReturn, TypeAlias

from rich_argparse import RichHelpFormatter

from hotlist.fields import QueryField, all_fields

__all__ = [
    "DATA",
    "KEYS",
    "OVERWRITE",
    "PUBLIC_KEY",
    "Commands",
    "Flag",
    "Parser",
    "UsageError",
    "command",
    "dataset_names",
    "existing_path",
    "json_argument",
    "json_flag",
    "mapping_flag",
    "query_flags",
    "subcommands",
]


class UsageError(Exception):
    """A mistake on the command line: said in one line on stderr, exit status 2."""


class Parser(argparse.ArgumentParser):
    """argparse with click/typer-style help (rich-argparse) and one-line errors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", RichHelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message} (see '{self.prog} --help')")


# The subparsers of a command (argparse has no public name for this type).
Commands: TypeAlias = "argparse._SubParsersAction[Parser]"
Handler = Callable[[argparse.Namespace], int]


def json_argument(text: str) -> object:
    """An argparse type: a JSON value, or a one-line usage error that says where it broke."""
    try:
        value: object = json.loads(text)
    except json.JSONDecodeError as exc:
        raise argparse.ArgumentTypeError(
            f"not valid JSON ({exc.msg} at character {exc.pos + 1}): {text[:60]!r}"
        ) from None
    return value


def existing_path(text: str) -> Path:
    """An argparse type: a file or folder that exists ("no such file or folder" otherwise)."""
    path = Path(text)
    if not path.exists():
        raise argparse.ArgumentTypeError(f"no such file or folder: {text}")
    return path


class Flag:
    """One argument of a subcommand: what ``add_argument(*names, **options)`` takes."""

    __slots__ = ("names", "options")

    def __init__(self, *names: str, **options: Any) -> None:
        self.names = names
        self.options: Mapping[str, Any] = options

    def but(self, **options: Any) -> Flag:
        """The same flag with some options changed (another help text, required...)."""
        return Flag(*self.names, **{**self.options, **options})


def subcommands(parser: argparse.ArgumentParser, dest: str, what: str) -> Commands:
    """The required subcommands of ``parser``, chosen into ``args.<dest>``."""
    subs: Commands = parser.add_subparsers(  # type: ignore[assignment]
        dest=dest, required=True, metavar="ACTION", help=what
    )
    return subs


def command(
    sub: Commands,
    name: str,
    run: Handler | None,
    help: str,
    description: str | None = None,
    *flags: Flag,
) -> Parser:
    """Add subcommand ``name`` with its flags; ``run(args)`` returns the exit status.

    ``description`` (the longer text of ``hotlist NAME --help``) is ``help`` when None."""
    p: Parser = sub.add_parser(name, help=help, description=description or help)
    for f in flags:
        p.add_argument(*f.names, **f.options)
    if run is not None:
        p.set_defaults(func=run)
    return p


def dataset_names() -> tuple[str, ...]:
    """The dataset kinds that answer a query field, in the field table's order."""
    return tuple(dict.fromkeys(kind for f in all_fields() for kind in f.kinds))


def query_flags(fields: Iterable[QueryField] | None = None) -> tuple[Flag, ...]:
    """One flag per query field (``--document``, ``--family-name``...), help from the table."""
    return tuple(
        Flag(f"--{f.name.replace('_', '-')}", dest=f.name, metavar=f.metavar, help=f.help)
        for f in (all_fields() if fields is None else fields)
    )


def json_flag(what: str) -> Flag:
    """``--json``: print ``what`` as JSON."""
    return Flag("--json", action="store_true", help=f"print {what} as JSON")


def mapping_flag() -> Flag:
    """``--mapping JSON``: extract column names to canonical ones."""
    return Flag(
        "--mapping",
        type=json_argument,
        help='JSON column mapping, e.g. \'{"documents": {"DIN": "document_number"}}\'',
    )


DATA = Flag(
    "--data",
    help="a snapshot folder (opens memory-mapped, in well under a second) or a folder with "
    "documents.*, vehicles.*, persons.* (default: the bundled sample data)",
)
PUBLIC_KEY = Flag(
    "--public-key",
    metavar="FILE",
    help="Ed25519 public key file (PEM or raw); every file then needs a valid <file>.sig",
)
KEYS = Flag(
    "--keys", required=True, metavar="FILE", help="keys file (TOML) made by `hotlist keys add`"
)
OVERWRITE = Flag("--overwrite", action="store_true", help="replace the output if it exists")
