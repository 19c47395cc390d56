"""The ``hotlist serve`` and ``hotlist keys`` commands (registered by ``hotlist.cli``)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

__all__ = ["add_commands"]


def _cmd_serve(args: argparse.Namespace) -> int:
    from hotlist.serve import INSTALL_HINT

    try:
        from hotlist.serve import create_app
        from hotlist.serve._server import ServerOptions, read_secret, run
    except ImportError:
        print(f"hotlist: {INSTALL_HINT}", file=sys.stderr)
        return 2
    if args.client_ca and not args.tls_cert:
        print("hotlist: --client-ca needs --tls-cert and --tls-key", file=sys.stderr)
        return 2
    if bool(args.tls_cert) != bool(args.tls_key):
        print("hotlist: give both --tls-cert and --tls-key", file=sys.stderr)
        return 2
    if args.path is None and args.watch is None:
        print("hotlist: give PATH (a snapshot or extract folder) or --watch DIR", file=sys.stderr)
        return 2
    audit: Any = None
    if args.audit:
        if not args.audit_secret:
            print("hotlist: --audit needs --audit-secret FILE", file=sys.stderr)
            return 2
        import hotlist

        audit_log = getattr(hotlist, "AuditLog", None)
        if audit_log is None:
            print("hotlist: this hotlist has no audit log yet (hotlist.AuditLog)", file=sys.stderr)
            return 2
        audit = audit_log(
            args.audit,
            secret=read_secret(args.audit_secret),
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
        max_batch_rows=args.max_batch,
        request_seconds=args.request_timeout,
        batch_chunk=args.batch_chunk,
        max_batches=args.max_batches,
    )
    run(
        app,
        ServerOptions(
            host=args.host,
            port=args.port,
            tls_cert=args.tls_cert,
            tls_key=args.tls_key,
            client_ca=args.client_ca,
            log_level=args.log_level,
            access_log=args.access_log,
        ),
    )
    return 0


def _cmd_keys_add(args: argparse.Namespace) -> int:
    from hotlist.serve._keys import add_key

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
    from hotlist.serve._keys import KeyStore

    for k in KeyStore.read(args.keys).keys:
        print(f"{k.name}\trole={k.role}\tpurpose={k.purpose}\tpost={k.post}\trate={k.rate:g}/s")
    return 0


def _cmd_keys_remove(args: argparse.Namespace) -> int:
    from hotlist.cli import UsageError
    from hotlist.serve._keys import remove_key

    if not remove_key(args.keys, args.name):
        raise UsageError(f"hotlist keys remove: no key named {args.name!r} in {args.keys}")
    print(f"key {args.name!r} removed; send the service SIGHUP to drop it now")
    return 0


def add_commands(sub: Any) -> None:
    """Add ``serve`` and ``keys`` to the ``hotlist`` command's subparsers."""
    from hotlist.serve._keys import DEFAULT_BURST, DEFAULT_RATE

    p = sub.add_parser(
        "serve",
        help="run the check service (HTTP API; extra hotlist[serve])",
        description="Serve checks over HTTP: POST /v1/check, /v1/check-many; GET /v1/status, "
        "/healthz, /readyz, /metrics, /openapi.json, /docs. Every request needs an API key "
        "(Authorization: Bearer KEY) from the keys file. SIGHUP reloads the data and the keys.",
    )
    p.add_argument("path", nargs="?", metavar="PATH", help="snapshot or extract folder")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    p.add_argument("--keys", required=True, help="keys file (TOML) made by `hotlist keys add`")
    p.add_argument("--audit", metavar="DIR", help="write the audit log to this folder")
    p.add_argument("--audit-secret", metavar="FILE", help="file holding the audit secret")
    p.add_argument(
        "--audit-signing-key",
        metavar="FILE",
        help="Ed25519 private key that signs the audit log's checkpoints and receipts",
    )
    p.add_argument("--tls-cert", metavar="FILE", help="server certificate (PEM): serve HTTPS")
    p.add_argument("--tls-key", metavar="FILE", help="server private key (PEM)")
    p.add_argument(
        "--client-ca",
        metavar="FILE",
        help="CA (PEM) of client certificates: mutual TLS; the certificate subject is the operator",
    )
    p.add_argument(
        "--max-age",
        type=float,
        metavar="SECONDS",
        help="data older than this is stale: a warning on results, /readyz not ready",
    )
    p.add_argument(
        "--public-key", metavar="FILE", help="Ed25519 key: data must be signed (and is verified)"
    )
    p.add_argument(
        "--watch", metavar="DIR", help="serve the newest snapshot in DIR, reloading when it changes"
    )
    p.add_argument(
        "--watch-interval",
        type=float,
        default=2.0,
        metavar="SECONDS",
        help="seconds between looks (default 2)",
    )
    p.add_argument(
        "--max-batch",
        type=int,
        metavar="ROWS",
        default=100_000,
        help="most queries per check-many (default 100000)",
    )
    p.add_argument(
        "--request-timeout",
        type=float,
        metavar="SECONDS",
        default=30.0,
        help="seconds a request may take to arrive and a check-many to answer (default 30)",
    )
    p.add_argument(
        "--max-batches",
        type=int,
        metavar="N",
        default=4,
        help="check-many requests served at once; more get 503 with Retry-After (default 4)",
    )
    p.add_argument(
        "--batch-chunk",
        type=int,
        metavar="ROWS",
        default=2_000,
        help="most queries per streamed step of a check-many (steps aim at 0.25 s; default 2000)",
    )
    p.add_argument(
        "--log-level",
        default="warning",
        metavar="LEVEL",
        help="uvicorn log level (default warning)",
    )
    p.add_argument("--access-log", action="store_true", help="log every request")
    p.set_defaults(func=_cmd_serve)

    p = sub.add_parser(
        "keys",
        help="API keys of the check service: add, list, remove",
        description="Manage the service's keys file: only hashes are stored; a new key is "
        "printed once.",
    )
    keys_sub = p.add_subparsers(
        dest="keys_command", required=True, metavar="ACTION", help="add, list or remove"
    )
    a = keys_sub.add_parser(
        "add",
        help="add a key and print it once",
        description="Add a key for NAME with the session it opens (role, purpose, post).",
    )
    a.add_argument("name", metavar="NAME", help="key name, the operator by default (gate-cdg-01)")
    a.add_argument("--role", required=True, help="role of the session, e.g. frontline, analyst")
    a.add_argument("--purpose", required=True, help='purpose, e.g. "border control"')
    a.add_argument("--post", required=True, help="post, e.g. CDG-T2")
    a.add_argument("--keys", required=True, help="keys file (created if missing)")
    a.add_argument(
        "--rate",
        type=float,
        default=DEFAULT_RATE,
        help=f"requests per second (default {DEFAULT_RATE:g}; 0: no limit)",
    )
    a.add_argument(
        "--burst", type=int, default=DEFAULT_BURST, help=f"burst (default {DEFAULT_BURST})"
    )
    a.set_defaults(func=_cmd_keys_add)
    a = keys_sub.add_parser("list", help="list the keys (names and sessions, never keys)")
    a.add_argument("--keys", required=True, help="keys file")
    a.set_defaults(func=_cmd_keys_list)
    a = keys_sub.add_parser("remove", help="remove a key")
    a.add_argument("name", metavar="NAME", help="key name")
    a.add_argument("--keys", required=True, help="keys file")
    a.set_defaults(func=_cmd_keys_remove)
