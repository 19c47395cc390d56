"""The hotlist check service: the same engine behind an authenticated HTTP API.

``hotlist serve PATH --keys keys.toml`` (extra ``hotlist[serve]``) answers
``POST /v1/check`` and ``POST /v1/check-many`` for integrators that cannot
embed Python, through a session of the library for every request (the key's
role, purpose and post; the audit log when one is attached).  See DESIGN.md,
"Service", and the README's "Run it as a service".

Modules: ``_keys`` (the keys file), ``_session`` (the one adapter to the
library's sessions), ``_app`` (the ASGI application: routing, auth, endpoints),
``_http`` (problem details, bodies), ``_queries`` (requests read by the one
table of query fields), ``_many`` (the streamed check-many), ``_openapi`` (the
schema from the same table), ``_metrics`` (Prometheus), ``_data`` (reloads),
``_server`` (uvicorn, TLS, SIGHUP), ``_cli`` (the ``serve`` and ``keys``
commands).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hotlist._signing import KeyArg
from hotlist.audit import AuditLog
from hotlist.serve._data import DataHolder
from hotlist.serve._keys import KeyStore
from hotlist.serve._openapi import MAX_LIMIT

if TYPE_CHECKING:
    from hotlist.serve._app import App

__all__ = ["INSTALL_HINT", "Limits", "create_app"]

INSTALL_HINT = "the service needs its extra: pip install 'hotlist[serve]'"


@dataclass(frozen=True)
class Limits:
    """Bounds on what one request may cost."""

    max_body: int = 64 * 1024  # POST /v1/check
    max_batch_body: int = 32 * 1024 * 1024  # POST /v1/check-many
    max_batch_rows: int = 100_000
    batch_chunk: int = 2_000  # rows checked per step of a streamed check-many
    request_seconds: float = 30.0  # reading the body and answering a check-many
    max_batches: int = 4  # check-many requests at once (each may hold max_batch_body)
    max_limit: int = MAX_LIMIT


def create_app(
    source: str | Path | None = None,
    *,
    keys: str | Path | KeyStore,
    watch: str | Path | None = None,
    audit: AuditLog | None = None,
    max_age: float | None = None,
    public_key: KeyArg | None = None,
    watch_interval: float = 2.0,
    tls_operator: bool = False,
    limits: Limits | None = None,
) -> App:
    """An ASGI application serving ``source`` (a snapshot or extract folder).

    ``keys`` is a keys file path or a :class:`~hotlist.serve._keys.KeyStore`;
    ``limits`` bound what one request may cost.  The data is loaded before this returns; a failed
    load leaves the service up but not ready (``/readyz`` says why).
    """
    try:
        # msgspec and prometheus-client come with the service's extra.
        from hotlist.serve import _app  # noqa: PLC0415 - lazy optional import (hotlist[serve])
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(INSTALL_HINT) from exc
    store = keys if isinstance(keys, KeyStore) else KeyStore.read(keys)
    data = DataHolder(source, watch=watch, audit=audit, max_age=max_age, public_key=public_key)
    app = _app.App(
        data,
        store,
        limits=limits,
        watch_interval=watch_interval,
        tls_operator=tls_operator,
    )
    outcome = data.reload("start")
    app.metrics.reload(outcome.ok)
    return app
