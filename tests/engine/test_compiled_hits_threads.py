"""The compiled document check (``DocumentMiss.check`` and its hit made in C)
answers each Hotlist from its own data when several are checked from several
threads at once (two deployments in one process, or the state a delta replaced
still being checked during a reload).

The kernel keeps the context of the last state it saw; making a hit calls back
into Python (the hit's shape, the record reader), so a thread switch can happen
in the middle of a check.  A check must never read the rows of another state
there: a one-edit hit reported on another record (its record id or its record
of the other Hotlist's row) is a listed document passing as a record the officer
will not recognise (reviewer's V-6).  Run in a subprocess: the switch interval
is set to its smallest for the race to show, and a wrong read may crash."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from hotlist import _query

pytestmark = pytest.mark.skipif(
    _query._KERNEL_HITS is None, reason="compiled kernel not built (or HOTLIST_PURE=1)"
)

SCRIPT = textwrap.dedent(
    """
    import datetime as dt, random, sys, threading
    import pyarrow as pa
    import hotlist
    from hotlist.schema import DOCUMENTS_SCHEMA

    sys.setswitchinterval(1e-6)
    rng = random.Random(11)
    A = "ABCDEFGHJKLMNPRTUVWXYZ0123456789"
    issuers = ["UTO", "FRA", "DEU", "ITA", "ESP", "GBR"]

    def table(prefix, n):
        numbers = sorted({"".join(rng.choice(A) for _ in range(9)) for _ in range(n)})
        return pa.table({
            "record_id": [f"{prefix}{i}" for i in range(len(numbers))],
            "document_number": numbers,
            "issuing_country": [rng.choice(issuers) for _ in numbers],
            "document_type": ["passport"] * len(numbers),
            "status": ["stolen"] * len(numbers),
            "reported_on": [dt.date(2024, 3, 1)] * len(numbers),
            **{c: [None] * len(numbers) for c in
               ("reporting_country", "issued_on", "expires_on", "notes")},
        }).cast(DOCUMENTS_SCHEMA)

    # the second list's rows sit at the same row numbers as the first's: a row
    # read in the wrong state is another record, under another number
    ta, tb = table("A", 40000), table("B", 40000)
    a = hotlist.Hotlist.from_tables(documents=ta, progress=False)
    b = hotlist.Hotlist.from_tables(documents=tb, progress=False)

    def queries(t):
        out = []
        for n, c in rng.sample(list(zip(t["document_number"].to_pylist(),
                                         t["issuing_country"].to_pylist())), 400):
            j = rng.randrange(len(n))
            out += [{"document": n}, {"document": n, "country": c},
                    {"document": n[:j] + rng.choice(A) + n[j + 1:]},
                    {"document": n[:j] + n[j + 1:], "country": c}]
        return out

    def answer(hl, q):
        r = hl.check(**q)
        return ([(h.record_id, h.match, h.score, h.severity, tuple(h.reasons),
                  h.record["document_number"]) for h in r.hits],
                tuple(r.warnings), r.data_version)

    work = {id(a): queries(ta), id(b): queries(tb)}
    ref = {k: [answer(hl, q) for q in work[k]] for k, hl in ((id(a), a), (id(b), b))}
    assert sum(bool(x[0]) for x in ref[id(a)]) > 1000  # hits, made in C
    bad = []

    def run(hl, seed):
        qs = work[id(hl)]
        order = list(range(len(qs)))
        random.Random(seed).shuffle(order)
        for _ in range(2):
            for i in order:
                got = answer(hl, qs[i])
                if got != ref[id(hl)][i]:
                    bad.append((qs[i], got, ref[id(hl)][i]))

    threads = [threading.Thread(target=run, args=(hl, k)) for k, hl in enumerate((a, b, a, b))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("checks", 2 * sum(len(work[id(h)]) for h in (a, b, a, b)), "wrong", len(bad))
    for x in bad[:5]:
        print(x)
    sys.exit(1 if bad else 0)
    """
)


def test_two_hotlists_checked_from_threads_answer_from_their_own_rows() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=600, check=False
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "wrong 0" in proc.stdout
