"""DuckDB behind one small adapter (STYLE point 7).

The Arrow tables the engine holds are registered as DuckDB views without
copying; ``check()`` never touches DuckDB.

One call never changes what another sees.  Each data version has one in-memory
DuckDB database, opened with file access off (no ``read_csv``, ``ATTACH``,
``COPY``, ``INSTALL``) and its configuration locked (no ``SET``); each ``sql()``
thread works on its own cursor, with the views registered on it, and only a
single read-only statement is accepted (``SELECT`` in any form, ``WITH``,
``FROM``, ``VALUES``, ``DESCRIBE``, ``SUMMARIZE``, ``SHOW``, ``EXPLAIN``): no
``CREATE MACRO``, temporary table, variable or setting survives into a later call.

The answer is read in full into an Arrow table and handed back as a
:class:`SqlResult`, whose methods return the same types whatever DuckDB version
is installed (DuckDB's own ``.arrow()`` returned a table before 1.4 and a
record-batch reader since).  Aggregate in SQL: a ``select *`` of a large table
is copied into the result.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from typing import Any

import pyarrow as pa

from hotlist._errors import InvalidQuery

__all__ = ["SqlBackend", "SqlResult", "arrow_table"]

# Statement types a call may run: read-only ones.  DESCRIBE, SUMMARIZE and SHOW
# parse as SELECT.
READ_ONLY = frozenset({"SELECT", "EXPLAIN"})


def arrow_table(relation: Any) -> pa.Table:
    """A DuckDB relation or cursor's result as an Arrow table, whatever the DuckDB
    version (``to_arrow_table`` since 1.4; ``fetch_arrow_table`` before; ``arrow()``
    returned a table before 1.4 and a record-batch reader since)."""
    for method in ("to_arrow_table", "fetch_arrow_table", "arrow"):
        fetch = getattr(relation, method, None)
        if fetch is not None:
            got = fetch()
            if isinstance(got, pa.RecordBatchReader):
                got = got.read_all()
            if isinstance(got, pa.Table):
                return got
    return pa.table(relation)


class SqlResult:
    """The answer of :meth:`hotlist.Hotlist.sql`: an Arrow table with the methods a
    DuckDB relation offers for reading it.

    ``arrow()`` (an Arrow table), ``df()`` / ``to_pandas()``, ``pl()``,
    ``fetchall()`` (tuples), ``fetchone()``, ``columns``, ``len()``, ``show()``;
    it also speaks the Arrow C stream protocol, so ``pyarrow.table(result)``,
    ``polars.from_arrow`` and DuckDB itself read it directly.
    """

    __slots__ = ("_table",)

    def __init__(self, table: pa.Table) -> None:
        self._table = table

    def arrow(self) -> pa.Table:
        """The rows as an Arrow table."""
        return self._table

    to_arrow_table = arrow
    fetch_arrow_table = arrow

    def df(self) -> Any:
        """The rows as a pandas DataFrame."""
        return self._table.to_pandas()

    to_pandas = df
    fetchdf = df

    def pl(self) -> Any:
        """The rows as a polars DataFrame."""
        import polars  # noqa: PLC0415 - lazy optional import (polars)

        return polars.from_arrow(self._table)

    def fetchall(self) -> list[tuple[Any, ...]]:
        """Every row as a tuple of Python values."""
        columns = [c.to_pylist() for c in self._table.columns]
        return list(zip(*columns, strict=True)) if columns else []

    def fetchone(self) -> tuple[Any, ...] | None:
        """The first row, or None when there is none."""
        if not self._table.num_rows:
            return None
        return tuple(c[0].as_py() for c in self._table.columns)

    @property
    def columns(self) -> list[str]:
        """The column names."""
        return list(self._table.column_names)

    @property
    def num_rows(self) -> int:
        return int(self._table.num_rows)

    def __len__(self) -> int:
        return int(self._table.num_rows)

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(self.fetchall())

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        return self._table.__arrow_c_stream__(requested_schema)

    def show(self, max_rows: int = 20) -> None:
        """Print the rows as a table (at most ``max_rows``)."""
        print(self._text(max_rows))

    def _text(self, max_rows: int = 20) -> str:
        import duckdb  # noqa: PLC0415 - lazy optional import (duckdb)

        con = duckdb.connect(":memory:", config={"enable_external_access": False})
        try:
            shown = self._table.slice(0, max_rows)
            con.register("result", shown)
            text = str(con.sql("select * from result"))
        finally:
            con.close()
        more = self._table.num_rows - shown.num_rows
        return text + (f"\n({more:,} more rows)" if more > 0 else "")

    def __repr__(self) -> str:
        return self._text()

    def _repr_html_(self) -> str:
        html: str = self._table.slice(0, 50).to_pandas().to_html(index=False)
        return html

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SqlResult):
            return bool(self._table.equals(other._table))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]


class SqlBackend:
    """One view per dataset kind (``documents``, ``vehicles``, ``persons``...) over
    the engine's Arrow tables, named as the tables are."""

    def __init__(self, tables: Mapping[str, pa.Table]) -> None:
        self._tables = dict(tables)
        self._lock = threading.Lock()
        self._con: Any = None
        # one cursor per thread; it goes with its thread (nothing else holds it)
        self._local = threading.local()

    def _connection(self) -> Any:
        with self._lock:
            if self._con is None:
                import duckdb  # noqa: PLC0415 - lazy optional import (duckdb)

                con = duckdb.connect(database=":memory:", config={"enable_external_access": False})
                con.execute("SET lock_configuration = true")
                self._con = con
            return self._con

    def sql(self, query: str, params: Any = None) -> SqlResult:
        """Run one read-only statement and return its rows as a :class:`SqlResult`."""
        import duckdb  # noqa: PLC0415 - lazy optional import (duckdb)

        if not isinstance(query, str) or not query.strip():
            raise InvalidQuery("sql() needs the text of a SQL query")
        try:
            statements = duckdb.extract_statements(query)
        except duckdb.Error as exc:
            raise InvalidQuery(f"SQL failed: {exc}") from exc
        kinds = [str(getattr(s.type, "name", s.type)) for s in statements]
        if len(kinds) != 1:
            raise InvalidQuery(
                f"sql() runs one statement at a time, not {len(kinds)}; send them one by one"
            )
        if kinds[0] not in READ_ONLY:
            raise InvalidQuery(
                f"sql() runs read-only queries (SELECT, WITH, DESCRIBE, SUMMARIZE, EXPLAIN), "
                f"not {kinds[0]}: nothing a query does may change what later calls see; "
                "take the rows with .arrow() / .df() / .pl() and go on from there"
            )
        try:
            return SqlResult(arrow_table(self._cursor().sql(query, params=params)))
        except duckdb.Error as exc:
            raise InvalidQuery(f"SQL failed: {exc}") from exc

    def _cursor(self) -> Any:
        """This thread's cursor, with the views registered (a DuckDB connection is not
        shared by threads; registering costs milliseconds, so once per thread)."""
        cursor = getattr(self._local, "cursor", None)
        if cursor is None:
            cursor = self._connection().cursor()
            for name, table in self._tables.items():
                cursor.register(name, table)  # a view over the Arrow data, no copy
            self._local.cursor = cursor
        return cursor

    def close(self) -> None:
        with self._lock:
            cursor = getattr(self._local, "cursor", None)
            if cursor is not None:
                cursor.close()
            self._local = threading.local()
            if self._con is not None:
                self._con.close()
                self._con = None
