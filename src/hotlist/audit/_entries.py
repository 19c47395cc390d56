"""The bodies of ``check`` entries: one audited check, or the rows of a ``check_many``.

Written by the log's writer (``_log.AuditLog._format``), never by the caller, so
that an audited check costs its caller one small tuple and a queue append.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field
from typing import Any

from hotlist.audit._format import KeyedHasher, _dumps, canonical_line

__all__ = ["BatchData", "CheckData", "SessionContext", "batch_lines", "check_body"]


@dataclass(frozen=True)
class SessionContext:
    """Who checks, where and why: stamped on every entry of a session."""

    operator: str
    role: str
    purpose: str
    post: str
    session: str
    fields: dict[str, str] = field(default_factory=dict)

    def fragments(self) -> tuple[str, str, str]:
        """The context's keys as canonical JSON pieces, in the places they sort to:
        operator; post and purpose; role and session."""
        got: tuple[str, str, str] | None = self.__dict__.get("_fragments")
        if got is None:
            d = _dumps
            got = (
                f'"operator":{d(self.operator)}',
                f'"post":{d(self.post)},"purpose":{d(self.purpose)}',
                f'"role":{d(self.role)},"session":{d(self.session)}',
            )
            object.__setattr__(self, "_fragments", got)
        return got

    def __post_init__(self) -> None:
        self.fields.update(
            operator=self.operator,
            role=self.role,
            purpose=self.purpose,
            post=self.post,
            session=self.session,
        )


# (context, query values in clear, options, hits [[dataset, record_id, severity]],
#  alarm, omitted, latency in ns, data version, matcher version, error class or None)
CheckData = tuple[
    SessionContext,
    dict[str, Any],
    dict[str, Any],
    list[list[str]],
    bool,
    int,
    int,
    str,
    str,
    str | None,
]


def check_text(hasher: KeyedHasher, data: CheckData, t: str, entry_id: str) -> str:
    """The canonical JSON of a check entry, less its opening brace (``canonical_line``
    puts ``seq`` and ``prev`` first): the keys in sorted order, written directly
    rather than through a sorted ``json.dumps`` of a dict -- the same bytes as
    :func:`check_body` (tested), at a fraction of the cost in the log's writer."""
    ctx, query, options, hits, alarm, omitted, latency_ns, version, matcher, error = data
    frags = ctx.fragments()
    q = hasher.query(query)
    q_text = "{" + ",".join(f'"{k}":"{q[k]}"' for k in sorted(q)) + "}"
    key = tuple(sorted(query))
    fields_text = _FIELDS.get(key)
    if fields_text is None:
        fields_text = _FIELDS[key] = _dumps(list(key))
    return (
        f'"alarm":{"true" if alarm else "false"},"data_version":{_text(version)},'
        + ("" if error is None else f'"error":{_text(error)},')
        + f'"fields":{fields_text},"hits":{_dumps(hits) if hits else "[]"},'
        f'"id":"{entry_id}","kind":"check",'
        # a finite float's JSON is its repr (what json.dumps writes)
        f'"latency_us":{round(latency_ns / 1000, 1)!r},'
        f'"matcher":{_text(matcher)},"omitted":{int(omitted)},{frags[0]},'
        f'"opts":{_dumps(jsonable(options)) if options else "{}"},{frags[1]},"q":{q_text},'
        f'{frags[2]},"t":"{t}"}}'
    )


_FIELDS: dict[tuple[str, ...], str] = {}
_TEXTS: dict[str, str] = {}


def _text(value: str) -> str:
    """JSON of a short string that repeats (data version, matcher, error class, ids):
    memoised while the memo is small, else written plainly."""
    got = _TEXTS.get(value)
    if got is None:
        got = _dumps(value)
        if len(_TEXTS) < 4096 and len(value) < 64:
            _TEXTS[value] = got
    return got


def check_body(hasher: KeyedHasher, data: CheckData, t: str, entry_id: str) -> dict[str, Any]:
    ctx, query, options, hits, alarm, omitted, latency_ns, version, matcher, error = data
    body: dict[str, Any] = {
        "kind": "check",
        "t": t,
        "id": entry_id,
        **ctx.fields,
        "fields": sorted(query),
        "q": hasher.query(query),
        "opts": jsonable(options),
        "hits": hits,
        "alarm": alarm,
        "omitted": omitted,
        "latency_us": round(latency_ns / 1000, 1),
        "data_version": version,
        "matcher": matcher,
    }
    if error is not None:
        body["error"] = error
    return body


@dataclass
class BatchData:
    """One audited ``check_many``: the query columns in clear (until written), and
    per row the hits (dataset, record_id, severity) and any error class."""

    ctx: SessionContext
    columns: dict[str, list[Any]]
    rows: int
    hits: dict[int, list[list[str]]]
    alarms: set[int]
    errors: dict[int, str]
    options: dict[str, Any]
    latency_ns: int
    data_version: str
    matcher: str


def jsonable(options: dict[str, Any]) -> dict[str, Any]:
    """Options as JSON values: anything else by its repr (never a failed write)."""
    out: dict[str, Any] = {}
    for k, v in options.items():
        ok = v is None or isinstance(v, (str, int, float, bool))
        out[str(k)] = v if ok else repr(v)
    return out


_HOLE = re.compile(r'"@@(\w+)@@"')


def batch_lines(  # noqa: PLR0917 - one caller, the writer
    hasher: KeyedHasher,
    data: BatchData,
    t: str,
    batch_id: str,
    seq: int,
    prev: str,
    chunks: list[bytes],
) -> tuple[int, str, int]:
    """Append one line per row of the batch to ``chunks``; returns the new chain
    head ``(seq, prev)`` and the number of lines.

    The constant part of the rows is serialised once; each row fills the holes
    (row, fields, q, hits, alarm, error) of that template, which gives the same
    bytes as the canonical form (sorted keys, compact) of the whole entry.
    """
    per_row = max(1, data.rows)
    template = {
        "kind": "check",
        "t": t,
        "batch": batch_id,
        **data.ctx.fields,
        "opts": jsonable(data.options),
        "latency_us": round(data.latency_ns / 1000 / per_row, 3),
        "data_version": data.data_version,
        "matcher": data.matcher,
        "row": "@@row@@",
        "fields": "@@fields@@",
        "q": "@@q@@",
        "hits": "@@hits@@",
        "alarm": "@@alarm@@",
        "omitted": 0,
    }
    with_error = dict(template, error="@@error@@")
    # "%(name)s" holes in %-format templates; the constant text's own % doubled
    plain_text, error_text = _dumps(template)[1:], _dumps(with_error)[1:]
    if len(_HOLE.findall(plain_text)) != 5 or len(_HOLE.findall(error_text)) != 6:
        # a session field that looks like a hole ("@@row@@"): no template
        return _batch_lines_plain(hasher, data, template, seq, prev, chunks)
    fmt_plain = _HOLE.sub(r"%(\1)s", plain_text.replace("%", "%%"))
    fmt_error = _HOLE.sub(r"%(\1)s", error_text.replace("%", "%%"))
    names = sorted(data.columns)
    columns = [data.columns[n] for n in names]
    fields_cache: dict[tuple[str, ...], str] = {}
    sha256 = hashlib.sha256
    for i in range(data.rows):
        present: list[str] = []
        q_parts: list[str] = []
        for name, column in zip(names, columns, strict=True):
            value = column[i]
            if value is None or (isinstance(value, float) and math.isnan(value)):
                continue
            present.append(name)
            q_parts.append(f'"{name}":"{hasher(name, value)}"')
            if name == "mrz":
                doc = hasher.query({"mrz": value}).get("mrz.document")
                if doc is not None:
                    q_parts.append(f'"mrz.document":"{doc}"')
        key = tuple(present)
        fields_text = fields_cache.get(key)
        if fields_text is None:
            fields_text = fields_cache[key] = _dumps(list(key))
        hits = data.hits.get(i)
        error = data.errors.get(i)
        values = {
            "row": str(i),
            "fields": fields_text,
            "q": "{" + ",".join(sorted(q_parts)) + "}",
            "hits": _dumps(hits) if hits else "[]",
            "alarm": "true" if i in data.alarms else "false",
        }
        if error is not None:
            values["error"] = _dumps(error)
        text = (fmt_plain if error is None else fmt_error) % values
        seq += 1
        line = b'{"seq":%d,"prev":"%s",%s' % (seq, prev.encode(), text.encode())
        prev = sha256(line).hexdigest()
        chunks.append(line + b"\n")
    return seq, prev, data.rows


def _batch_lines_plain(  # noqa: PLR0917 - private, one caller
    hasher: KeyedHasher,
    data: BatchData,
    template: dict[str, Any],
    seq: int,
    prev: str,
    chunks: list[bytes],
) -> tuple[int, str, int]:
    """:func:`batch_lines` through one ``json.dumps`` per row (the reference form)."""
    for i in range(data.rows):
        query = {
            n: col[i]
            for n, col in data.columns.items()
            if col[i] is not None and not (isinstance(col[i], float) and math.isnan(col[i]))
        }
        body = dict(
            template,
            row=i,
            fields=sorted(query),
            q=hasher.query(query),
            hits=data.hits.get(i, []),
            alarm=i in data.alarms,
        )
        if i in data.errors:
            body["error"] = data.errors[i]
        seq += 1
        line = canonical_line(seq, prev, body)
        prev = hashlib.sha256(line).hexdigest()
        chunks.append(line + b"\n")
    return seq, prev, data.rows
