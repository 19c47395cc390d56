"""How results look: a table in a terminal (rich), HTML in a notebook."""

from __future__ import annotations

import html
from io import StringIO
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hotlist.schema import CheckResult, Hit

__all__ = ["result_html", "result_table", "result_text"]

# The record fields worth a column, per dataset, in the order an officer reads them.
KEY_FIELDS = {
    "documents": ("document_number", "issuing_country", "document_type", "status", "reported_on"),
    "vehicles": ("vin", "plate", "registration_country", "make", "model", "colour", "stolen_on"),
    "persons": ("name", "date_of_birth", "nationalities", "notice_type", "caution"),
}


def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(_fmt(v) for v in value)
    return str(value)


def _summary(hit: Hit) -> str:
    fields = KEY_FIELDS.get(hit.dataset, ())
    return "  ".join(_fmt(hit.record.get(f)) for f in fields if hit.record.get(f) not in (None, []))


def _not_checked(result: CheckResult) -> bool:
    """A query was asked but no list it is for was loaded: "not checked", not "clear"."""
    return not result.hits and bool(result.query) and not result.searched


def _headline(result: CheckResult) -> str:
    asked = ", ".join(f"{k}={v!r}" for k, v in result.query.items())
    if _not_checked(result):
        return f"NOT CHECKED: no list for this query is loaded  ({asked})"
    if not result.hits:
        return f"NO HIT  ({asked})"
    more = f" and {result.omitted} more (raise limit=)" if result.omitted else ""
    kind = "HIT (ALARM)" if result.alarm else "HIT"
    return f"{kind}: {len(result.hits)} record(s){more}  ({asked})"


def _record_text(hit: Hit, newline: str = "\n") -> str:
    """The record's key fields, then its caution and the action the hit asks for."""
    caution = hit.record.get("caution")
    out = _summary(hit)
    if caution:
        out += f"{newline}CAUTION: {caution}"
    if hit.action:
        out += f"{newline}ACTION: {hit.action}"
    return out


def _footer(result: CheckResult) -> str:
    searched = ", ".join(result.searched) if result.searched else "nothing"
    return f"searched {searched}; data version {result.data_version}"


def _style(result: CheckResult) -> tuple[str, str]:
    """(rich style, HTML colour) of the headline."""
    if result.hits:
        return "bold red", "#b00020"
    if _not_checked(result):
        return "bold yellow", "#8a6d00"
    return "bold green", "#1b5e20"


def result_table(result: CheckResult) -> Any:
    """A rich renderable of the result."""
    from rich.console import Group  # noqa: PLC0415 - lazy optional import (rich)
    from rich.table import Table  # noqa: PLC0415 - lazy optional import (rich)
    from rich.text import Text  # noqa: PLC0415 - lazy optional import (rich)

    head = Text(_headline(result), style=_style(result)[0])
    parts: list[Any] = [head]
    if result.hits:
        table = Table(show_lines=True)
        for col in ("score", "match", "dataset", "record", "reasons"):
            table.add_column(col, overflow="fold")
        for h in result.hits:
            record = _record_text(h)
            table.add_row(
                f"{h.score:.2f}\n{h.severity.upper() if h.severity == 'alarm' else h.severity}",
                h.match,
                f"{h.dataset}\n{h.record_id}",
                record,
                "\n".join(h.reasons),
            )
        parts.append(table)
    for w in result.warnings:
        parts.append(Text(f"warning: {w}", style="yellow"))
    parts.append(Text(_footer(result), style="dim"))
    return Group(*parts)


def result_text(result: CheckResult, width: int = 110) -> str:
    """The result as plain text (no colour), as ``print(result)`` shows it."""
    from rich.console import Console  # noqa: PLC0415 - lazy optional import (rich)

    buf = StringIO()
    Console(file=buf, width=width, color_system=None, force_terminal=False).print(
        result_table(result)
    )
    return buf.getvalue().rstrip("\n")


def result_html(result: CheckResult) -> str:
    """The result as an HTML fragment for notebooks."""
    e = html.escape
    colour = _style(result)[1]
    out = [f'<div><p style="color:{colour};font-weight:bold">{e(_headline(result))}</p>']
    if result.hits:
        out.append(
            "<table><thead><tr><th>score</th><th>match</th><th>dataset</th><th>record_id</th>"
            "<th>record</th><th>reasons</th></tr></thead><tbody>"
        )
        for h in result.hits:
            caution = h.record.get("caution")
            record = e(_summary(h)) + (f"<br><b>CAUTION: {e(caution)}</b>" if caution else "")
            if h.action:
                record += f"<br><b>ACTION:</b> {e(h.action)}"
            severity = "<b>ALARM</b>" if h.severity == "alarm" else e(h.severity)
            out.append(
                f"<tr><td>{h.score:.2f}<br>{severity}</td><td>{e(h.match)}</td>"
                f"<td>{e(h.dataset)}</td>"
                f"<td>{e(h.record_id)}</td><td>{record}</td>"
                f"<td>{'<br>'.join(e(r) for r in h.reasons)}</td></tr>"
            )
        out.append("</tbody></table>")
    for w in result.warnings:
        out.append(f'<p style="color:#8a6d00">warning: {e(w)}</p>')
    out.append(f"<p><small>{e(_footer(result))}</small></p></div>")
    return "".join(out)
