"""Progress bars: shown when asked (a lasting bar with its elapsed time), never
when off, and a batch checked in parts for its bar answers exactly as in one go."""

from __future__ import annotations

import io

import pyarrow as pa
import pytest

import hotlist
from hotlist import _progress


@pytest.fixture(scope="module")
def hl() -> hotlist.Hotlist:
    return hotlist.load(hotlist.sample_data_path(), progress=False)


def _manifest(hl: hotlist.Hotlist, n: int) -> pa.Table:
    listed = hl.sql("select document_number, issuing_country from documents limit 50").arrow()
    docs = listed.column(0).to_pylist()
    countries = listed.column(1).to_pylist()
    return pa.table(
        {
            "passenger_id": [f"P{i}" for i in range(n)],
            "doc_no": [docs[i % 50] if i % 7 == 0 else f"Z{i:08d}" for i in range(n)],
            "country": [countries[i % 50] for i in range(n)],
            "name": [None if i % 1000 else "Anna Maria Eriksson" for i in range(n)],
        }
    )


def test_parts_answer_as_one_call(hl: hotlist.Hotlist, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_progress, "PART_ROWS", 1_000)
    manifest = _manifest(hl, 3_500)
    whole = hl.check_many(manifest, columns={"doc_no": "document"}, progress=False)
    parted = hl.check_many(manifest, columns={"doc_no": "document"}, progress=True)
    assert parted.equals(whole)
    assert parted.column("query_index").to_pylist()[-1] == 3_499
    # pandas and lists of dicts are sliced the same way
    for other in (manifest.to_pandas(), manifest.to_pylist()):
        one = hl.check_many(other, columns={"doc_no": "document"}, progress=False)
        assert hl.check_many(other, columns={"doc_no": "document"}, progress=True).equals(one)
        assert one.num_rows == whole.num_rows


def test_bar_is_shown_and_stays(monkeypatch: pytest.MonkeyPatch) -> None:
    from rich.console import Console

    out = io.StringIO()
    monkeypatch.setattr(
        "rich.console.Console", lambda **kw: Console(file=out, force_terminal=True, width=100)
    )
    with _progress.Steps(3, enabled=True, delay=0, title="job", unit="rows") as bar:
        bar.advance(2)
        bar.advance(1)
        assert bar.shown
    text = out.getvalue()
    assert "job: done in" in text and "3/3" in text


def test_off_means_off(monkeypatch: pytest.MonkeyPatch) -> None:
    with _progress.Steps(3, enabled=False, delay=0) as bar:
        bar.advance(3)
        assert not bar.shown
    monkeypatch.setattr(_progress, "in_jupyter", lambda: False)
    assert _progress.interactive() is False  # pytest's stderr is not a terminal
    assert _progress.Steps(1).enabled is False


def test_jupyter_without_widgets_stays_quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_progress, "in_jupyter", lambda: True)
    monkeypatch.setattr(_progress, "_widgets", lambda: False)
    assert _progress.interactive() is False
    assert _progress.Steps(1, enabled=True).enabled is False


def test_no_bars_from_worker_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    monkeypatch.setattr(_progress, "in_jupyter", lambda: True)
    monkeypatch.setattr(_progress, "_widgets", lambda: True)
    assert _progress.interactive() is True
    seen: list[bool] = []
    worker = threading.Thread(target=lambda: seen.append(_progress.interactive()))
    worker.start()
    worker.join()
    assert seen == [False]


def test_a_long_single_step_shows_its_bar_before_it_ends(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import time

    from rich.console import Console

    out = io.StringIO()
    monkeypatch.setattr(
        "rich.console.Console", lambda **kw: Console(file=out, force_terminal=True, width=100)
    )
    monkeypatch.setattr(_progress, "in_jupyter", lambda: False)
    with _progress.Steps(1, enabled=True, delay=0.01, title="load") as bar, bar.step("reading"):
        deadline = time.monotonic() + 30
        while not bar.shown and time.monotonic() < deadline:
            time.sleep(0.01)
        assert bar.shown  # shown by the timer while the step still runs
    assert "load: done in" in out.getvalue()


def test_save_shows_a_bar_over_the_files_it_writes(
    hl: hotlist.Hotlist, monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    from pathlib import Path

    from rich.console import Console

    from hotlist import _snapshot_save as _snapshot

    out = io.StringIO()
    monkeypatch.setattr(
        "rich.console.Console", lambda **kw: Console(file=out, force_terminal=True, width=100)
    )
    made: list[_progress.Steps] = []

    def steps(total: int, **kw: object) -> _progress.Steps:
        bar = _progress.Steps(total, **{**kw, "delay": 0})  # type: ignore[arg-type]
        made.append(bar)
        return bar

    monkeypatch.setattr(_snapshot, "Steps", steps)
    dest = hl.save(Path(str(tmp_path)) / "snap", progress=True)
    written = [p for p in dest.rglob("*") if p.is_file() and p.suffix in (".arrow", ".npy")]
    assert made and made[0].done == made[0].total == len(written)
    assert "saving snapshot: done in" in out.getvalue()
    # and off means off
    made.clear()
    hl.save(Path(str(tmp_path)) / "quiet", progress=False)
    assert made and not made[0].shown
