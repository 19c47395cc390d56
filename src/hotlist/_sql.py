"""DuckDB behind one small adapter (STYLE point 7).

The Arrow tables the engine holds are registered as DuckDB views without
copying; ``check()`` never touches DuckDB.  One connection per data version,
and each ``sql()`` call works on its own cursor (a DuckDB connection is not
meant to be shared by threads), on which the tables are registered again:
registering an Arrow table is a zero-copy view and costs microseconds.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import pyarrow as pa

from hotlist._errors import InvalidQuery

__all__ = ["SqlBackend"]


class SqlBackend:
    """Views ``documents``, ``vehicles``, ``persons`` over the engine's Arrow tables."""

    def __init__(self, tables: Mapping[str, pa.Table]) -> None:
        self._tables = dict(tables)
        self._lock = threading.Lock()
        self._con: Any = None

    def _connection(self) -> Any:
        with self._lock:
            if self._con is None:
                import duckdb

                self._con = duckdb.connect(database=":memory:")
            return self._con

    def sql(self, query: str, params: Any = None) -> Any:
        """Run ``query`` and return a DuckDB relation (call ``.arrow()``, ``.df()``, ``.pl()``)."""
        import duckdb

        if not isinstance(query, str) or not query.strip():
            raise InvalidQuery("sql() needs the text of a SQL query")
        cursor = self._connection().cursor()
        for name, table in self._tables.items():
            cursor.register(name, table)  # a view over the Arrow data, no copy
        try:
            if params is None:
                return cursor.sql(query)
            return cursor.execute(query, params)
        except duckdb.Error as exc:
            raise InvalidQuery(f"SQL failed: {exc}") from exc

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None
