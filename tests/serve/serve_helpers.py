"""Helpers of the service tests: a real ``hotlist serve`` process on loopback."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Coroutine, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from hotlist.serve._keys import add_key

START_SECONDS = 60.0  # a loaded 2-core machine can take a while to import and load


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Keys:
    path: Path
    tokens: dict[str, str] = field(default_factory=dict)

    def add(
        self, name: str, role: str, *, post: str = "CDG-T2", rate: float = 0.0, burst: int = 100
    ) -> str:
        token = add_key(
            self.path, name, role=role, purpose="border control", post=post, rate=rate, burst=burst
        )
        self.tokens[name] = token
        return token

    def auth(self, name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[name]}"}


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    url: str
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def hup(self) -> None:
        self.proc.send_signal(signal.SIGHUP)


def wait_ready(url: str, proc: subprocess.Popen[bytes], log: Path, **client: object) -> None:
    deadline = time.monotonic() + START_SECONDS
    with httpx.Client(**client) as c:  # type: ignore[arg-type]
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"hotlist serve exited {proc.returncode}:\n{log.read_text()}")
            with contextlib.suppress(httpx.TransportError):
                if c.get(f"{url}/healthz", timeout=2).status_code == 200:
                    return
            time.sleep(0.1)
    raise RuntimeError(f"hotlist serve did not answer in {START_SECONDS:g} s:\n{log.read_text()}")


@contextlib.contextmanager
def serve(
    args: Sequence[str],
    tmp: Path,
    *,
    scheme: str = "http",
    client: dict[str, object] | None = None,
) -> Iterator[Server]:
    """Start ``hotlist serve ARGS --port P`` and stop it (SIGTERM, then SIGKILL) afterwards."""
    port = free_port()
    log = tmp / f"serve-{port}.log"
    cmd = [sys.executable, "-m", "hotlist", "serve", *args, "--port", str(port)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
    url = f"{scheme}://127.0.0.1:{port}"
    try:
        wait_ready(url, proc, log, **(client or {}))
        yield Server(proc, url, log)
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=15)


def call_app(
    app: Callable[[dict[str, Any], Any, Any], Coroutine[Any, Any, None]],
    method: str,
    path: str,
    body: bytes = b"",
    token: str | None = None,
    *,
    content_type: bytes = b"application/json",
) -> tuple[int, bytes]:
    """One request through the ASGI app in this process: (status, body)."""
    headers = [(b"content-type", content_type)]
    if token is not None:
        headers.append((b"authorization", f"Bearer {token}".encode()))
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "query_string": b"",
        "headers": headers,
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])
