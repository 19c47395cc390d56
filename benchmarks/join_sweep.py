"""Listed names asked as ONE part: all the parts of each listed name run
together (as written, and given names first for a comma name), respelled the
ways ``person_devdata`` corrupts a name (a spelling variant, a typo, a German /
French / Polish / Arabic transliteration system), and asked with no DOB and with
the year of birth only (a full DOB finds such a name by the date keys).  For
every query the scorer puts over the threshold, ``check()`` must find the person
or say why it may not (a warning): a miss without either is a listed person
missed without a word.  ``bound_sweep.py`` joins one pair of parts at a time;
this is the class where nothing of the name is left apart.

    .venv/bin/python benchmarks/join_sweep.py --persons 1000 --seed 21

Prints ``tried N over-threshold O missed-with-warning W silent misses M``;
M must be 0 (1 December: 3,402 of 10,014 before the one-part pieces' keys, 3 after, 1 with the
letters at the cut swapped too).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import hotlist
from hotlist import names
from hotlist._persons import PersonQuery
from person_devdata import _spelling, _system, _typo, generate

SYSTEMS = ("german", "french", "polish", "arabic dialect", "arabic french")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--persons", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=21)
    args = ap.parse_args()
    table, _ = generate(args.persons, 0, 0, seed=args.seed)
    hl = hotlist.Hotlist.from_tables(persons=table, progress=False)
    idx = hl._state.persons
    idx = getattr(idx, "names", idx)
    rng = np.random.default_rng(1)
    ids = table.column("record_id")
    tried = over = misses = warned = 0
    cpu = 0.0
    seen: set[tuple[int, str]] = set()
    for e in range(idx.num_entries):
        listed = str(idx.normalised[e])
        family, comma, given = listed.partition(", ")
        orders = [listed.replace(",", "").replace(" ", "")]
        if comma:
            orders.append((given + family).replace(" ", ""))
        owner = int(idx.owner[e])
        year = int(idx.dob_year[owner])
        for joined in orders:
            if len(joined) < 4:
                continue
            forms = {_spelling(joined, rng), _typo(joined, rng)[0]}
            forms |= {_system(joined, s) for s in SYSTEMS}
            for form in forms:
                query = names.normalize(form)
                if not query or (e, query) in seen:
                    continue
                seen.add((e, query))
                for dob in [None] + ([f"{year:04d}"] if year > 0 else []):
                    tried += 1
                    partial = names.PartialDate(year, None, None) if dob else None
                    pq = PersonQuery(query, partial, None, None)
                    score = idx.score_pair(pq, e, with_reasons=False)
                    if score.probability < names.MATCH_THRESHOLD:
                        continue
                    over += 1
                    kw = {"dob": dob} if dob else {}
                    t0 = time.process_time()
                    result = hl.check(name=query, **kw)
                    cpu += time.process_time() - t0
                    if str(ids[owner]) in {h.record_id for h in result.hits}:
                        continue
                    if result.warnings:
                        warned += 1
                        continue
                    misses += 1
                    print(f"MISS {query!r} dob={dob} listed={listed!r} p={score.probability:.3f}")
    print(
        f"tried {tried} over-threshold {over} missed-with-warning {warned} silent misses {misses}"
        f" (check CPU {1000 * cpu / max(over, 1):.2f} ms a query)"
    )


if __name__ == "__main__":
    main()
