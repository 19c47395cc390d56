"""Running the service: uvicorn (httptools, uvloop), TLS and mutual TLS, SIGHUP.

uvicorn does not put the client certificate in the ASGI scope, so with
``--client-ca`` the HTTP protocol is a small subclass of uvicorn's httptools
protocol that adds the ASGI TLS extension (``scope["extensions"]["tls"]``,
with ``client_cert_name`` in RFC 4514 form) from the connection's certificate,
read once per connection.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from hotlist.serve._app import App

try:
    import uvloop

    HAS_UVLOOP = True
except ImportError:  # pragma: no cover - not on Windows
    HAS_UVLOOP = False

__all__ = [
    "JoinedHttpToolsProtocol",
    "ServerOptions",
    "TLSHttpToolsProtocol",
    "read_secret",
    "run",
    "subject_name",
]

log = logging.getLogger("hotlist.serve")

# getpeercert() attribute names -> RFC 4514 short names.
_SHORT = {
    "commonName": "CN",
    "countryName": "C",
    "localityName": "L",
    "stateOrProvinceName": "ST",
    "organizationName": "O",
    "organizationalUnitName": "OU",
    "streetAddress": "STREET",
    "domainComponent": "DC",
    "userId": "UID",
}


def _escape(value: str) -> str:
    out = []
    for i, ch in enumerate(value):
        if ch in ',+"\\<>;' or (i == 0 and ch in "# ") or (i == len(value) - 1 and ch == " "):
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def subject_name(cert: dict[str, Any]) -> str:
    """The subject of a ``getpeercert()`` dict as an RFC 4514 string (most specific first).

    >>> subject_name({"subject": ((("countryName", "FR"),), (("commonName", "officer-17"),))})
    'CN=officer-17,C=FR'
    """
    rdns = []
    for rdn in cert.get("subject", ()):
        rdns.append("+".join(f"{_SHORT.get(k, k)}={_escape(str(v))}" for k, v in rdn))
    return ",".join(reversed(rdns))


@dataclass(frozen=True)
class ServerOptions:
    host: str = "127.0.0.1"
    port: int = 8080
    tls_cert: str | None = None
    tls_key: str | None = None
    client_ca: str | None = None
    log_level: str = "warning"
    access_log: bool = False


class _JoinedWrites:
    """A transport whose writes in one turn of the event loop go out as one write.

    uvicorn writes an answer's status line and headers, then its body, as two
    ``transport.write`` calls: two ``send`` syscalls and two segments on the
    wire (on loopback, two deliveries to the client) for a few hundred bytes.
    Held until the end of the turn, they go as one.  Everything else is the
    transport's own."""

    __slots__ = ("_loop", "_pending", "_transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []

    def write(self, data: bytes) -> None:
        if not self._pending:
            self._loop.call_soon(self._flush)
        self._pending.append(data)

    def _flush(self) -> None:
        if self._pending:
            data = b"".join(self._pending)
            self._pending.clear()
            if not self._transport.is_closing():
                self._transport.write(data)

    def close(self) -> None:
        self._flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class JoinedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with an answer's head and body written as one."""

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        self.transport = _JoinedWrites(transport, self.loop)  # type: ignore[assignment]


class TLSHttpToolsProtocol(JoinedHttpToolsProtocol):
    """The protocol that also adds the ASGI TLS extension to every scope."""

    _tls: dict[str, Any] | None = None

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        ssl_object = transport.get_extra_info("ssl_object")
        if ssl_object is None:
            return
        cert = ssl_object.getpeercert()
        self._tls = {
            "client_cert_name": subject_name(cert) if cert else None,
            "client_cert_error": None if cert else "no client certificate",
            "tls_version": ssl_object.version(),
        }

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._tls is not None:
            scope: dict[str, Any] = self.scope  # type: ignore[assignment]
            scope["extensions"] = {"tls": self._tls}


def run(app: App, options: ServerOptions) -> None:
    """Serve ``app`` until SIGINT / SIGTERM; SIGHUP reloads the data and the keys."""
    kwargs: dict[str, Any] = {}
    if options.tls_cert:
        kwargs.update(ssl_certfile=options.tls_cert, ssl_keyfile=options.tls_key)
        if options.client_ca:
            kwargs.update(ssl_ca_certs=options.client_ca, ssl_cert_reqs=ssl.CERT_REQUIRED)
    loop = "uvloop" if HAS_UVLOOP else "asyncio"
    config = uvicorn.Config(
        app,
        host=options.host,
        port=options.port,
        http=TLSHttpToolsProtocol if options.tls_cert else JoinedHttpToolsProtocol,
        loop=loop,
        lifespan="on",
        log_level=options.log_level,
        access_log=options.access_log,
        server_header=False,
        # No X-Forwarded-* rewriting: nothing here uses the client address, and the
        # middleware costs every request a few microseconds.
        proxy_headers=False,
        timeout_keep_alive=30,
        **kwargs,
    )
    server = uvicorn.Server(config)

    async def main() -> None:
        running = asyncio.get_running_loop()

        pending: set[asyncio.Future[Any]] = set()

        def on_hup() -> None:
            app.reread_keys()
            future = running.run_in_executor(None, app.reload_now, "SIGHUP")
            pending.add(future)
            future.add_done_callback(pending.discard)

        running.add_signal_handler(signal.SIGHUP, on_hup)
        await server.serve()

    scheme = "https" if options.tls_cert else "http"
    hl = app.data.hl
    what = (
        "no data yet"
        if hl is None
        else f"data version {hl.data_version} from {app.data.served_from}"
    )
    print(
        f"hotlist serve: {scheme}://{options.host}:{options.port} ({what}; "
        f"{len(app.keys)} keys from {app.keys.path})",
        flush=True,
    )
    if HAS_UVLOOP:
        uvloop.run(main())
    else:  # pragma: no cover
        asyncio.run(main())


def read_secret(path: str | Path) -> bytes:
    """A deployment secret from a file (surrounding whitespace stripped)."""
    data = Path(path).read_bytes().strip()
    if len(data) < 16:
        raise ValueError(f"{path}: the audit secret must be at least 16 bytes")
    return data
