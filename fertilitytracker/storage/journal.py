"""The journal: one open SQLite file and its repositories, with one transaction per command."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Collection, Iterator, Sequence
from pathlib import Path
from typing import Any

from fertilitytracker.core.records import History
from fertilitytracker.storage.connection import Database
from fertilitytracker.storage.database import (
    _daily_backup,
    open_database,
    schema_names,
    transaction,
)
from fertilitytracker.storage.doses import DoseRepository
from fertilitytracker.storage.labs import LabRepository
from fertilitytracker.storage.observations import (
    DexaRepository,
    SemenRepository,
    SymptomRepository,
)
from fertilitytracker.storage.regimens import RegimenRepository
from fertilitytracker.storage.settings_store import SettingsRepository


class Journal:
    """An open journal. Use `with journal.transaction():` around every write."""

    def __init__(self, db: Database, path: Path, *, passphrase: str | None = None) -> None:
        self.db = db
        self.path = path
        # Kept for `another_connection`: a worker thread opens the same encrypted file again.
        self._passphrase = passphrase
        self.regimens = RegimenRepository(db)
        self.doses = DoseRepository(db)
        self.labs = LabRepository(db)
        self.semen = SemenRepository(db)
        self.dexa = DexaRepository(db)
        self.symptoms = SymptomRepository(db)
        self.settings = SettingsRepository(db)

    @classmethod
    def open(
        cls,
        path: Path | str,
        *,
        create: bool = True,
        passphrase: str | None = None,
        read_only: bool = False,
    ) -> Journal:
        """Open or create the journal at `path` (raises JournalError when it cannot).

        An encrypted journal needs `passphrase` (else $FERTILITYTRACKER_PASSPHRASE).
        `read_only`: for a command that only reads (see `open_database`); a write through
        such a journal fails.
        """
        path = Path(path)
        database = open_database(path, create=create, passphrase=passphrase, read_only=read_only)
        return cls(database, path, passphrase=passphrase)

    def another_connection(self) -> Journal:
        """The same journal through a new connection, opened with the same passphrase.

        SQLite connections stay in the thread that made them, so work in another thread opens
        its own; the day's backup was already looked after by the first opening.
        """
        database = open_database(
            self.path, create=False, daily_backup=False, passphrase=self._passphrase
        )
        return Journal(database, self.path, passphrase=self._passphrase)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Journal]:
        """Everything written inside commits together, or nothing does.

        The outermost call takes the write lock at once (BEGIN IMMEDIATE), so a second writer
        waits for the busy timeout instead of failing on a read-then-write upgrade.
        """
        with transaction(self.db):
            yield self

    def history(self, fields: Collection[str] | None = None) -> History:
        """Everything the journal holds, as frozen core records; with `fields` (History field
        names) only those are read and the others are left empty."""
        readers: dict[str, Callable[[], Sequence[Any]]] = {
            "regimens": self.regimens.all,
            "doses": self.doses.all,
            "draws": self.labs.all,
            "semen": self.semen.all,
            "dexa": self.dexa.all,
            "symptoms": self.symptoms.all,
            "targets": self.settings.targets,
        }
        wanted = readers if fields is None else {name: readers[name] for name in fields}
        return History(**{name: tuple(read()) for name, read in wanted.items()})

    def daily_backup(self) -> None:
        """Take today's rotated backup if none exists yet (a failure is logged, never raised)."""
        _daily_backup(self.db.conn, self.path)

    def is_empty(self) -> bool:
        """Whether the journal holds no record yet (settings and targets aside)."""
        tables = ("regimens", "lab_results", "semen_analyses", "dexa_scans", "symptoms")
        exists = " OR ".join(f"EXISTS (SELECT 1 FROM {table})" for table in tables)
        return not self.db.execute(f"SELECT {exists}").fetchone()[0]

    def check(self) -> list[str]:
        """Problems found by SQLite's integrity and foreign-key checks (empty when healthy)."""
        problems = [
            row[0] for row in self.db.execute("PRAGMA integrity_check").fetchall() if row[0] != "ok"
        ]
        return problems + self.link_problems()

    def link_problems(self) -> list[str]:
        """Rows that point to a missing row (SQLite's foreign-key check; empty when none): what
        opening a journal, which runs the integrity check, does not look at."""
        return [
            f"{table} row {rowid} points to a missing {parent} row"
            for table, rowid, parent, _ in self.db.execute("PRAGMA foreign_key_check").fetchall()
        ]

    def schema(self) -> list[str]:
        return schema_names(self.db)

    def close(self) -> None:
        self.db.conn.close()
