"""Small HTML tables for notebooks (``_repr_html_``): escaped, styled inline, no dependency."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["html_table", "number"]

_TABLE = "border-collapse:collapse;margin:0.3em 0;font-size:0.9em"
_CELL = "padding:2px 8px;border-bottom:1px solid #ddd"


def number(value: Any) -> str:
    """``1234567`` as ``1,234,567``; floats to three significant places; None as a dash."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def html_table(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    caption: str | None = None,
    numeric: Sequence[bool] | None = None,
) -> str:
    """An HTML table; every cell escaped; numbers right-aligned and with thousands commas."""
    out = [f'<table style="{_TABLE}">']
    if caption:
        out.append(
            f'<caption style="text-align:left;font-weight:bold">{html.escape(caption)}</caption>'
        )
    out.append(
        "<thead><tr>"
        + "".join(f'<th style="{_CELL};text-align:left">{html.escape(h)}</th>' for h in headers)
        + "</tr></thead><tbody>"
    )
    for row in rows:
        cells = []
        for i, value in enumerate(row):
            right = numeric[i] if numeric is not None else isinstance(value, int | float)
            align = "right" if right else "left"
            cells.append(
                f'<td style="{_CELL};text-align:{align}">{html.escape(number(value))}</td>'
            )
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)
