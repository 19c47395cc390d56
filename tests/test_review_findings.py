"""Regression tests for the reviewer's findings (/tmp/notes/V.md), each failing before its fix."""

from __future__ import annotations

import json
import random
import sys
import threading
from pathlib import Path

import pyarrow as pa
import pytest

import hotlist
from hotlist import synth

PERSONS = [
    {
        "record_id": "P-IVANOV",
        "family_name": "IVANOV",
        "given_names": "Pyotr",
        "date_of_birth": "1960-03-14",
    },
    {
        "record_id": "P-OTHER",
        "family_name": "SMIRNOVA",
        "given_names": "Elena",
        "date_of_birth": "1971-11-02",
    },
]


@pytest.fixture(scope="module")
def listed(tmp_path_factory: pytest.TempPathFactory) -> hotlist.Hotlist:
    path = Path(tmp_path_factory.mktemp("v2")) / "persons.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in PERSONS), encoding="utf-8")
    return hotlist.load(persons=path)


@pytest.mark.parametrize(
    "query",
    [
        {"family_name": "IVANOV", "given_names": "Petr"},  # ICAO 9303 writes Пётр as PETR
        {"name": "IVANOV, Petr"},
        {"name": "ИВАНОВ Пётр"},  # transliterated by the library itself
    ],
)
def test_v2_petr_is_a_spelling_variant_of_pyotr(
    listed: hotlist.Hotlist, query: dict[str, str]
) -> None:
    """V-2: PETR / PYOTR (the usual English form) was a "loose" variant after d42bf8f,
    so the exact family name with this given name, and no date of birth, was no hit."""
    result = listed.check(**query)  # type: ignore[arg-type]
    assert [h.record_id for h in result.hits] == ["P-IVANOV"]
    assert any(
        "spelling variant: PETR / PYOTR" in r and "loose" not in r for r in result.hits[0].reasons
    )


def test_v2_petr_with_the_listed_date_of_birth_is_an_alarm(listed: hotlist.Hotlist) -> None:
    result = listed.check(name="IVANOV, Petr", dob="1960-03-14")
    assert [(h.record_id, h.severity) for h in result.hits] == [("P-IVANOV", "alarm")]


def _variants(table: pa.Table, n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    alphabet = "ABCDEFGHJKMNPRTUVWXYZ0123456789"
    out = []
    for number in rng.sample(table.column("document_number").to_pylist(), n):
        j = rng.randrange(len(number))
        out += [
            number,
            number[:j] + rng.choice(alphabet) + number[j + 1 :],
            number[:j] + number[j + 1 :],
        ]
    return out


def test_v6_two_data_versions_checked_at_once_keep_their_own_records() -> None:
    """V-6: the compiled document hit bound one state at a time; a thread switch
    between the bind and the hit made a check of one Hotlist report another's
    row (an unrelated record, or the right id with another record's fields)."""
    one = synth.documents(20_000, 1)
    two = synth.documents(20_000, 2)
    lists = [hotlist.Hotlist.from_tables(documents=t, progress=False) for t in (one, two)]
    numbers = {
        id(hl): dict(
            zip(
                t.column("record_id").to_pylist(),
                t.column("document_number").to_pylist(),
                strict=True,
            )
        )
        for hl, t in zip(lists, (one, two), strict=True)
    }
    queries = {id(hl): _variants(t, 400, 3) for hl, t in zip(lists, (one, two), strict=True)}
    wrong: list[tuple[str, str, str | None]] = []

    def work(hl: hotlist.Hotlist, seed: int) -> None:
        rng = random.Random(seed)
        qs = queries[id(hl)]
        listed = numbers[id(hl)]
        for _ in range(3 * len(qs)):
            q = rng.choice(qs)
            for h in hl.check(document=q).hits:
                shown = (h.record or {}).get("document_number")
                if h.record_id not in listed or shown != listed[h.record_id]:
                    wrong.append((q, h.record_id, shown))

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=work, args=(hl, k)) for k, hl in enumerate(lists * 2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(old)
    assert wrong == []
