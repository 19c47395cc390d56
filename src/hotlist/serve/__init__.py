"""The hotlist check service: the same engine behind an authenticated HTTP API.

``hotlist serve PATH --keys keys.toml`` (extra ``hotlist[serve]``) answers
``POST /v1/check`` and ``POST /v1/check-many`` for integrators that cannot
embed Python, through a session of the library for every request (the key's
role, purpose and post; the audit log when one is attached).  See DESIGN.md,
"Service", and the README's "Run it as a service".

Modules: ``_keys`` (the keys file), ``_session`` (the one adapter to the
library's sessions), ``_app`` (the ASGI application), ``_openapi`` (the schema
from the query-field table), ``_metrics`` (Prometheus), ``_data`` (reloads),
``_server`` (uvicorn, TLS, SIGHUP), ``_cli`` (the ``serve`` and ``keys``
commands).
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]

INSTALL_HINT = "the service needs its extra: pip install 'hotlist[serve]'"


def create_app(
    source: Any = None,
    *,
    keys: Any,
    watch: Any = None,
    audit: Any = None,
    max_age: float | None = None,
    public_key: Any = None,
    **options: Any,
) -> Any:
    """An ASGI application serving ``source`` (a snapshot or extract folder).

    ``keys`` is a keys file path or a :class:`~hotlist.serve._keys.KeyStore`.
    The data is loaded before this returns; a failed load leaves the service
    up but not ready (``/readyz`` says why).
    """
    try:
        from hotlist.serve._app import App, Limits
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(INSTALL_HINT) from exc
    from hotlist.serve._data import DataHolder
    from hotlist.serve._keys import KeyStore

    store = keys if isinstance(keys, KeyStore) else KeyStore.read(keys)
    data = DataHolder(source, watch=watch, audit=audit, max_age=max_age, public_key=public_key)
    limit_names = set(Limits.__dataclass_fields__)
    limits = Limits(**{k: v for k, v in options.items() if k in limit_names})
    rest = {k: v for k, v in options.items() if k not in limit_names}
    app = App(data, store, limits=limits, **rest)
    outcome = data.reload("start")
    app.metrics.reload(outcome.ok)
    return app
