"""Matching an extract's column names to the canonical ones.

Names are trimmed and compared case-insensitively (spaces and hyphens count as
underscores); ``mapping`` renames foreign columns first.

>>> r = resolve(["Record ID", "DIN", "Status", "Clerk"], "documents", {"din": "document_number"})
>>> r.sources["record_id"], r.sources["document_number"], r.ignored
('Record ID', 'DIN', ['Clerk'])
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from hotlist import datasets
from hotlist._errors import ExtractError

__all__ = ["Resolved", "key", "resolve"]

_SEP = re.compile(r"[\s\-]+")


def key(name: str) -> str:
    """The form column names are compared in."""
    return _SEP.sub("_", name.strip().lower())


@dataclass
class Resolved:
    sources: dict[str, str]  # canonical name -> the file's column name
    ignored: list[str] = field(default_factory=list)
    unused_mapping: list[str] = field(default_factory=list)


def resolve(
    names: Sequence[str],
    dataset: str,
    mapping: Mapping[str, str] | None = None,
    *,
    file: str | None = None,
) -> Resolved:
    columns = datasets.get(dataset).schema.names
    canonical = {key(n): n for n in columns}
    renames: dict[str, str] = {}
    for foreign, target in (mapping or {}).items():
        renames[key(foreign)] = target.strip()
    sources: dict[str, str] = {}
    ignored: list[str] = []
    used: set[str] = set()
    for name in names:
        k = key(name)
        if k in renames:
            used.add(k)
            target = renames[k]
            if target not in columns:
                raise ExtractError(
                    f"mapping sends column {name!r} to {target!r}, which is not a column of "
                    f"{dataset} (columns: {', '.join(columns)})",
                    file=file,
                )
        elif k in canonical:
            target = canonical[k]
        else:
            ignored.append(name)
            continue
        if target in sources:
            raise ExtractError(
                f"columns {sources[target]!r} and {name!r} both give {target!r}; "
                "map one of them elsewhere or drop it",
                file=file,
            )
        sources[target] = name
    unused = [f for f in (mapping or {}) if key(f) not in used]
    return Resolved(sources, ignored, unused)
