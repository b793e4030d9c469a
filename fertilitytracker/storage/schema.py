"""The schema a journal must have: exactly what its applied migrations create, nothing else.

A journal (or a backup about to be restored) whose tables, columns, indexes, triggers or views
differ from the ones the migrations define is refused: an extra trigger such as
`AFTER INSERT ON symptoms BEGIN DELETE FROM lab_results; END` would otherwise run on the
person's next entry. The expected schema is built by running the same migrations on an empty
in-memory database and reading back `sqlite_master`.
"""

from __future__ import annotations

import functools
import re
import sqlite3
from typing import Any

from fertilitytracker.storage.connection import Database
from fertilitytracker.storage.migrations import MIGRATIONS_TABLE, migrations

_KINDS = ("table", "index", "trigger", "view")
_SPACE = re.compile(r"\s+")
SchemaEntry = tuple[str, str, str, str]  # type, name, table, normalised SQL


def _normalised(sql: str | None) -> str:
    text = _SPACE.sub(" ", sql or "").strip()
    # Spacing around punctuation is not meaningful to SQLite; the words are.
    return re.sub(r"\s*([(),])\s*", r"\1", text)


def read_schema(connection: Any) -> set[SchemaEntry]:
    """The user-visible schema of an open database (SQLite's own objects left out)."""
    rows = connection.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    return {
        (kind, name, table, _normalised(sql))
        for kind, name, table, sql in rows
        if kind in _KINDS
        and not name.startswith("sqlite_")
        # sqlite-utils owns the bookkeeping table's layout, which may vary between its
        # versions; a trigger on it is still compared like any other.
        and not (kind in ("table", "index") and table == MIGRATIONS_TABLE)
    }


@functools.cache
def expected_schema(applied: frozenset[str]) -> frozenset[SchemaEntry]:
    """The schema the migrations named in `applied` create, applied in their order."""
    connection = sqlite3.connect(":memory:")
    try:
        db = Database(connection)
        # The steps alone, in their order up to the first one not applied: the bookkeeping
        # that `Migrations.apply` adds (its own table and rows) is not compared, and would
        # cost every open more than the steps themselves.
        for migration in migrations._migrations:
            if migration.name not in applied:
                break
            with db.atomic():
                migration.fn(db)
        return frozenset(read_schema(connection))
    finally:
        connection.close()


def _describe(entry: SchemaEntry) -> str:
    kind, name, table, _ = entry
    if kind in ("index", "trigger") and table != name:
        return f'{kind} "{name}" on {table}'
    return f'{kind} "{name}"'


def schema_differences(connection: Any, applied: set[str]) -> list[str]:
    """What differs from the schema the migrations in `applied` define, in words (empty: none)."""
    found = read_schema(connection)
    expected = expected_schema(frozenset(applied))
    expected_names = {(kind, name) for kind, name, _, _ in expected}
    found_names = {(kind, name) for kind, name, _, _ in found}
    problems: list[str] = []
    for entry in sorted(found - expected):
        if (entry[0], entry[1]) in expected_names:
            problems.append(f"{_describe(entry)} is not defined as this version defines it")
        else:
            problems.append(f"an unexpected {_describe(entry)}")
    for entry in sorted(expected - found):
        if (entry[0], entry[1]) not in found_names:
            problems.append(f"the {_describe(entry)} is missing")
    return problems


__all__ = ["expected_schema", "read_schema", "schema_differences"]
