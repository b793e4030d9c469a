"""The shape every record repository shares: one table, an `id` column, one column a field."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import date, datetime, time
from typing import Any, Generic, NamedTuple, TypeVar

from fertilitytracker.storage.connection import Database

RecordT = TypeVar("RecordT", bound=NamedTuple)
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

    The table has a column for each field of the `record` dataclass (`id` its key), but the
    fields kept `elsewhere` (another table), which a record read here gets empty. Rows are read
    as plain tuples (years of records are read at once) in `order`.
    """

    def __init__(
        self,
        db: Database,
        table: str,
        record: type[RecordT],
        new_id: Callable[[int], IdT],
        order: str = "date, id",
        elsewhere: Mapping[str, object] | None = None,
    ) -> None:
        self._db = db
        self._table = table
        self._make: Callable[..., RecordT] = record
        self._new_id = new_id
        self._order = order
        self._elsewhere = dict(elsewhere or {})
        # A row read by `_select` holds the record's fields in their order, the id among them.
        self._names = tuple(name for name in record._fields if name not in self._elsewhere)
        self._columns = tuple(name for name in self._names if name != "id")
        self._id_index = self._names.index("id")
        self._decoders = [
            (index, _DECODE[name]) for index, name in enumerate(self._names) if name in _DECODE
        ]

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
            f"SELECT {', '.join(self._names)} FROM {self._table} {where} ORDER BY {self._order}",
            params,
        )
        return [self._from_row(row) for row in rows]

    def _from_row(self, row: tuple[Any, ...]) -> RecordT:
        values = list(row)
        values[self._id_index] = self._new_id(values[self._id_index])
        for index, decode in self._decoders:
            if values[index] is not None:
                values[index] = decode(values[index])
        if self._elsewhere:
            return self._make(**dict(zip(self._names, values, strict=True)), **self._elsewhere)
        return self._make(*values)  # positional: years of records are read at once


class DatedRepository(Repository[RecordT, IdT]):
    """A repository of records with a `date` column (analyses, scans, ratings)."""

    def all(self) -> list[RecordT]:
        return self._select("", [])

    def on_dates(self, days: Collection[date]) -> list[RecordT]:
        """The records of `days`, oldest first (through the date index)."""
        where, params = on_dates(days)
        return self._select(where, params)

    def latest_until(self, day: date) -> list[RecordT]:
        """The records of the latest date on or before `day` (none when there is no such date):
        what a reader of the latest one needs, without the years before it."""
        return self._select(
            f"WHERE date = (SELECT max(date) FROM {self._table} WHERE date <= ?)",
            [day.isoformat()],
        )


def on_dates(days: Iterable[date]) -> tuple[str, list[Any]]:
    """The WHERE clause and parameters of "on one of `days`" (never matches when empty)."""
    params: list[Any] = [day.isoformat() for day in sorted(set(days))]
    if not params:
        return "WHERE 0", []
    return f"WHERE date IN ({', '.join('?' for _ in params)})", params
