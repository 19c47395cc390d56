"""The ``hotlist serve`` and ``hotlist keys`` commands (registered by ``hotlist.cli``)."""

from __future__ import annotations

import argparse
import dataclasses
import sys

from hotlist._commands import KEYS, PUBLIC_KEY, Commands, Flag, UsageError, command, subcommands
from hotlist.audit import AuditLog
from hotlist.serve import INSTALL_HINT, Limits, create_app
from hotlist.serve._keys import DEFAULT_BURST, DEFAULT_RATE, KeyStore, add_key, remove_key

__all__ = ["add_commands"]


def _cmd_serve(args: argparse.Namespace) -> int:
    try:
        # uvicorn, msgspec and prometheus-client come with the service's extra.
        from hotlist.serve import _server  # noqa: PLC0415 - lazy optional import (hotlist[serve])
    except ImportError:
        raise UsageError(INSTALL_HINT) from None
    if args.client_ca and not args.tls_cert:
        raise UsageError("--client-ca needs --tls-cert and --tls-key")
    if bool(args.tls_cert) != bool(args.tls_key):
        raise UsageError("give both --tls-cert and --tls-key")
    if args.path is None and args.watch is None:
        raise UsageError("give PATH (a snapshot or extract folder) or --watch DIR")
    audit = None
    if args.audit:
        if not args.audit_secret:
            raise UsageError("--audit needs --audit-secret FILE")
        audit = AuditLog(
            args.audit,
            secret=_server.read_secret(args.audit_secret),
            signing_key=args.audit_signing_key,
        )
    app = create_app(
        args.path,
        keys=args.keys,
        watch=args.watch,
        audit=audit,
        max_age=args.max_age,
        public_key=args.public_key,
        watch_interval=args.watch_interval,
        tls_operator=bool(args.client_ca),
        limits=Limits(
            max_batch_rows=args.max_batch,
            request_seconds=args.request_timeout,
            batch_chunk=args.batch_chunk,
            max_batches=args.max_batches,
        ),
    )
    names = [f.name for f in dataclasses.fields(_server.ServerOptions)]
    options = _server.ServerOptions(**{name: getattr(args, name) for name in names})
    _server.run(app, options)
    return 0


def _cmd_keys_add(args: argparse.Namespace) -> int:
    key = add_key(
        args.keys,
        args.name,
        role=args.role,
        purpose=args.purpose,
        post=args.post,
        rate=args.rate,
        burst=args.burst,
    )
    print(key)
    print(
        f"key {args.name!r} added to {args.keys} (role {args.role}, post {args.post}); "
        "it is shown only this once: store it now",
        file=sys.stderr,
    )
    return 0


def _cmd_keys_list(args: argparse.Namespace) -> int:
    for k in KeyStore.read(args.keys).keys:
        print(f"{k.name}\trole={k.role}\tpurpose={k.purpose}\tpost={k.post}\trate={k.rate:g}/s")
    return 0


def _cmd_keys_remove(args: argparse.Namespace) -> int:
    if not remove_key(args.keys, args.name):
        raise UsageError(f"hotlist keys remove: no key named {args.name!r} in {args.keys}")
    print(f"key {args.name!r} removed; send the service SIGHUP to drop it now")
    return 0


def _seconds(name: str, help: str, default: float | None = None) -> Flag:
    return Flag(name, type=float, metavar="SECONDS", default=default, help=help)


def _count(name: str, metavar: str, default: int, help: str) -> Flag:
    return Flag(name, type=int, metavar=metavar, default=default, help=help)


def _file(name: str, help: str) -> Flag:
    return Flag(name, metavar="FILE", help=help)


SERVE_FLAGS = (
    Flag("path", nargs="?", metavar="PATH", help="snapshot or extract folder"),
    Flag("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"),
    Flag("--port", type=int, default=8080, help="port (default 8080)"),
    KEYS,
    Flag("--audit", metavar="DIR", help="write the audit log to this folder"),
    _file("--audit-secret", "file holding the audit secret"),
    _file(
        "--audit-signing-key",
        "Ed25519 private key that signs the audit log's checkpoints and receipts",
    ),
    _file("--tls-cert", "server certificate (PEM): serve HTTPS"),
    _file("--tls-key", "server private key (PEM)"),
    _file(
        "--client-ca",
        "CA (PEM) of client certificates: mutual TLS; the certificate subject is the operator",
    ),
    _seconds("--max-age", "data older than this is stale: a warning on results, /readyz not ready"),
    PUBLIC_KEY.but(help="Ed25519 key: data must be signed (and is verified)"),
    Flag("--watch", metavar="DIR", help="serve the newest snapshot in DIR, reloading on change"),
    _seconds("--watch-interval", "seconds between looks (default 2)", 2.0),
    _count("--max-batch", "ROWS", 100_000, "most queries per check-many (default 100000)"),
    _seconds(
        "--request-timeout",
        "seconds a request may take to arrive and a check-many to answer (default 30)",
        30.0,
    ),
    _count(
        "--max-batches",
        "N",
        4,
        "check-many requests served at once; more get 503 with Retry-After (default 4)",
    ),
    _count(
        "--batch-chunk",
        "ROWS",
        2_000,
        "most queries per streamed step of a check-many (steps aim at 0.25 s; default 2000)",
    ),
    Flag(
        "--log-level",
        default="warning",
        metavar="LEVEL",
        help="uvicorn log level (default warning)",
    ),
    Flag("--access-log", action="store_true", help="log every request"),
)


def add_commands(sub: Commands) -> None:
    """Add ``serve`` and ``keys`` to the ``hotlist`` command's subparsers."""
    command(
        sub, "serve", _cmd_serve, "run the check service (HTTP API; extra hotlist[serve])",
        "Serve checks over HTTP: POST /v1/check, /v1/check-many; GET /v1/status, /healthz, "
        "/readyz, /metrics, /openapi.json, /docs. Every request needs an API key "
        "(Authorization: Bearer KEY) from the keys file. SIGHUP reloads the data and the keys.",
        *SERVE_FLAGS,
    )  # fmt: skip
    keys = command(
        sub, "keys", None, "API keys of the check service: add, list, remove",
        "Manage the service's keys file: only hashes are stored; a new key is printed once.",
    )  # fmt: skip
    actions = subcommands(keys, "keys_command", "add, list or remove")
    name = Flag("name", metavar="NAME", help="key name")
    command(
        actions, "add", _cmd_keys_add, "add a key and print it once",
        "Add a key for NAME with the session it opens (role, purpose, post).",
        name.but(help="key name, the operator by default (gate-cdg-01)"),
        Flag("--role", required=True, help="role of the session, e.g. frontline, analyst"),
        Flag("--purpose", required=True, help='purpose, e.g. "border control"'),
        Flag("--post", required=True, help="post, e.g. CDG-T2"),
        KEYS.but(help="keys file (created if missing)"),
        Flag("--rate", type=float, default=DEFAULT_RATE,
             help=f"requests per second (default {DEFAULT_RATE:g}; 0: no limit)"),
        Flag("--burst", type=int, default=DEFAULT_BURST,
             help=f"burst (default {DEFAULT_BURST})"),
    )  # fmt: skip
    command(
        actions, "list", _cmd_keys_list, "list the keys (names and sessions, never keys)",
        None, KEYS,
    )  # fmt: skip
    command(actions, "remove", _cmd_keys_remove, "remove a key", None, name, KEYS)
