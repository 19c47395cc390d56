"""The person index build keys each distinct name once (and normalises each
distinct listed value once); every entry must still hold exactly the keys of
the plain functions that the query side uses (``name_keys``, ``dob_keys``), or
a listed person could stop sharing a key with a query for it."""

from __future__ import annotations

from hotlist import synth
from hotlist._persons import PersonIndex, dob_keys, name_keys


def test_the_index_holds_the_plain_keys_of_every_entry() -> None:
    table = synth.persons(300, seed=5)
    index = PersonIndex(table)
    want: dict[str, set[int]] = {}
    for entry in range(index.num_entries):
        v = index.normalised[entry].as_py() or ""
        if v:
            for key in name_keys(v) + dob_keys(v, index.dob_of(int(index.owner[entry]))):
                want.setdefault(key, set()).add(entry)
    assert want
    for key, entries in want.items():
        assert set(index.index.postings(key).tolist()) == entries, key
