"""The journal's open connection, as the repositories use it: the calls of sqlite-utils'
`Database` that storage makes, and nothing more.

The repositories speak plain SQL: they need `execute`, `query` (rows as dicts), `atomic` and
the connection itself. These behave as sqlite-utils' do (sqlite-utils 4), so that opening a
journal (the schema guard, the repositories, every read) does not load sqlite-utils, which
costs each command and the app's start some 30 ms (its plugin manager, click, dateutil...).
sqlite-utils is loaded only to apply a pending migration (storage/migrations.py), the one
thing it does here that plain SQL does not.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator, Sequence
from typing import Any

# Statements that do not open a write of their own (sqlite-utils commits any other
# statement that left an implicit transaction open, as below).
_TRANSACTION_CONTROL = frozenset({"BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE"})

Parameters = Sequence[Any] | dict[str, Any] | None
# Savepoint names: unique in the process, so nested ones never meet.
_savepoints = itertools.count(1)


def _first_keyword(sql: str) -> str:
    words = sql.lstrip().split(None, 1)
    return words[0].rstrip(";").upper() if words else ""


class Database:
    """An open SQLite connection (plain or SQLCipher) with the few calls storage makes."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        # As sqlite-utils' Database sets it on every connection it wraps.
        self.execute("PRAGMA recursive_triggers=on;")

    def execute(self, sql: str, parameters: Parameters = None) -> Any:
        """Run one statement and return its cursor; a write outside a transaction commits."""
        connection = self.conn
        was_in_transaction = connection.in_transaction
        try:
            if parameters is not None:
                cursor = connection.execute(sql, parameters)
            else:
                cursor = connection.execute(sql)
        except Exception:
            if not was_in_transaction and connection.in_transaction:
                # The failed statement opened a transaction nothing would ever end.
                connection.execute("ROLLBACK")
            raise
        if (
            not was_in_transaction
            and connection.in_transaction
            and cursor.description is None
            and _first_keyword(sql) not in _TRANSACTION_CONTROL
        ):
            connection.execute("COMMIT")
        return cursor

    def query(self, sql: str, params: Parameters = None) -> Iterator[dict[str, Any]]:
        """The rows of a SELECT, each as a dict of its column names."""
        cursor = self.execute(sql, params)
        if cursor.description is None:
            raise ValueError("query() is for SQL that returns rows: use execute()")
        keys = [column[0] for column in cursor.description]
        return (dict(zip(keys, row, strict=True)) for row in cursor)

    def table_names(self) -> list[str]:
        """The names of the database's tables."""
        return [
            row[0] for row in self.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]

    @contextlib.contextmanager
    def atomic(self, *, immediate: bool = False) -> Iterator[Database]:
        """Everything inside commits together or not at all; nested, a savepoint.

        `immediate`: the outermost one takes the write lock at once (BEGIN IMMEDIATE).
        """
        connection = self.conn
        if connection.in_transaction:
            savepoint = f"journal_{next(_savepoints)}"
            connection.execute(f"SAVEPOINT {savepoint};")
            try:
                yield self
            except BaseException:
                # A RAISE(ROLLBACK) may have ended the whole transaction, savepoint and all.
                if connection.in_transaction:
                    connection.execute(f"ROLLBACK TO SAVEPOINT {savepoint};")
                    connection.execute(f"RELEASE SAVEPOINT {savepoint};")
                raise
            connection.execute(f"RELEASE SAVEPOINT {savepoint};")
            return
        connection.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
        try:
            yield self
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        try:
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
