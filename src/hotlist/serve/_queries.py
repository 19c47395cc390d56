"""Reading queries from requests, by the one table of query fields.

A query object of ``POST /v1/check`` takes the declared query fields
(:func:`hotlist.fields.all_fields`, run-time registered fields included) and
check()'s options; ``POST /v1/check-many`` takes a JSON array, NDJSON or an
Arrow IPC stream of query rows and its options in the query string.  The
values themselves are checked by the library (:func:`hotlist.fields.clean`),
so an over-long or malformed value is a 422 with the library's message.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

import msgspec
import pyarrow as pa

from hotlist.fields import BUILTIN_NAMES, all_fields
from hotlist.serve._http import ARROW, JSON, NDJSON, Problem, decode, invalid, too_large
from hotlist.serve._openapi import OPTIONS, option_parser

__all__ = ["Keywords", "QueryReader", "Value"]

_JSON_TYPES = (JSON, b"text/json", b"*/*", b"")
_NDJSON_TYPES = (NDJSON, b"application/jsonl", b"application/x-jsonlines")

# A JSON value as msgspec decodes it.
Value = str | int | float | bool | None | list[object] | dict[str, object]
# check()'s keywords from a request: JSON values splatted into check() and
# check_many(), whose types the library checks at run time (a TypeError is a 422).
Keywords = dict[str, Any]


def _metric_kind(name: str, kinds: tuple[str, ...]) -> str:
    """The latency metric's kind of a query field: mrz, or its first dataset kind, singular."""
    return "mrz" if name == "mrz" else kinds[0].removesuffix("s")


class QueryReader:
    """The query fields and options a request may carry (read from the table once)."""

    def __init__(self, *, max_limit: int, max_rows: int) -> None:
        fields = tuple(all_fields())
        self.fields = frozenset(f.name for f in fields)
        self.options = frozenset(OPTIONS)
        self.max_limit = max_limit
        self.max_rows = max_rows
        self._registered = self.fields - frozenset(BUILTIN_NAMES)
        # A field that only qualifies another (country) does not decide the kind.
        self._kinds = {f.name: _metric_kind(f.name, f.kinds) for f in fields if not f.qualifies}

    def kind(self, query: dict[str, Value]) -> str:
        """The metric's kind of a query: document, mrz, vehicle, person, mixed..."""
        found = {k for k in map(self._kinds.get, query) if k is not None}
        if len(found) == 1:
            return found.pop()
        return "mixed" if found else "document"

    def one(self, obj: object, *, options: bool, where: str = "") -> dict[str, Value]:
        """A query object's fields (and options) as given, None values left out."""
        if not isinstance(obj, dict):
            raise invalid(f"{where}a query is a JSON object of check() keywords")
        out: dict[str, Value] = {}
        for name, value in obj.items():
            if name in self.fields or (options and name in self.options):
                if value is not None:
                    out[name] = value
            else:
                allowed = sorted(self.fields | (self.options if options else frozenset()))
                raise invalid(f"{where}unknown field {name!r}; fields are {', '.join(allowed)}")
        self._bound(out)
        return out

    def keywords(self, query: dict[str, Value]) -> Keywords:
        """check()'s keywords for a query: registered fields go in ``extra``."""
        if not self._registered or self._registered.isdisjoint(query):
            return query
        extra: dict[str, object] = {k: query[k] for k in self._registered if k in query}
        out: Keywords = {k: v for k, v in query.items() if k not in extra}
        out["extra"] = extra
        return out

    def _bound(self, options: Keywords) -> None:
        limit = options.get("limit")
        if isinstance(limit, int) and limit > self.max_limit:
            raise invalid(f"limit is at most {self.max_limit} here, not {limit}")

    def batch_options(self, query_string: bytes) -> Keywords:
        """check-many's options, from the query string (``?limit=3&min_score=0.8``)."""
        out: Keywords = {}
        for name, value in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True):
            if name not in self.options:
                raise invalid(f"unknown option {name!r}; options are {', '.join(OPTIONS)}")
            try:
                out[name] = option_parser(name)(value)
            except ValueError:
                raise invalid(f"option {name} must be a number, not {value!r}") from None
        self._bound(out)
        return out

    def table(self, content_type: bytes, body: bytes) -> pa.Table:
        """check-many's queries as a table with one column per query field given."""
        if content_type == ARROW:
            try:
                table = pa.ipc.open_stream(pa.py_buffer(body)).read_all()
            except (pa.ArrowInvalid, pa.ArrowException, OSError) as exc:
                raise Problem(
                    400, "bad-arrow", "Malformed Arrow IPC stream", str(exc), reason="invalid"
                ) from None
            unknown = [c for c in table.column_names if c not in self.fields]
            if unknown:
                raise invalid(f"unknown columns {', '.join(unknown)}; columns are query fields")
            self._count(table.num_rows)
            return table
        rows = self._rows(content_type, body)
        self._count(len(rows))
        columns: dict[str, list[str | None]] = {}
        for i, row in enumerate(rows):
            for name, value in self.one(row, options=False, where=f"row {i}: ").items():
                if not isinstance(value, str):
                    raise invalid(f"row {i}: {name} must be text, not {type(value).__name__}")
                columns.setdefault(name, [None] * len(rows))[i] = value
        if not columns:
            return pa.table({"document": pa.array([None] * len(rows), pa.string())})
        return pa.table({k: pa.array(v, pa.string()) for k, v in columns.items()})

    def _count(self, rows: int) -> None:
        if rows > self.max_rows:
            raise too_large(
                f"{rows:,} queries; at most {self.max_rows:,} per request",
                "batch-too-large",
                "Batch too large",
            )

    @staticmethod
    def _rows(content_type: bytes, body: bytes) -> list[Value]:
        if content_type in _NDJSON_TYPES:
            rows: list[Value] = []
            for n, line in enumerate(body.split(b"\n"), 1):
                if line.strip():
                    try:
                        rows.append(decode(line))
                    except msgspec.DecodeError as exc:
                        raise Problem(
                            400, "bad-json", "Malformed NDJSON", f"line {n}: {exc}",
                            reason="invalid",
                        ) from None  # fmt: skip
            return rows
        if content_type not in _JSON_TYPES:
            raise Problem(
                415, "unsupported-media-type", "Unsupported content type",
                "send application/json (an array), application/x-ndjson or "
                "application/vnd.apache.arrow.stream", reason="invalid",
            )  # fmt: skip
        try:
            parsed = decode(body)
        except msgspec.DecodeError as exc:
            raise Problem(400, "bad-json", "Malformed JSON", str(exc), reason="invalid") from None
        if not isinstance(parsed, list):
            raise invalid("check-many takes a JSON array of query objects (or NDJSON)")
        return parsed
