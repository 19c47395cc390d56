"""``check_many(workers=N)`` and the answer-once of identical rows (hotlist._batch_workers).

Worker processes are started with ``spawn``; each test waits for them (bounded)
before the batch it compares, so that the worker processes do answer rows (a
batch never waits for them: until they have the data open, every row is checked
in the calling process).  ``HOTLIST_OPEN_LOG`` says which process opened what
and answered how many rows.
"""

from __future__ import annotations

import dataclasses
import gc
import os
import shutil
from concurrent.futures import CancelledError
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest

import hotlist
from hotlist import _batch_workers, synth
from hotlist._batch_pool import RESULT_COLUMNS
from hotlist._batch_snapshot import worker_snapshot
from hotlist._batch_workers import MIN_PARALLEL_ROWS, Workers
from hotlist._workers import OPEN_LOG_ENV
from registered_kind import firearms_extract

START_TIMEOUT = 300.0  # seconds a worker process may take to start and open the data


@pytest.fixture(scope="module")
def tables() -> dict[str, pa.Table]:
    return {"persons": synth.persons(1500, 5), "documents": synth.documents(1000, 5)}


def _queries(tables: dict[str, pa.Table]) -> list[dict[str, Any]]:
    """Name rows (some twice), document rows (the vectorised path), rows check()
    refuses, a VIN; every row with pass-through columns."""
    persons = synth.person_queries(tables["persons"], 230, 60, seed=3)
    rows: list[dict[str, Any]] = [dict(q.query) for q in persons]
    rows += [dict(r) for r in rows[:25]]  # the same query again
    numbers = tables["documents"].column("document_number").to_pylist()[:6]
    rows += [{"document": n} for n in numbers]
    rows += [{}, {"name": "Ann Lee", "dob": "1990-13-45"}, {"vin": "KP042788"}]
    rows += [{"name": "Ann Lee", "document": numbers[0]}]
    for i, row in enumerate(rows):
        row["passenger"] = i * 7
        row["flight"] = f"XY{i % 13}"
    return rows


def _started(hl: hotlist.Hotlist, processes: int) -> Workers:
    workers = Workers.of(hl._state, processes, worker_snapshot)
    assert workers is not None
    assert workers.wait(START_TIMEOUT), workers.problem
    return workers


def _log(path: Path) -> list[tuple[str, int, str]]:
    out = []
    for line in path.read_text().splitlines():
        event, pid, detail = line.split(" ", 2)
        out.append((event, int(pid), detail))
    return out


@pytest.mark.parametrize("bad", [0, -1, True, 1.5, "2"])
def test_workers_must_be_a_whole_number_from_one(bad: object) -> None:
    hl = hotlist.Hotlist.from_tables(progress=False)
    with pytest.raises(hotlist.InvalidQuery, match="workers must be a whole number"):
        hl.check_many([{"name": "Ann Lee"}], workers=bad)  # type: ignore[arg-type]


def test_identical_rows_are_answered_once(
    tables: dict[str, pa.Table], monkeypatch: pytest.MonkeyPatch
) -> None:
    hl = hotlist.Hotlist.from_tables(persons=tables["persons"], progress=False)
    rows = [{"name": "Ann Lee", "dob": "1980-01-02"}, {"name": "Ann Lee"}] * 3 + [{}, {}]
    once = hl.check_many(rows)
    calls: list[object] = []
    real = _batch_workers.answer  # type: ignore[attr-defined]

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(_batch_workers, "answer", counting)
    again = hl.check_many(rows)
    assert len(calls) == 3  # two names and the empty query
    assert again.equals(once)
    result = [f.name for f in RESULT_COLUMNS if f.name != "query_index"]
    for i, row in enumerate(rows):
        mine = again.filter(pc.equal(again.column("query_index"), i))
        assert mine.select(result).equals(hl.check_many([row]).select(result))


def test_workers_equal_one_process_on_a_loaded_hotlist(
    tables: dict[str, pa.Table], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Built from tables (no snapshot): the data version is saved once as a
    temporary snapshot, the worker process answers rows from it, the result is
    one process's row for row, and the folder goes with the data version."""
    log = tmp_path / "open.log"
    monkeypatch.setenv(OPEN_LOG_ENV, str(log))
    hl = hotlist.Hotlist.from_tables(**tables, progress=False)
    rows = _queries(tables)
    alone = hl.check_many(rows)
    workers = _started(hl, 2)
    assert len(workers._temp) == 1
    temp = workers._temp[0]
    assert os.path.isdir(temp)
    together = hl.check_many(rows, workers=2)
    assert together.equals(alone)
    assert together.num_rows > len(rows)  # hits, misses and errors all there
    assert together.column("error").null_count < together.num_rows
    events = _log(log)
    opened = {pid for event, pid, _ in events if event == "open"}
    answered = sum(int(n) for event, pid, n in events if event == "rows" and pid != os.getpid())
    assert len(opened) == 1
    assert os.getpid() not in opened
    assert answered > 0  # the worker process did check rows
    # the next batch of the same data version reuses the same process
    assert hl.check_many(rows[::-1], workers=2).num_rows > 0
    assert {pid for event, pid, _ in _log(log) if event == "open"} == opened
    del workers, hl
    gc.collect()
    assert not os.path.exists(temp)


def test_workers_open_the_snapshot_the_hotlist_was_opened_from(
    tables: dict[str, pa.Table], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "open.log"
    monkeypatch.setenv(OPEN_LOG_ENV, str(log))
    hotlist.Hotlist.from_tables(**tables, progress=False).save(tmp_path / "snap")
    hl = hotlist.open(tmp_path / "snap")
    rows = _queries(tables)
    alone = hl.check_many(rows)
    workers = _started(hl, 3)
    assert workers._temp == []  # no copy written
    assert hl.check_many(rows, workers=3).equals(alone)
    keys = list(dict.fromkeys(k for r in rows for k in r))
    table = pa.table({k: [r.get(k) for r in rows] for k in keys})
    stream = hl.check_batches(table, batch_size=150, workers=3)
    assert pa.Table.from_batches(list(stream)).equals(hl.check_many(table))
    assert len({pid for event, pid, _ in _log(log) if event == "open"}) == 2


def test_a_small_batch_or_one_worker_stays_in_this_process(
    tables: dict[str, pa.Table], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "open.log"
    monkeypatch.setenv(OPEN_LOG_ENV, str(log))
    hl = hotlist.Hotlist.from_tables(**tables, progress=False)
    rows = _queries(tables)[: MIN_PARALLEL_ROWS - 1]
    assert hl.check_many(rows, workers=4).equals(hl.check_many(rows, workers=1))
    assert "check_many workers" not in hl._state.fast
    assert not log.exists()


def test_workers_that_cannot_start_leave_the_rows_here_with_a_warning(
    tables: dict[str, pa.Table],
) -> None:
    hl = hotlist.Hotlist.from_tables(**tables, progress=False)
    rows = _queries(tables)
    alone = hl.check_many(rows)

    def no_room(state: object, scratch: list[str]) -> tuple[str, str]:
        raise OSError(28, "No space left on device")

    workers = Workers.of(hl._state, 2, no_room)
    assert workers is not None
    assert not workers.wait(START_TIMEOUT)
    assert "No space left" in (workers.problem or "")
    with pytest.warns(RuntimeWarning, match="No space left") as said:
        assert hl.check_many(rows, workers=2).equals(alone)
    assert said[0].filename == __file__


def test_a_kind_registered_here_keeps_the_rows_here(
    tables: dict[str, pa.Table], tmp_path: Path
) -> None:
    hl = hotlist.Hotlist.from_tables(**tables, progress=False)
    rows = _queries(tables)
    alone = hl.check_many(rows)
    with (
        firearms_extract(tmp_path / "fx"),
        pytest.warns(RuntimeWarning, match="registered in this process") as said,
    ):
        assert hl.check_many(rows, workers=2).equals(alone)
    assert said[0].filename == __file__  # the warning points at the caller's line


def test_the_workers_snapshot_is_the_opened_folder_only_while_it_holds_that_data(
    tables: dict[str, pa.Table], tmp_path: Path
) -> None:
    """The folder a Hotlist was opened from, while it holds that very data version;
    a temporary snapshot of the data otherwise (a delta applied since: a new data
    version sharing the opened one's ``fast``; the folder replaced by other data)."""
    hotlist.Hotlist.from_tables(**tables, progress=False).save(tmp_path / "snap")
    state = hotlist.open(tmp_path / "snap")._state
    scratch: list[str] = []
    folder, digest = worker_snapshot(state, scratch)
    assert Path(folder) == (tmp_path / "snap").resolve()
    assert scratch == []
    after_delta = dataclasses.replace(state, data_version="after-a-delta")
    assert after_delta.fast is state.fast
    temp, _ = worker_snapshot(after_delta, scratch)
    assert len(scratch) == 1
    assert temp.startswith(scratch[0])
    assert hotlist.open(temp).data_version == "after-a-delta"
    other = {"persons": tables["persons"].slice(0, 100)}
    hotlist.Hotlist.from_tables(**other, progress=False).save(tmp_path / "snap", overwrite=True)
    worker_snapshot(state, scratch)
    assert len(scratch) == 2  # the folder holds other data now: a copy of this one
    for f in scratch:
        shutil.rmtree(f)
    assert digest


def test_a_worker_failure_is_said_by_its_first_cause() -> None:
    """The chunks cancelled after a worker's failure raise CancelledError: the
    warning names the failure itself, and gives the ``__main__`` guard hint only
    for a worker that could not start or died (reviewer's V-5)."""
    failed = Workers.__new__(Workers)
    failed.problem, failed._executor, failed._guard_hint = None, None, False
    failed._broken(KeyError("note"))
    failed._broken(CancelledError())
    assert failed.problem == "a worker process failed (KeyError('note'))"
    assert not failed._guard_hint
    died = Workers.__new__(Workers)
    died.problem, died._executor, died._guard_hint = None, None, False
    died._broken(BrokenProcessPool("a child process terminated abruptly"))
    assert died._guard_hint
