"""The person bound against the full scorer on joined and respelled names
(reviewer Y's sweep behind the bound's soundness fixes of 1 December).

For each listed name of a development list, each pair of adjacent parts is
joined and then corrupted the ways ``person_devdata`` corrupts a name (a
spelling variant, a typo, a German / French / Polish / Arabic transliteration
system), and asked with no DOB, the exact DOB and the DOB a year off.  For every
such query it checks that the bound of that listed name is at least the full
scorer's bits (the bound must never prune what the scorer reports), and, where
it is not and the scorer puts the person over the threshold, whether
``check()`` still finds the person: a miss there is a listed person missed
without a word.  ``--check-all`` asks ``check()`` for every query the scorer puts
over the threshold (slower).

    .venv/bin/python benchmarks/bound_sweep.py --persons 2000 --seed 3

Prints ``tried N bound<bits V silent misses M``; both must be 0.
"""

from __future__ import annotations

import argparse

import numpy as np

import hotlist
from hotlist import names
from hotlist._persons import PersonQuery
from person_devdata import _spelling, _system, _typo, generate

SYSTEMS = ("german", "french", "polish", "arabic dialect", "arabic french")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--persons", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--check-all", action="store_true")
    args = ap.parse_args()
    table, _ = generate(args.persons, 0, 0, seed=args.seed)
    hl = hotlist.Hotlist.from_tables(persons=table, progress=False)
    idx = hl._state.persons
    idx = getattr(idx, "names", idx)
    rng = np.random.default_rng(1)
    ids = table.column("record_id")
    violations = misses = tried = 0
    seen: set[tuple[int, str]] = set()

    def found(query: str, dob: names.PartialDate | None, owner: int) -> bool:
        kw = {"dob": f"{dob.year:04d}-{dob.month:02d}-{dob.day:02d}"} if dob else {}
        result = hl.check(name=query, **kw)
        return str(ids[owner]) in {h.record_id for h in result.hits} or bool(result.warnings)

    for e in range(idx.num_entries):
        parts = str(idx.normalised[e]).replace(",", "").split()
        owner = int(idx.owner[e])
        y, m, d = (int(idx.dob_year[owner]), int(idx.dob_month[owner]), int(idx.dob_day[owner]))
        dobs: list[names.PartialDate | None] = [None]
        if y > 0 and m > 0 and d > 0:
            dobs += [names.PartialDate(y, m, d), names.PartialDate(y + 1, m, d)]
        for i in range(len(parts) - 1):
            a, b = parts[i], parts[i + 1]
            if len(a) < 2 or len(b) < 2:
                continue
            joined = a + b
            forms = {_spelling(joined, rng), _typo(joined, rng)[0]}
            forms |= {_system(joined, s) for s in SYSTEMS}
            for form in forms:
                query = names.normalize(" ".join([*parts[:i], form, *parts[i + 2 :]]))
                if not query or (e, query) in seen:
                    continue
                seen.add((e, query))
                for dob in dobs:
                    tried += 1
                    pq = PersonQuery(query, dob, None, None)
                    bound = idx.bound(pq, np.array([e]))[0]
                    score = idx.score_pair(pq, e, with_reasons=False)
                    over = score.probability >= names.MATCH_THRESHOLD
                    if bound < score.bits - 1e-9:
                        violations += 1
                        print(f"bound<bits {query!r} dob={dob} listed={str(idx.normalised[e])!r}")
                    asked = args.check_all or bound < score.bits - 1e-9
                    if over and asked and not found(query, dob, owner):
                        misses += 1
                        print(f"MISS {query!r} dob={dob} listed={str(idx.normalised[e])!r}")
    print(f"tried {tried} bound<bits {violations} silent misses {misses}")


if __name__ == "__main__":
    main()
