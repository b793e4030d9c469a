"""The shape every record repository shares: one table, an `id` column, one column a field."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from datetime import date, datetime, time
from typing import Any, Generic, TypeVar

from sqlite_utils import Database

RecordT = TypeVar("RecordT")
IdT = TypeVar("IdT", bound=int)  # the record's id type (a NewType of int)

# Columns that hold a date or time as text; every other column holds the field's value as is.
_DECODE: dict[str, Callable[[str], Any]] = {
    "date": date.fromisoformat,
    "stop": date.fromisoformat,
    "at": datetime.fromisoformat,
    "time_of_day": time.fromisoformat,
}


def _encode(value: object) -> object:
    """A field's value as its column stores it (dates ISO, times and date-times to the minute)."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return value


class Repository(Generic[RecordT, IdT]):
    """Reads and writes one record kind; callers wrap writes in a transaction.

    `columns` are the table's columns after `id`, each named as the record's field; rows are
    read as plain tuples (years of records are read at once) in `order`.
    """

    def __init__(
        self,
        db: Database,
        table: str,
        columns: tuple[str, ...],
        record: Callable[..., RecordT],
        new_id: Callable[[int], IdT],
        order: str = "date, id",
    ) -> None:
        self._db = db
        self._table = table
        self._columns = columns
        self._record = record
        self._new_id = new_id
        self._order = order

    def add(self, record: RecordT) -> IdT:
        cursor = self._db.execute(
            f"INSERT INTO {self._table} ({', '.join(self._columns)})"
            f" VALUES ({', '.join('?' for _ in self._columns)})",
            [_encode(getattr(record, column)) for column in self._columns],
        )
        return self._new_id(int(cursor.lastrowid or 0))

    def delete(self, record_id: IdT) -> None:
        self._db.execute(f"DELETE FROM {self._table} WHERE id = ?", [record_id])

    def get(self, record_id: IdT) -> RecordT | None:
        found = self._select("WHERE id = ?", [record_id])
        return found[0] if found else None

    def _select(self, where: str, params: list[Any]) -> list[RecordT]:
        rows = self._db.execute(
            f"SELECT id, {', '.join(self._columns)} FROM {self._table} {where}"
            f" ORDER BY {self._order}",
            params,
        )
        return [self._from_row(row) for row in rows]

    def _from_row(self, row: tuple[Any, ...]) -> RecordT:
        record_id, *values = row
        fields = {
            column: _DECODE[column](value) if value is not None and column in _DECODE else value
            for column, value in zip(self._columns, values, strict=True)
        }
        return self._record(id=self._new_id(record_id), **fields)


class DatedRepository(Repository[RecordT, IdT]):
    """A repository of records with a `date` column (analyses, scans, ratings)."""

    def all(self) -> list[RecordT]:
        return self._select("", [])

    def on_dates(self, days: Collection[date]) -> list[RecordT]:
        """The records of `days`, oldest first (through the date index)."""
        where, params = on_dates(days)
        return self._select(where, params)


def on_dates(days: Iterable[date]) -> tuple[str, list[Any]]:
    """The WHERE clause and parameters of "on one of `days`" (never matches when empty)."""
    params: list[Any] = [day.isoformat() for day in sorted(set(days))]
    if not params:
        return "WHERE 0", []
    return f"WHERE date IN ({', '.join('?' for _ in params)})", params
