"""Opens the journal file: privacy, pragmas, integrity, the newer-version guard and migrations."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from sqlite_utils import Database

from fertilitytracker.storage.migrations import MIGRATION_SET, known_migration_names, migrations

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000


class JournalError(Exception):
    """The journal cannot be used (not a journal, corrupt, newer, unreadable)."""


def _make_private_dir(folder: Path) -> None:
    if not folder.exists():
        folder.mkdir(mode=0o700, parents=True)


def _create_private_file(path: Path) -> None:
    """Create an empty file readable only by its owner (before SQLite touches it)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(descriptor)


def _looks_like_sqlite(path: Path) -> bool:
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    return header == SQLITE_HEADER


def backup_database(source: sqlite3.Connection, target: Path) -> Path:
    """Copy a live database to `target` with SQLite's online backup API, then verify it."""
    _make_private_dir(target.parent)
    if not target.exists():
        _create_private_file(target)
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
        status = destination.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        destination.close()
    if status != "ok":
        raise JournalError(f"the backup {target} failed its integrity check: {status}")
    return target


def open_database(path: Path, *, create: bool = True) -> Database:
    """Open (or create) the journal at `path`, migrated to this build's schema.

    Refuses, without changing the file: a file that is not a SQLite database, a SQLite file
    that is not a journal, a journal that fails its integrity check, and a journal written by a
    newer version. Backs the file up before applying any migration to an existing journal.
    """
    path = Path(path)
    existed = path.exists() and path.stat().st_size > 0
    if path.is_dir():
        raise JournalError(f"{path} is a folder, not a journal file")
    if existed:
        try:
            is_sqlite = _looks_like_sqlite(path)
        except OSError as error:
            raise JournalError(f"cannot read {path}: {error.strerror}") from None
        if not is_sqlite:
            raise JournalError(f"{path} is not a Fertility Tracker journal (not a SQLite file)")
    elif not path.exists():
        if not create:
            raise JournalError(f"no journal at {path}")
        try:
            _make_private_dir(path.parent)
            _create_private_file(path)
        except OSError as error:
            raise JournalError(f"cannot create the journal {path}: {error.strerror}") from None

    try:
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except sqlite3.Error as error:
        raise JournalError(f"cannot open {path}: {error}") from None
    try:
        db = _prepare(connection, path, existed)
    except BaseException:
        connection.close()
        raise
    return db


def _prepare(connection: sqlite3.Connection, path: Path, existed: bool) -> Database:
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        status = connection.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise JournalError(f"{path} is damaged or not a journal: {error}") from None
    if status != "ok":
        raise JournalError(f"{path} failed its integrity check: {status}")
    db = Database(connection)
    tables = set(db.table_names())
    if existed and tables and "_sqlite_migrations" not in tables:
        raise JournalError(f"{path} is a SQLite file but not a Fertility Tracker journal")
    applied = {m.name for m in migrations.applied(db)}
    if existed and tables and not applied:
        raise JournalError(f"{path} is a SQLite file but not a Fertility Tracker journal")
    unknown = applied - known_migration_names()
    if unknown:
        raise JournalError(
            f"{path} was written by a newer version of Fertility Tracker "
            f"(schema {', '.join(sorted(unknown))}); update the app to open it"
        )
    if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        connection.execute("PRAGMA journal_mode = wal")
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute("PRAGMA synchronous = NORMAL")
    if migrations.pending(db):
        if existed and applied:
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            target = path.parent / "backups" / f"{path.stem}-before-migration-{stamp}.sqlite3"
            backup_database(connection, target)
        migrations.apply(db)
    return db


@contextlib.contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """One write transaction: everything inside commits together or not at all."""
    with db.atomic():
        yield db


def schema_names(db: Database) -> list[str]:
    """The migrations applied to this journal, in order."""
    return [m.name for m in migrations.applied(db) if m.name]


__all__ = [
    "MIGRATION_SET",
    "JournalError",
    "backup_database",
    "open_database",
    "schema_names",
    "transaction",
]
