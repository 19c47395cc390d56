"""``hotlist.screening_summary``: what a batch screening found, as tables and plots.

The input is ``check_many``'s table (or ``check_batches``' batches, or the file
``hotlist check-file`` wrote), as Arrow, pandas or polars.  Counts are per
*query* by its best hit (``check_many`` puts hits best first), so a query with
three hits counts once; ``hit_rows`` counts every hit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pyarrow as pa

from hotlist._errors import InvalidQuery
from hotlist._html import html_table

__all__ = ["ScreeningSummary", "screening_summary"]

NOTEBOOK_HINT = "plots need matplotlib: pip install 'hotlist[notebook]'"
SCORE_BINS = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.99, 1.0001)
SLOWEST = 10


def _as_arrow(results: Any) -> pa.Table:
    if isinstance(results, pa.Table):
        return results
    if isinstance(results, pa.RecordBatch):
        return pa.Table.from_batches([results])
    module = type(results).__module__.split(".")[0]
    if module == "pandas":
        return pa.Table.from_pandas(results, preserve_index=False)
    if module == "polars":
        return results.to_arrow()
    if hasattr(results, "__arrow_c_stream__"):
        return pa.table(results)
    if isinstance(results, Iterable):
        batches = list(results)
        if batches and all(isinstance(b, pa.RecordBatch | pa.Table) for b in batches):
            return pa.concat_tables(
                [b if isinstance(b, pa.Table) else pa.Table.from_batches([b]) for b in batches]
            )
    raise InvalidQuery(
        "screening_summary takes check_many's result: an Arrow table, record batches, "
        f"a pandas or polars frame; got {type(results).__name__}"
    )


def _column(table: pa.Table, name: str | None) -> list[Any] | None:
    if name is None or name not in table.column_names:
        return None
    return table.column(name).to_pylist()  # type: ignore[no-any-return]


# what to_dict() gives, in this order
_FIELDS = (
    "queries",
    "with_hit",
    "alarms",
    "possible",
    "errors",
    "with_warnings",
    "hit_rows",
    "by_dataset",
    "by_match",
    "by_severity",
    "by_country",
    "country_column",
    "score_histogram",
    "slowest",
    "time_column",
)


class ScreeningSummary:
    """Counts of a screening run, a score histogram and the slowest rows.

    Attributes: ``queries``, ``with_hit``, ``alarms``, ``possible``, ``errors``,
    ``with_warnings``, ``hit_rows``; ``by_dataset``, ``by_match``, ``by_severity``,
    ``by_country`` (queries with a hit, by their best hit); ``score_histogram``
    (bin edges and counts over every hit); ``slowest`` (rows by ``time_column``,
    when the results have one).  ``to_dict()`` for JSON, ``_repr_html_`` for a
    notebook, ``plot()`` for a report figure (matplotlib).
    """

    def __init__(
        self,
        results: Any,
        *,
        country_column: str | None = "country",
        time_column: str | None = None,
        id_column: str | None = None,
    ) -> None:
        table = _as_arrow(results)
        need = {"query_index", "hit"}
        if not need <= set(table.column_names):
            raise InvalidQuery(
                f"screening_summary: no {sorted(need - set(table.column_names))} column; "
                "give it check_many's result"
            )
        index = np.asarray(table.column("query_index").to_numpy(zero_copy_only=False))
        hit = np.asarray(table.column("hit").fill_null(False).to_numpy(zero_copy_only=False))
        _, first = np.unique(index, return_index=True)
        self.queries = len(first)
        self.hit_rows = int(hit.sum())
        best_rows = [int(i) for i in first if hit[i]]  # hits come best first per query
        self.with_hit = len(best_rows)

        def counts(name: str | None) -> dict[str, int]:
            values = _column(table, name)
            if values is None:
                return {}
            found = Counter(str(values[i]) for i in best_rows if values[i] is not None)
            return dict(found.most_common())

        self.by_dataset = counts("dataset")
        self.by_match = counts("match")
        self.by_severity = counts("severity")
        self.country_column = country_column if country_column in table.column_names else None
        self.by_country = counts(self.country_column)
        self.alarms = self.by_severity.get("alarm", 0)
        self.possible = self.by_severity.get("possible", 0)
        errors = _column(table, "error")
        self.errors = sum(1 for i in first if errors is not None and errors[i] is not None)
        warnings = _column(table, "warnings")
        self.with_warnings = sum(1 for i in first if warnings is not None and warnings[i])
        scores = _column(table, "score")
        hit_scores = np.array(
            [s for s, h in zip(scores or [], hit, strict=False) if h and s is not None], float
        )
        counts_, edges = np.histogram(hit_scores, bins=np.array(SCORE_BINS))
        self.score_histogram: dict[str, list[float] | list[int]] = {
            "edges": [round(float(e), 4) for e in edges],
            "counts": [int(c) for c in counts_],
        }
        self.scores = hit_scores
        self.time_column = time_column if time_column in table.column_names else None
        self.slowest: list[dict[str, Any]] = []
        if self.time_column is not None:
            times = np.asarray(
                table.column(self.time_column).fill_null(0).to_numpy(zero_copy_only=False), float
            )
            keep = [id_column] if id_column and id_column in table.column_names else []
            for i in np.argsort(-times[first])[:SLOWEST]:
                row = int(first[i])
                entry = {"query_index": int(index[row]), self.time_column: float(times[row])}
                entry |= {k: table.column(k)[row].as_py() for k in keep}
                self.slowest.append(entry)

    def to_dict(self) -> dict[str, Any]:
        """Everything as plain values (for JSON and reports)."""
        return {name: getattr(self, name) for name in _FIELDS}

    def __repr__(self) -> str:
        return (
            f"ScreeningSummary(queries={self.queries:,}, with_hit={self.with_hit:,}, "
            f"alarms={self.alarms:,}, possible={self.possible:,}, errors={self.errors:,})"
        )

    def _headline(self) -> list[tuple[str, int]]:
        return [
            ("queries", self.queries),
            ("with a hit", self.with_hit),
            ("alarm", self.alarms),
            ("possible", self.possible),
            ("could not be checked (error)", self.errors),
            ("with warnings", self.with_warnings),
            ("hit rows (every hit)", self.hit_rows),
        ]

    def _repr_html_(self) -> str:
        parts = [
            '<div style="display:flex;flex-wrap:wrap;gap:1.5em;align-items:flex-start">',
            html_table(("screening", ""), self._headline(), caption="Screening summary"),
        ]
        for title, found in (
            ("by dataset", self.by_dataset),
            ("by match level", self.by_match),
            ("by severity", self.by_severity),
            (f"by {self.country_column or 'country'}", self.by_country),
        ):
            if found:
                top = list(found.items())[:15]
                parts.append(html_table((title, "queries"), top, caption=f"Hits {title}"))
        edges, counts = self.score_histogram["edges"], self.score_histogram["counts"]
        bins = [
            (f"{edges[i]:.2f}–{min(1.0, float(edges[i + 1])):.2f}", counts[i])
            for i in range(len(counts))
        ]
        parts.append(html_table(("score", "hits"), bins, caption="Scores of every hit"))
        parts.append("</div>")
        if self.slowest:
            keys = list(self.slowest[0])
            parts.append(
                html_table(
                    keys, [tuple(r[k] for k in keys) for r in self.slowest], caption="Slowest rows"
                )
            )
        else:
            parts.append(
                "<p><i>Slowest rows: the results carry no per-row time "
                "(give <code>time_column=</code> to name one).</i></p>"
            )
        return "".join(parts)

    def plot(self, *, figsize: Sequence[float] = (11, 6.5)) -> Any:
        """A 2 x 2 matplotlib figure: queries with a hit by match level, by severity
        and by dataset, and the score histogram of every hit.  Needs matplotlib
        (``pip install 'hotlist[notebook]'``)."""
        try:
            import matplotlib.pyplot as plt  # noqa: PLC0415 - lazy optional import (matplotlib)
        except ImportError:
            raise ImportError(NOTEBOOK_HINT) from None
        fig, axes = plt.subplots(2, 2, figsize=tuple(figsize), constrained_layout=True)
        colours = {"alarm": "#c0392b", "possible": "#e67e22"}
        for ax, (title, found) in zip(
            axes.flat[:3],
            (
                ("Queries with a hit, by match level", self.by_match),
                ("by severity", self.by_severity),
                ("by dataset", self.by_dataset),
            ),
            strict=True,
        ):
            names = list(found)
            ax.barh(
                names, [found[n] for n in names], color=[colours.get(n, "#2c7fb8") for n in names]
            )
            ax.invert_yaxis()
            ax.set_title(title, loc="left")
            ax.set_xlabel("queries")
        ax = axes.flat[3]
        edges = np.array(self.score_histogram["edges"], float)
        ax.hist(self.scores, bins=np.minimum(edges, 1.0), color="#2c7fb8", edgecolor="white")
        ax.set_title("Scores of every hit", loc="left")
        ax.set_xlabel("score")
        ax.set_ylabel("hits")
        fig.suptitle(
            f"{self.with_hit:,} of {self.queries:,} queries with a hit "
            f"({self.alarms:,} alarm, {self.possible:,} possible)",
            x=0.01,
            ha="left",
        )
        return fig


def screening_summary(
    results: Any,
    *,
    country_column: str | None = "country",
    time_column: str | None = None,
    id_column: str | None = None,
) -> ScreeningSummary:
    """Summarise ``check_many``'s result (Arrow, pandas, polars, or record batches):
    queries with a hit by dataset, match level, severity and ``country_column``
    (the issuing or registration country as queried), a histogram of hit scores,
    and the slowest rows by ``time_column`` when the results carry one (check_many
    records no per-row time).  Shows as tables in a notebook; ``.plot()`` draws.

    >>> import hotlist
    >>> hl = hotlist.load(hotlist.sample_data_path(), progress=False)
    >>> s = hotlist.screening_summary(hl.check_many([{"document": "L898902C3", "country": "UTO"}]))
    >>> s.queries, s.with_hit, s.by_match
    (1, 1, {'exact': 1})
    """
    return ScreeningSummary(
        results, country_column=country_column, time_column=time_column, id_column=id_column
    )
