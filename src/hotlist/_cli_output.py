"""How the ``hotlist`` command shows what is not a check result: rows and summaries as tables."""

from __future__ import annotations

from collections.abc import Iterable

import pyarrow as pa
from rich.console import Console
from rich.table import Table

__all__ = ["arrow_table", "cell", "console", "pairs_table"]


def console() -> Console:
    """The terminal the command writes to."""
    return Console()


def arrow_table(table: pa.Table, max_rows: int) -> Table:
    """A rich table of the first ``max_rows`` rows of an Arrow table."""
    out = Table(
        show_lines=False, caption=f"{table.num_rows:,} rows" if table.num_rows else "no rows"
    )
    for column in table.schema:
        numeric = str(column.type).startswith(("int", "uint", "float", "double", "decimal"))
        out.add_column(column.name, justify="right" if numeric else "left")
    for row in table.slice(0, max_rows).to_pylist():
        out.add_row(
            *("" if v is None else f"{v:,}" if isinstance(v, int) else str(v) for v in row.values())
        )
    if table.num_rows > max_rows:
        out.caption = f"{max_rows:,} of {table.num_rows:,} rows (--max-rows)"
    return out


def cell(value: object) -> str:
    """One value as a table cell: dicts and lists on one line, counts with commas."""
    if value is None:
        return "-"
    if isinstance(value, dict):
        return ", ".join(f"{k} {cell(v)}" for k, v in value.items()) or "-"
    if isinstance(value, list):
        return ", ".join(map(cell, value)) or "-"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def pairs_table(title: str, pairs: Iterable[tuple[object, object]]) -> Table:
    """A two-column table (what, value) for info, apply and snapshot summaries."""
    out = Table(title=title, show_header=False, title_justify="left")
    out.add_column(style="bold")
    out.add_column()
    for key, value in pairs:
        out.add_row(str(key).replace("_", " "), cell(value))
    return out
