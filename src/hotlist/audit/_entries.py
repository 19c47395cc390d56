"""The bodies of ``check`` entries: one audited check, or the rows of a ``check_many``.

Written by the log's writer (``_log.AuditLog._format``), never by the caller, so
that an audited check costs its caller one small tuple and a queue append.
Both writers fill the holes of a template serialised once (per session and data
version, or per batch) rather than sorting and dumping a dict per entry: the
same bytes as the canonical form (tested against ``canonical_line``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from hotlist.audit import _chain
from hotlist.audit._format import KeyedHasher, canonical_line, dumps, is_missing, kernel_mode

__all__ = [
    "BatchData",
    "CheckData",
    "SessionContext",
    "batch_blocks",
    "batch_lines",
    "check_body",
    "check_line",
    "check_text",
    "jsonable",
    "latency_text",
    "latency_us",
]

Option = str | int | float | bool | None


@dataclass(frozen=True)
class SessionContext:
    """Who checks, where and why: stamped on every entry of a session."""

    operator: str
    role: str
    purpose: str
    post: str
    session: str
    fields: dict[str, str] = field(default_factory=dict)
    # check entry templates by (data version, matcher, error class), filled by the writer
    templates: dict[tuple[str, str, str | None], tuple[str, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def fragments(self) -> tuple[str, str, str]:
        """The context's keys as canonical JSON pieces, in the places they sort to:
        operator; post and purpose; role and session."""
        got: tuple[str, str, str] | None = self.__dict__.get("_fragments")
        if got is None:
            d = dumps
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
    Mapping[str, object],
    Mapping[str, object],
    list[list[str]],
    bool,
    int,
    int,
    str,
    str,
    str | None,
]

_FIELDS: dict[tuple[str, ...], str] = {}


def _check_template(
    ctx: SessionContext, version: str, matcher: str, error: str | None
) -> tuple[str, ...]:
    """The constant pieces of a check entry's line, between its 11 variable parts
    (seq, prev, alarm, fields, hits, id, latency, omitted, opts, q, t); memoised
    per session in ``ctx.templates``."""
    frags = ctx.fragments()
    return (
        '{"seq":',
        ',"prev":"',
        '","alarm":',
        f',"data_version":{dumps(version)},'
        + ("" if error is None else f'"error":{dumps(error)},')
        + '"fields":',
        ',"hits":',
        ',"id":"',
        '","kind":"check","latency_us":',
        f',"matcher":{dumps(matcher)},"omitted":',
        f',{frags[0]},"opts":',
        f',{frags[1]},"q":',
        f',{frags[2]},"t":"',
        '"}',
    )


def check_line(  # noqa: PLR0917 - one caller, the writer
    hasher: KeyedHasher, data: CheckData, t: str, entry_id: str, seq: int, prev: str
) -> str:
    """The canonical line (without newline) of a check entry at ``seq`` after ``prev``,
    as text: the same bytes, once encoded, as :func:`canonical_line` of
    :func:`check_body` (tested), at a fraction of the cost."""
    ctx, query, options, hits, alarm, omitted, latency_ns, version, matcher, error = data
    keys = sorted(query)
    if "mrz" in query:
        q = hasher.query(query)
        q_text = "{" + ",".join([f'"{k}":"{q[k]}"' for k in sorted(q)]) + "}"
    else:
        q_text = "{" + ",".join([f'"{k}":"{hasher(k, query[k])}"' for k in keys]) + "}"
    key = tuple(keys)
    fields_text = _FIELDS.get(key)
    if fields_text is None:
        if len(_FIELDS) >= 4096:
            _FIELDS.clear()
        fields_text = _FIELDS[key] = dumps(keys)
    pieces = ctx.templates.get((version, matcher, error))
    if pieces is None:
        pieces = ctx.templates[version, matcher, error] = _check_template(
            ctx, version, matcher, error
        )
    p0, p1, p2, p3, p4, p5, p6, p7, p8, p9, p10, p11 = pieces
    tenths = (latency_ns + 50) // 100  # latency_text, inline
    latency = f"{tenths // 10}.{tenths % 10}" if 0 <= tenths < 10**15 else repr(tenths / 10)
    alarm_text = "true" if alarm else "false"
    hits_text = dumps(hits) if hits else "[]"
    opts = dumps(jsonable(options)) if options else "{}"
    return (
        f"{p0}{seq}{p1}{prev}{p2}{alarm_text}{p3}{fields_text}{p4}{hits_text}{p5}{entry_id}"
        f"{p6}{latency}{p7}{int(omitted)}{p8}{opts}{p9}{q_text}{p10}{t}{p11}"
    )


def latency_us(latency_ns: int) -> float:
    """A latency in microseconds to the tenth (half up), as logged."""
    return ((latency_ns + 50) // 100) / 10


def latency_text(latency_ns: int) -> str:
    """The JSON of :func:`latency_us` (a float's repr, what ``json.dumps`` writes),
    without a float: the same text (tested)."""
    tenths = (latency_ns + 50) // 100
    return f"{tenths // 10}.{tenths % 10}" if 0 <= tenths < 10**15 else repr(tenths / 10)


def check_text(hasher: KeyedHasher, data: CheckData, t: str, entry_id: str) -> str:
    """:func:`check_line` less ``seq`` and ``prev`` and its opening brace."""
    line = check_line(hasher, data, t, entry_id, 0, "")
    return line[line.index('"prev":"",') + 10 :]


def check_body(hasher: KeyedHasher, data: CheckData, t: str, entry_id: str) -> dict[str, Any]:
    """The entry of :func:`check_line` as a dict (the reference form)."""
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
        "latency_us": latency_us(latency_ns),
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
    columns: Mapping[str, Sequence[object]]
    rows: int
    hits: dict[int, list[list[str]]]
    alarms: set[int]
    errors: dict[int, str]
    options: Mapping[str, Option]
    latency_ns: int
    data_version: str
    matcher: str


def jsonable(options: Mapping[str, object]) -> dict[str, Option]:
    """Options as JSON values: anything else by its repr (never a failed write)."""
    out: dict[str, Option] = {}
    for k, v in options.items():
        out[str(k)] = v if v is None or isinstance(v, str | int | float | bool) else repr(v)
    return out


_HOLE = re.compile(r'"@@(\w+)@@"')
_ROWS_AT_ONCE = 8192  # rows formatted and chained together (their text stays in cache)
_KERNEL_ROWS = 512  # rows a call of the kernel formats and chains (~220 kB: in the CPU's cache)
# The holes of a batch row's template, in the order their keys sort to.
_ROW_HOLES = ["alarm", "fields", "hits", "q", "row"]


def _row_template(data: BatchData, t: str, batch_id: str) -> dict[str, Any]:
    return {
        "kind": "check",
        "t": t,
        "batch": batch_id,
        **data.ctx.fields,
        "opts": jsonable(dict(data.options)),
        "latency_us": round(data.latency_ns / 1000 / max(1, data.rows), 3),
        "data_version": data.data_version,
        "matcher": data.matcher,
        "row": "@@row@@",
        "fields": "@@fields@@",
        "q": "@@q@@",
        "hits": "@@hits@@",
        "alarm": "@@alarm@@",
        "omitted": 0,
    }


def _holes_to_format(text: str, holes: list[str]) -> str | None:
    """``text`` with its ``"@@name@@"`` holes as ``%s`` (its own ``%`` doubled); None
    when the holes are not exactly ``holes`` in that order (a session field that
    looks like a hole)."""
    if _HOLE.findall(text) != holes:
        return None
    return _HOLE.sub("%s", text.replace("%", "%%"))


def _query_texts(hasher: KeyedHasher, data: BatchData) -> tuple[list[str], list[str]]:
    """Per row, the ``q`` object (keyed hashes) and the ``fields`` list as JSON."""
    names = sorted(data.columns)
    hashed = [hasher.column(name, data.columns[name]) for name in names]
    n = data.rows
    if len(names) == 1 and names[0] != "mrz" and None not in hashed[0]:
        name = names[0]
        return [f'{{"{name}":"{h}"}}' for h in hashed[0]], [dumps(names)] * n
    mrz_docs: list[str | None] = (
        [
            None if h is None else _mrz_hash(hasher, v)
            for h, v in zip(hashed[names.index("mrz")], data.columns["mrz"], strict=True)
        ]
        if "mrz" in names
        else []
    )
    q_texts: list[str] = []
    fields_texts: list[str] = []
    cache: dict[tuple[str, ...], str] = {}
    for i in range(n):
        present: list[str] = []
        parts: list[str] = []
        for name, column in zip(names, hashed, strict=True):
            h = column[i]
            if h is None:
                continue
            present.append(name)
            parts.append(f'"{name}":"{h}"')
            if name == "mrz" and mrz_docs[i] is not None:
                parts.append(f'"mrz.document":"{mrz_docs[i]}"')
        key = tuple(present)
        text = cache.get(key)
        if text is None:
            text = cache[key] = dumps(list(key))
        fields_texts.append(text)
        q_texts.append("{" + ",".join(sorted(parts)) + "}")
    return q_texts, fields_texts


def _mrz_hash(hasher: KeyedHasher, value: object) -> str | None:
    return hasher.query({"mrz": value}).get("mrz.document")


def batch_lines(  # noqa: PLR0917 - the reference form of batch_blocks
    hasher: KeyedHasher,
    data: BatchData,
    t: str,
    batch_id: str,
    seq: int,
    prev: str,
    chunks: list[bytes],
) -> tuple[int, str, int]:
    """Append one line per row of the batch to ``chunks``; returns the new chain
    head ``(seq, prev)`` and the number of lines (:func:`batch_blocks`, gathered)."""
    head = (b"", seq, prev)
    for block in batch_blocks(hasher, data, t, batch_id, seq, prev):
        chunks.append(block[0])
        head = block
    return head[1], head[2], data.rows


def batch_blocks(  # noqa: PLR0917 - batch_lines' and the writer's
    hasher: KeyedHasher, data: BatchData, t: str, batch_id: str, seq: int, prev: str
) -> Iterator[tuple[bytes, int, str]]:
    """The lines of the batch's rows, a block of rows at a time: ``(lines, seq,
    prev)``, the block's lines (each with its newline) and the chain head after
    them.  The writer writes each block as it comes, while it is in the CPU's
    cache (about 0.5 us a row less than one write of the whole batch).

    The constant part of the rows is serialised once; each row fills the holes
    (alarm, error, fields, hits, q, row) of that template, which gives the same
    bytes as the canonical form (sorted keys, compact) of the whole entry.
    """
    template = _row_template(data, t, batch_id)
    plain = _holes_to_format(dumps(template)[1:], _ROW_HOLES)
    with_error = _holes_to_format(
        dumps(dict(template, error="@@error@@"))[1:], ["alarm", "error", *_ROW_HOLES[1:]]
    )
    if plain is None or with_error is None:
        chunks: list[bytes] = []
        seq, prev, _ = _batch_lines_plain(hasher, data, template, seq, prev, chunks)
        if chunks:
            yield b"".join(chunks), seq, prev
        return
    # the usual row (no hit, no error) as text around its fields, q and row number
    u0, u1, u2, u3 = (plain % ("false", "\0", "[]", "\0", "\0")).split("\0")
    hits, alarms, errors = data.hits, data.alarms, data.errors

    def rest(i: int, q_text: str, fields_text: str) -> str:
        """Row ``i``'s line after its ``seq`` and ``prev``."""
        if i in hits or i in errors or i in alarms:
            alarm = "true" if i in alarms else "false"
            hit_text = dumps(hits[i]) if i in hits else "[]"
            if i in errors:
                return with_error % (alarm, dumps(errors[i]), fields_text, hit_text, q_text, i)
            return plain % (alarm, fields_text, hit_text, q_text, i)
        return f"{u0}{fields_text}{u1}{q_text}{u2}{i}{u3}"

    if _chain.COMPILED:
        yield from _kernel_blocks(hasher, data, (u0, u1, u2, u3), rest, seq, prev)
        return
    q_texts, fields_texts = _query_texts(hasher, data)
    sha256 = hashlib.sha256
    for a in range(0, data.rows, _ROWS_AT_ONCE):  # a block of rows at a time: in cache
        rests: list[str] = []
        add = rests.append
        for i in range(a, min(a + _ROWS_AT_ONCE, data.rows)):
            if i in hits or i in errors or i in alarms:
                add(rest(i, q_texts[i], fields_texts[i]))
            else:
                add(f"{u0}{fields_texts[i]}{u1}{q_texts[i]}{u2}{i}{u3}")
        lines: list[bytes] = []
        keep = lines.append
        for text in rests:
            seq += 1
            line = f'{{"seq":{seq},"prev":"{prev}",{text}'.encode()
            prev = sha256(line).hexdigest()
            keep(line)
        lines.append(b"")
        yield b"\n".join(lines), seq, prev


def _kernel_blocks(  # noqa: PLR0917 - one caller, batch_blocks
    hasher: KeyedHasher,
    data: BatchData,
    usual: tuple[str, str, str, str],
    rest: Callable[[int, str, str], str],
    seq: int,
    prev: str,
) -> Iterator[tuple[bytes, int, str]]:
    """:func:`batch_blocks` through the compiled kernel: it hashes the values and
    fills ``usual`` (the text of a row without hit or error, around its fields,
    q and row number) for every row whose values are ASCII text of fields it
    normalises, and chains every line; the other rows' text comes from ``rest``."""
    u0, u1, u2, u3 = usual
    names = sorted(data.columns)
    modes = [kernel_mode(name) for name in names]
    columns: list[list[object]] = []
    pieces: list[bytes] = []
    special: list[int] = []
    if names and None not in modes:
        columns = [_as_list(data.columns[name]) for name in names]
        pieces = [
            f'{u0}{dumps(names)}{u1}{{"{names[0]}":"'.encode(),
            *[f'","{name}":"'.encode() for name in names[1:]],
            f'"}}{u2}'.encode(),
            u3.encode(),
        ]
        special = sorted(data.hits.keys() | data.errors.keys() | data.alarms)

        def rest_of(i: int) -> bytes:
            q_text, fields_text = _row_query(hasher, names, columns, i)
            return rest(i, q_text, fields_text).encode()

    else:  # names or an MRZ: the pure path's texts, chained by the kernel
        q_texts, fields_texts = _query_texts(hasher, data)

        def rest_of(i: int) -> bytes:
            return rest(i, q_texts[i], fields_texts[i]).encode()

    block = hasher.key_block()
    prefixes = [hasher.prefix(name) for name in names] if columns else []
    kernel_modes = [m for m in modes if m is not None] if columns else []
    for a in range(0, data.rows, _KERNEL_ROWS):
        lines, seq, prev = _chain.rows(
            block,
            prefixes,
            kernel_modes,
            columns,
            pieces,
            special,
            rest_of,
            a,
            min(_KERNEL_ROWS, data.rows - a),
            seq,
            prev,
        )
        yield lines, seq, prev


def _as_list(values: Sequence[object]) -> list[object]:
    return values if type(values) is list else list(values)


def _row_query(
    hasher: KeyedHasher, names: list[str], columns: list[list[object]], i: int
) -> tuple[str, str]:
    """Row ``i``'s ``q`` object and ``fields`` list as JSON (no MRZ among ``names``):
    the texts :func:`_query_texts` gives it."""
    present = [
        name for name, column in zip(names, columns, strict=True) if not is_missing(column[i])
    ]
    q = ",".join(
        f'"{name}":"{hasher(name, column[i])}"'
        for name, column in zip(names, columns, strict=True)
        if not is_missing(column[i])
    )
    return "{" + q + "}", dumps(present)


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
        query = {n: col[i] for n, col in data.columns.items() if not is_missing(col[i])}
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
