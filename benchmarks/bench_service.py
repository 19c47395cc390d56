"""Load test of the check service (``hotlist serve``) on loopback, and the stack choice.

Starts a real ``hotlist serve`` process on 127.0.0.1 over a snapshot of
synthetic data, then drives ``POST /v1/check`` from 1, 8 and 64 concurrent
keep-alive connections for document, vehicle and person checks (the query
mixes of ``bench_data.py``: mostly misses, as at a border).  The client is a
small asyncio HTTP/1.1 client on raw sockets (uvloop when installed): httpx
would cost more CPU per request than the server and measure itself.  Every
cell is bounded in time (``--seconds``) and in requests (``--max-requests``).

Client and server share the machine: on 2 cores the client takes about one of
them, so requests/s is a floor for the server.  The server's own CPU time per
request (from ``/proc``) is reported too.

    .venv/bin/python benchmarks/bench_service.py                     # 1 M docs, ~3 min
    .venv/bin/python benchmarks/bench_service.py --stacks            # in-process stacks only
    .venv/bin/python benchmarks/bench_service.py --smoke             # seconds, tiny data

``--stacks`` measures one in-process ``POST /check`` round trip (an ASGI call,
no socket) through the candidate stacks over the same engine call: raw ASGI +
msgspec, Starlette + msgspec, FastAPI + pydantic (those installed), and the
service's own application with auth, session, metrics and problem details.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_data
import hotlist
from hotlist.serve._keys import add_key

RESULTS = Path(__file__).resolve().parent / "results"
TARGETS = {
    "document": "≥ 5,000 checks/s with p99 ≤ 5 ms",
    "vehicle": "",
    "person": "p99 ≤ 10 ms",
}
ANCHORS = (
    "an open-source screening service: 4–30 requests/s per vCPU; "
    "another: 0.85 ms per search (published figures, other hardware)"
)


# -- data ---------------------------------------------------------------------------
def make_snapshot(folder: Path, docs: int, vehicles: int, persons: int, seed: int) -> Path:
    tables = {
        "documents": bench_data.table("documents", docs, seed),
        "vehicles": bench_data.table("vehicles", vehicles, seed),
        "persons": bench_data.table("persons", persons, seed),
    }
    hl = hotlist.Hotlist.from_tables(**tables, data_version=f"bench-{docs}-{seed}")
    return hl.save(folder / "snapshot", overwrite=True)


def bodies(docs: int, vehicles: int, persons: int, seed: int, k: int) -> dict[str, list[bytes]]:
    d = bench_data.table("documents", docs, seed)
    v = bench_data.table("vehicles", vehicles, seed)
    p = bench_data.table("persons", persons, seed)
    out: dict[str, list[bytes]] = {"document": [], "vehicle": [], "person": []}
    for dq in bench_data.document_mix(d, k, seed):
        out["document"].append(json.dumps({"document": dq.number, "country": dq.country}).encode())
    for vq in bench_data.vehicle_mix(v, k, seed):
        q = {vq.field: vq.value}
        if vq.country and vq.field == "plate":
            q["country"] = vq.country
        out["vehicle"].append(json.dumps(q).encode())
    _, normalised = bench_data.listed_names(p)
    for pq in bench_data.person_mix(p, min(k, 2000), seed, normalised=set(normalised.tolist())):
        q = {"name": pq.name}
        if pq.dob:
            q["dob"] = pq.dob
        out["person"].append(json.dumps(q).encode())
    return out


# -- server -------------------------------------------------------------------------
def start_server(snapshot: Path, keys: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "hotlist", "serve", str(snapshot), "--keys", str(keys)]
    cmd += ["--port", str(port)]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(log.read_text())
        try:
            asyncio.run(_get(port, b"/readyz"))
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the server did not start")


async def _get(port: int, path: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET " + path + b" HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
    data = await reader.read()
    writer.close()
    return data


def cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- client -------------------------------------------------------------------------
def request(body: bytes, key: str) -> bytes:
    head = (
        "POST /v1/check HTTP/1.1\r\nHost: bench\r\n"
        f"Authorization: Bearer {key}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def _connection(  # noqa: PLR0917 - one call site
    port: int,
    reqs: list[bytes],
    start: int,
    stop_at: float,
    budget: list[int],
    lat: list[float],
    errors: list[int],
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    i = start
    n = len(reqs)
    clock = time.perf_counter
    try:
        while budget[0] > 0 and clock() < stop_at:
            budget[0] -= 1
            req = reqs[i % n]
            i += 1
            t0 = clock()
            writer.write(req)
            head = await reader.readuntil(b"\r\n\r\n")
            at = head.lower().find(b"content-length:")
            length = int(head[at + 15 : head.index(b"\r\n", at)]) if at >= 0 else 0
            await reader.readexactly(length)
            lat.append(clock() - t0)
            if head[9:12] != b"200":
                errors[0] += 1
    finally:
        writer.close()


async def warm_up(port: int, reqs: list[bytes], clients: int) -> None:
    """A few requests on as many connections, for about a second; not counted."""
    await asyncio.gather(
        *(
            _connection(port, reqs, i * 7, time.perf_counter() + 1, [20], [], [0])
            for i in range(clients)
        )
    )


async def drive(
    port: int, reqs: list[bytes], clients: int, seconds: float, max_requests: int
) -> dict[str, Any]:
    lat: list[float] = []
    errors = [0]
    budget = [max_requests]
    started = time.perf_counter()
    stop_at = started + seconds
    await asyncio.gather(
        *(_connection(port, reqs, i * 9973, stop_at, budget, lat, errors) for i in range(clients))
    )
    elapsed = time.perf_counter() - started
    lat.sort()
    return {
        "clients": clients,
        "requests": len(lat),
        "seconds": round(elapsed, 3),
        "rps": round(len(lat) / elapsed, 1),
        "p50_ms": round(lat[len(lat) // 2] * 1e3, 3),
        "p99_ms": round(lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1e3, 3),
        "max_ms": round(lat[-1] * 1e3, 3),
        "errors": errors[0],
    }


def run_load(args: argparse.Namespace) -> dict[str, Any]:
    seed = args.seed
    docs, vehicles, persons = (
        bench_data.parse_scale(x) for x in (args.documents, args.vehicles, args.persons)
    )
    tmp = Path(tempfile.mkdtemp(prefix="hotlist-bench-service-"))
    print(f"data: {docs:,} documents, {vehicles:,} vehicles, {persons:,} persons (seed {seed})")
    snapshot = make_snapshot(tmp, docs, vehicles, persons, seed)
    keys = tmp / "keys.toml"
    key = add_key(keys, "bench", role="frontline", purpose="benchmark", post="LAB", rate=0)
    mixes = bodies(docs, vehicles, persons, seed, args.queries)
    from hotlist.serve._server import ServerOptions  # noqa: F401 - the extra must be installed

    port = _free_port()
    proc = start_server(snapshot, keys, port, tmp / "serve.log")
    rows = []
    try:
        run = asyncio.run if not _uvloop() else _uvloop_run
        for kind in args.kinds.split(","):
            reqs = [request(b, key) for b in mixes[kind]]
            for clients in (int(c) for c in args.clients.split(",")):
                run(warm_up(port, reqs, clients))
                cpu0 = cpu_seconds(proc.pid)
                cell = run(drive(port, reqs, clients, args.seconds, args.max_requests))
                cpu1 = cpu_seconds(proc.pid)
                if cpu0 is not None and cpu1 is not None and cell["requests"]:
                    cell["server_cpu_us_per_request"] = round(
                        (cpu1 - cpu0) / cell["requests"] * 1e6, 1
                    )
                cell["kind"] = kind
                rows.append(cell)
                print(
                    f"{kind:9s} {clients:3d} clients: {cell['rps']:9,.0f} req/s  "
                    f"p50 {cell['p50_ms']:7.3f} ms  p99 {cell['p99_ms']:7.3f} ms  "
                    f"errors {cell['errors']}  server CPU/request "
                    f"{cell.get('server_cpu_us_per_request', '?')} µs",
                    flush=True,
                )
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)
    return {
        "scale": {"documents": docs, "vehicles": vehicles, "persons": persons, "seed": seed},
        "seconds_per_cell": args.seconds,
        "max_requests_per_cell": args.max_requests,
        "cpus": os.cpu_count(),
        "rows": rows,
    }


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _uvloop() -> bool:
    try:
        import uvloop  # noqa: F401
    except ImportError:
        return False
    return True


def _uvloop_run(coro: Awaitable[Any]) -> Any:
    import uvloop

    return uvloop.run(coro)  # type: ignore[arg-type]


# -- stacks -------------------------------------------------------------------------
async def _asgi_round_trips(
    app: Any, body: bytes, headers: list[tuple[bytes, bytes]], n: int
) -> list[float]:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/v1/check",
        "raw_path": b"/v1/check",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            *headers,
        ],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    out = []
    clock = time.perf_counter
    for _ in range(n):
        sent.clear()
        t0 = clock()
        await app(dict(scope), receive, send)
        out.append(clock() - t0)
        if sent[0]["status"] != 200:
            raise RuntimeError(f"{app!r} answered {sent[0]['status']}: {sent[-1]}")
    return out


def stacks(n: int) -> list[dict[str, Any]]:
    """In-process POST /v1/check round trips through the candidate stacks."""
    import msgspec

    hl = hotlist.load(hotlist.sample_data_path(), progress=False)
    body = b'{"document": "X1234567", "country": "FRA"}'
    enc = msgspec.json.Encoder().encode

    class Query(msgspec.Struct, forbid_unknown_fields=True):
        document: str | None = None
        country: str | None = None

    dec = msgspec.json.Decoder(Query)

    def answer(q: Any) -> dict[str, Any]:
        r = hl.check(document=q.document, country=q.country)
        return {"hit": r.hit, "hits": [], "warnings": r.warnings, "query": r.query,
                "data_version": r.data_version}  # fmt: skip

    async def raw(scope: Any, receive: Any, send: Any) -> None:
        message = await receive()
        out = enc(answer(dec.decode(message["body"])))
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(out)).encode())]})  # fmt: skip
        await send({"type": "http.response.body", "body": out})

    candidates: list[tuple[str, Any, list[tuple[bytes, bytes]]]] = [
        ("engine call alone (no HTTP)", None, []),
        ("raw ASGI + msgspec", raw, []),
    ]
    try:
        from starlette.applications import Starlette
        from starlette.requests import Request
        from starlette.responses import Response
        from starlette.routing import Route

        async def star_check(request: Request) -> Response:
            return Response(enc(answer(dec.decode(await request.body()))),
                            media_type="application/json")  # fmt: skip

        candidates.append(
            (
                "Starlette + msgspec",
                Starlette(routes=[Route("/v1/check", star_check, methods=["POST"])]),
                [],
            )
        )
    except ImportError:
        print("starlette not installed: skipped")
    try:
        from fastapi import FastAPI
        from pydantic import BaseModel

        class PQuery(BaseModel):
            document: str | None = None
            country: str | None = None

        class PResult(BaseModel):
            hit: bool
            hits: list[dict[str, Any]] = []
            warnings: list[str] = []
            query: dict[str, Any] = {}
            data_version: str = ""

        fast = FastAPI()

        async def fast_check(q: Any) -> dict[str, Any]:
            return answer(q)

        # The models are local: give FastAPI the classes, not the postponed annotation text.
        fast_check.__annotations__["q"] = PQuery
        fast.post("/v1/check", response_model=PResult)(fast_check)

        candidates.append(("FastAPI + pydantic", fast, []))
    except ImportError:
        print("fastapi not installed: skipped")

    tmp = Path(tempfile.mkdtemp(prefix="hotlist-bench-stacks-"))
    key = add_key(
        tmp / "keys.toml", "bench", role="frontline", purpose="benchmark", post="LAB", rate=0
    )
    from hotlist.serve import create_app

    service = create_app(hotlist.sample_data_path(), keys=tmp / "keys.toml")
    candidates.append(
        (
            "hotlist serve app (auth, session, metrics)",
            service,
            [(b"authorization", f"Bearer {key}".encode())],
        )
    )

    results = []
    for name, app, headers in candidates:
        if app is None:
            ts = []
            for _ in range(n):
                t0 = time.perf_counter()
                hl.check(document="X1234567", country="FRA")
                ts.append(time.perf_counter() - t0)
        else:
            asyncio.run(_asgi_round_trips(app, body, headers, min(n, 2000)))
            ts = asyncio.run(_asgi_round_trips(app, body, headers, n))
        ts.sort()
        row = {
            "stack": name,
            "p50_us": round(ts[len(ts) // 2] * 1e6, 1),
            "mean_us": round(statistics.fmean(ts) * 1e6, 1),
            "p99_us": round(ts[int(len(ts) * 0.99)] * 1e6, 1),
        }
        results.append(row)
        print(
            f"{name:44s} p50 {row['p50_us']:7.1f} µs  mean {row['mean_us']:7.1f} µs  "
            f"p99 {row['p99_us']:8.1f} µs"
        )
    return results


APP_CPU_BODIES = {
    "document": b'{"document": "X1234567", "country": "FRA"}',
    "vehicle": b'{"vin": "1M8GDM9AXKP042788"}',
    "person": b'{"name": "Anna Maria Eriksson", "dob": "1974-12-08"}',
}


def app_cpu(calls: int, profile: bool) -> list[dict[str, Any]]:
    """CPU time per in-process ``POST /v1/check`` through the service's own app (auth,
    session, metrics, problem details; no socket), best and median of 5 rounds, on the
    sample data: the service's per-request Python cost, steadier than wall time on a
    busy machine.  With ``profile``, cProfile's top functions of one more round."""
    import cProfile
    import pstats

    from hotlist.serve import create_app

    tmp = Path(tempfile.mkdtemp(prefix="hotlist-bench-app-"))
    key = add_key(tmp / "keys.toml", "bench", role="frontline", purpose="bench", post="LAB", rate=0)
    app = create_app(hotlist.sample_data_path(), keys=tmp / "keys.toml")
    auth = [(b"authorization", f"Bearer {key}".encode())]
    rows = []
    for kind, body in APP_CPU_BODIES.items():
        asyncio.run(_asgi_round_trips(app, body, auth, min(calls, 2000)))  # warm
        rounds = []
        for _ in range(5):
            t0 = time.process_time()
            asyncio.run(_asgi_round_trips(app, body, auth, calls))
            rounds.append((time.process_time() - t0) / calls * 1e6)
        rounds.sort()
        rows.append(
            {"kind": kind, "best_us": round(rounds[0], 1), "median_us": round(rounds[2], 1)}
        )
        print(f"{kind:9s} CPU per request: best {rounds[0]:6.1f} µs, median {rounds[2]:6.1f} µs")
        if profile:
            prof = cProfile.Profile()
            prof.enable()
            asyncio.run(_asgi_round_trips(app, body, auth, calls))
            prof.disable()
            pstats.Stats(prof).sort_stats("tottime").print_stats(25)
    return rows


# -- report -------------------------------------------------------------------------
def markdown(result: dict[str, Any]) -> str:
    lines = []
    load = result.get("load")
    if load:
        s = load["scale"]
        lines += [
            f"Service on loopback, {s['documents']:,} documents / {s['vehicles']:,} vehicles / "
            f"{s['persons']:,} persons, {load['cpus']} CPUs shared by client and server, "
            f"{load['seconds_per_cell']} s per cell (noisy shared machine).",
            "",
            "| check | clients | requests/s | p50 ms | p99 ms | errors "
            "| server CPU µs/request | target |",
            "|---|---:|---:|---:|---:|---:|---:|---|",
        ]
        for r in load["rows"]:
            lines.append(
                f"| {r['kind']} | {r['clients']} | {r['rps']:,.0f} | {r['p50_ms']:.2f} | "
                f"{r['p99_ms']:.2f} | {r['errors']} | {r.get('server_cpu_us_per_request', '')} | "
                f"{TARGETS.get(r['kind'], '')} |"
            )
        lines += ["", f"Anchors: {ANCHORS}."]
    st = result.get("stacks")
    if st:
        lines += [
            "",
            "| in-process POST /v1/check | p50 µs | mean µs | p99 µs |",
            "|---|---:|---:|---:|",
        ]
        lines += [f"| {r['stack']} | {r['p50_us']} | {r['mean_us']} | {r['p99_us']} |" for r in st]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--documents", default="1m")
    p.add_argument("--vehicles", default="100k")
    p.add_argument("--persons", default="100k")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--queries", type=int, default=20_000, help="queries per mix")
    p.add_argument("--clients", default="1,8,64")
    p.add_argument("--kinds", default="document,vehicle,person")
    p.add_argument("--seconds", type=float, default=8.0, help="per cell")
    p.add_argument("--max-requests", type=int, default=200_000, help="per cell")
    p.add_argument("--stacks", action="store_true", help="only the in-process stack comparison")
    p.add_argument("--stack-calls", type=int, default=20_000)
    p.add_argument("--smoke", action="store_true", help="tiny data, short cells: seconds")
    p.add_argument(
        "--app-cpu",
        type=int,
        metavar="CALLS",
        help="only the service app's CPU per in-process request (CALLS a round), then exit",
    )
    p.add_argument("--profile", action="store_true", help="with --app-cpu: cProfile's top 25")
    p.add_argument("--out", type=Path, default=RESULTS / "service.json")
    args = p.parse_args(argv)
    if args.app_cpu:
        app_cpu(args.app_cpu, args.profile)
        return 0
    if args.smoke:
        args.documents = args.vehicles = args.persons = "2000"
        args.queries, args.seconds, args.max_requests, args.stack_calls = 200, 0.3, 300, 200
        args.clients = "1,8"
    result: dict[str, Any] = {
        "hotlist_version": hotlist.__version__,
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    result["stacks"] = stacks(args.stack_calls)
    if not args.stacks:
        result["load"] = run_load(args)
    result["markdown"] = markdown(result)
    print()
    print(result["markdown"])
    if not args.smoke:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2))
        print(f"\nwritten to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
