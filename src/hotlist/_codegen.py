"""Generate ``Hotlist.check()``'s signature, docstring and field plumbing from the
one table of query fields (:mod:`hotlist.fields`).

``check()`` keeps a written-out keyword-only signature, so that an integrator's
type checker catches a misspelt keyword; this module writes that signature (and
the docstring's field list, the document-only fast-path test and the ``given``
mapping) between the markers in ``engine.py``::

    python -m hotlist._codegen          # rewrite the block
    python -m hotlist._codegen --check  # exit 1 when the block is out of date

``tests/test_query_fields.py`` fails while the block differs from what the table gives.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

from hotlist._query import DEFAULT_LIMIT, DEFAULT_MAX_EDITS, DEFAULT_MIN_SCORE, DOCUMENT_ONLY
from hotlist._vehicle_fast import VEHICLE_ONLY
from hotlist.fields import BUILTIN_NAMES, field

__all__ = ["ENGINE", "check_block", "render", "up_to_date", "write"]

ENGINE = Path(__file__).with_name("engine.py")
BEGIN = "    # BEGIN generated: query fields"
END = "        # END generated"

_MAX_EDITS = DEFAULT_MAX_EDITS
_OPTIONS = f"""\
Options: ``limit`` (default {DEFAULT_LIMIT}) hits at most, best first; ``min_score``
(default {DEFAULT_MIN_SCORE}) drops weaker hits; ``max_edits`` (default {_MAX_EDITS}; 0 for exact
and OCR-equivalent keys only) is the edit tolerance for document
numbers and VINs; ``name_threshold`` (default
``hotlist.names.MATCH_THRESHOLD``) is the least person score reported.

Raises :class:`hotlist.InvalidQuery` for a value that cannot be used."""


def _bullet(name: str) -> list[str]:
    spec = field(name)
    text = f"``{name}``: {spec.help}"
    if spec.qualifies:
        text += "; qualifies " + " or ".join(f"``{q}``" for q in spec.qualifies)
    return textwrap.wrap(
        text + ".", width=92, initial_indent="- ", subsequent_indent="  ", break_on_hyphens=False
    )


def _only(fields: tuple[str, ...], *more: str) -> list[str]:
    """The test that a query gives none of the built-in fields but ``fields``."""
    return [
        "        if (",
        "            stale is None",
        "            and extra is None",
        *more,
        *(f"            and {n} is None" for n in BUILTIN_NAMES if n not in fields),
        "        ):",
    ]


def _arguments(fields: tuple[str, ...]) -> str:
    """A fast path's arguments: the state, ``fields``, then the options."""
    options = "limit, min_score, max_edits, name_threshold"
    return f"                state, {', '.join(fields)}, {options}"


def check_block() -> str:
    """The generated part of ``engine.py``, markers included."""
    out = [
        f"{BEGIN} (python -m hotlist._codegen; edit hotlist/fields.py, not this)",
        "    @compiled_entry",
        "    def check(",
        "        self,",
        "        *,",
    ]
    out += [f"        {n}: {field(n).annotation} = None," for n in BUILTIN_NAMES]
    out += [
        "        extra: Mapping[str, str] | None = None,",
        "        limit: int = DEFAULT_LIMIT,",
        "        min_score: float = DEFAULT_MIN_SCORE,",
        "        max_edits: int = DEFAULT_MAX_EDITS,",
        "        name_threshold: float | None = None,",
        "    ) -> CheckResult:",
    ]
    doc = [
        "Check one traveller, document, vehicle or person against every list.",
        "",
        "Keyword arguments only; combine as many as the situation gives:",
        "",
    ]
    for n in BUILTIN_NAMES:
        doc += _bullet(n)
    doc += textwrap.wrap(
        "- ``extra``: the fields of a dataset kind registered at run time, by name "
        '(``extra={"serial": "..."}``; see :func:`hotlist.fields.register_field`).',
        width=92,
        subsequent_indent="  ",
        break_on_hyphens=False,
    )
    doc += ["", *_OPTIONS.splitlines()]
    out.append('        """' + doc[0])
    out += [f"        {line}" if line else "" for line in doc[1:]]
    out.append('        """')
    out += [
        "        state = self._state",
        "        stale = self._stale_note(state) if state.stale_after < time.time() else None",
        *_only(DOCUMENT_ONLY, "            and document is not None"),
        "            # the border's commonest call, a document number alone",
        "            return document_check(",
        _arguments(DOCUMENT_ONLY),
        "            )",
        *_only(VEHICLE_ONLY),
        "            # a VIN alone, or a plate (with its country): a miss answered at once",
        "            missed = vehicle_miss(",
        _arguments(VEHICLE_ONLY),
        "            )",
        "            if missed is not None:",
        "                return missed",
        "        given = {",
    ]
    out += [f'            "{n}": {n},' for n in BUILTIN_NAMES]
    out += ["        }", END]
    return "\n".join(out) + "\n"


def render(source: str) -> str:
    """``source`` (engine.py's text) with its generated block brought up to date."""
    start = source.index(BEGIN)
    stop = source.index(END, start)
    stop = source.index("\n", stop) + 1
    return source[:start] + check_block() + source[stop:]


def up_to_date() -> bool:
    """Whether engine.py holds the block the table gives."""
    source = ENGINE.read_text(encoding="utf-8")
    return render(source) == source


def write() -> bool:
    """Rewrite the block; True when engine.py changed."""
    source = ENGINE.read_text(encoding="utf-8")
    new = render(source)
    if new != source:
        ENGINE.write_text(new, encoding="utf-8")
    return new != source


def main(argv: list[str]) -> int:
    if "--check" in argv:
        if up_to_date():
            return 0
        print("engine.py: check()'s generated block is out of date; run python -m hotlist._codegen")
        return 1
    print("engine.py: rewritten" if write() else "engine.py: up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
