"""pytest-benchmark suites for hotlist: options, the shared :class:`Bench`, results JSON.

Run from the repository root (the project's pytest configuration disables
pytest-benchmark by default and never collects ``benchmarks/``):

    .venv/bin/python -m pytest benchmarks --benchmark-enable --scale 1m

Options: ``--scale`` (documents; 100k, 1m, 10m, 50m), ``--vehicles-scale``
(default: the smaller of --scale and 1m), ``--persons-scale`` (default 100k),
``--threads`` (default 1,2,4), ``--seed``, ``--queries``, ``--person-queries``,
``--budget`` (seconds per measured implementation), ``--batch``,
``--recall-queries``, ``--results``, ``--save-results``.

Results go to ``benchmarks/results/local/latest.json`` (git-ignored), so a run
leaves the work tree clean; ``--save-results`` writes the committed
``benchmarks/results/latest.json`` and ``run-<documents>.json`` instead, which
``benchmarks/report.py`` and the README tables are made from.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench_cases import Bench, Config
from bench_data import parse_scale

HERE = Path(__file__).resolve().parent


def pytest_addoption(parser: pytest.Parser) -> None:
    g = parser.getgroup("hotlist benchmarks")
    g.addoption("--scale", default="1m", help="documents: 100k, 1m, 10m, 50m (default 1m)")
    g.addoption("--vehicles-scale", default=None, help="vehicles (default min(--scale, 1m))")
    g.addoption("--persons-scale", default="100k", help="persons (default 100k)")
    g.addoption("--threads", default="1,2,4", help="thread counts for throughput (1,2,4)")
    g.addoption("--seed", type=int, default=7, help="data and query seed (default 7)")
    g.addoption("--queries", type=int, default=20_000, help="document / vehicle queries")
    g.addoption("--person-queries", type=int, default=2_000, help="person queries")
    g.addoption("--budget", type=float, default=20.0, help="seconds per implementation")
    g.addoption("--batch", default=None, help="check_many batch size (default min(scale, 1m))")
    g.addoption("--recall-queries", type=int, default=40, help="queries for person recall")
    g.addoption(
        "--results",
        default=None,
        help="where the run writes its JSON (default benchmarks/results/local/latest.json, "
        "git-ignored; with --save-results benchmarks/results/latest.json)",
    )
    g.addoption(
        "--save-results",
        action="store_true",
        help="write the committed benchmarks/results/latest.json and run-<documents>.json",
    )


@pytest.fixture(scope="session")
def bench(request: pytest.FixtureRequest) -> Iterator[Bench]:
    opt = request.config.getoption
    documents = parse_scale(opt("--scale"))
    vehicles = parse_scale(opt("--vehicles-scale") or min(documents, 1_000_000))
    batch = parse_scale(opt("--batch") or min(documents, 1_000_000))
    config = Config(
        documents=documents,
        vehicles=vehicles,
        persons=parse_scale(opt("--persons-scale")),
        seed=opt("--seed"),
        queries=opt("--queries"),
        person_queries=opt("--person-queries"),
        budget_s=opt("--budget"),
        threads=tuple(int(t) for t in str(opt("--threads")).split(",") if t.strip()),
        batch=batch,
        recall_queries=opt("--recall-queries"),
        command=shlex.join([Path(sys.executable).name, "-m", "pytest", *sys.argv[1:]]),
    )
    b = Bench(config)
    yield b
    if b.results.sections:
        save = bool(opt("--save-results"))
        out = Path(opt("--results") or HERE / "results" / ("" if save else "local") / "latest.json")
        out.parent.mkdir(parents=True, exist_ok=True)
        b.results.write(out)
        tag = f"run-{config.documents}.json"
        if out.name == "latest.json" and save:
            b.results.write(out.with_name(tag))
        print(f"\nbenchmark results written to {out}")
