"""Opens the journal file: privacy, pragmas, integrity, the newer-version guard and migrations."""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from fertilitytracker.storage import encryption
from fertilitytracker.storage.migrations import MIGRATION_SET, known_migration_names, migrations

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000


_log = logging.getLogger(__name__)


class JournalError(Exception):
    """The journal cannot be used (not a journal, corrupt, newer, unreadable)."""


class DamagedJournalError(JournalError):
    """The journal file is damaged; it was left exactly as it was found.

    `newest_backup` is the newest backup beside it that passed its checks (None if none did).
    """

    def __init__(self, path: Path, problem: str) -> None:
        from fertilitytracker.storage.backup import newest_good_backup

        self.path = path
        self.problem = problem
        found = newest_good_backup(path)
        self.newest_backup: Path | None = found.path if found else None
        if found:
            advice = f"The newest good backup is {found.path} (taken {found.taken:%Y-%m-%d %H:%M})."
        else:
            advice = "No good backup of it was found."
        super().__init__(f"{path} {problem}. The file was left unchanged. {advice}")


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


class PassphraseRequiredError(JournalError):
    """The journal is encrypted: no passphrase was given, or not the right one."""

    def __init__(self, path: Path, message: str) -> None:
        self.path = path
        super().__init__(message)


def _fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (a no-op where folders cannot be opened)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def backup_database(source: Any, target: Path) -> Path:
    """Copy a live database to `target` with SQLite's online backup API, then verify it.

    The copy is written to a private temporary file beside `target`, checked with
    `integrity_check`, flushed to disk and only then renamed over `target`: a crash leaves
    either the old `target` or the new one, never half a copy.
    """
    target = Path(target)
    _make_private_dir(target.parent)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    _create_private_file(partial)
    try:
        if encryption.is_encrypted_connection(source):
            # The copy of an encrypted journal is encrypted with the same key.
            status = encryption.copy_connection(source, partial, None, same_key=True)
        else:
            destination = sqlite3.connect(partial, isolation_level=None)
            try:
                source.backup(destination)
                # A self-contained file: no -wal beside the copy, whatever the source used.
                destination.execute("PRAGMA journal_mode = delete")
                status = destination.execute("PRAGMA integrity_check").fetchone()[0]
            finally:
                destination.close()
        if status != "ok":
            raise JournalError(f"the backup {target} failed its integrity check: {status}")
        with partial.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    _fsync_folder(target.parent)
    return target


def _read_only_check(path: Path) -> bool:
    """Run the integrity check on a read-only connection, so a damaged file is never written.

    Returns False when a read-only connection cannot be made here (the caller then checks on
    its own connection); raises DamagedJournalError when the file is damaged.
    """
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        connection = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error:
        return False
    try:
        status = connection.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.OperationalError as error:
        if "unable to open" in str(error) or "readonly" in str(error):
            return False
        raise DamagedJournalError(path, f"is damaged or not a journal ({error})") from None
    except sqlite3.DatabaseError as error:
        raise DamagedJournalError(path, f"is damaged or not a journal ({error})") from None
    finally:
        connection.close()
    if status != "ok":
        raise DamagedJournalError(path, f"failed its integrity check ({status})")
    return True


def open_database(
    path: Path,
    *,
    create: bool = True,
    daily_backup: bool = True,
    passphrase: str | None = None,
) -> Database:
    """Open (or create) the journal at `path`, migrated to this build's schema.

    Refuses, without changing the file: a file that is not a SQLite database, a SQLite file
    that is not a journal, a journal that fails its integrity check (DamagedJournalError, which
    names the newest good backup), and a journal written by a newer version. Backs the file up
    before applying any migration to an existing journal, and once a day on open
    (`daily_backup`, see storage/backup.py). An encrypted journal opens with `passphrase`
    (else $FERTILITYTRACKER_PASSPHRASE); without the right one: PassphraseRequiredError.
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
        if not is_sqlite and encryption.looks_encrypted(path):
            return _open_encrypted(path, passphrase, daily_backup)
        if not is_sqlite:
            raise DamagedJournalError(
                path, "is not a Fertility Tracker journal (not a SQLite file)"
            )
    elif not path.exists():
        if not create:
            raise JournalError(f"no journal at {path}")
        try:
            _make_private_dir(path.parent)
            _create_private_file(path)
        except OSError as error:
            raise JournalError(f"cannot create the journal {path}: {error.strerror}") from None

    checked = existed and _read_only_check(path)
    try:
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except sqlite3.Error as error:
        raise JournalError(f"cannot open {path}: {error}") from None
    try:
        db = _prepare(connection, path, existed, checked)
    except BaseException:
        connection.close()
        raise
    if existed and daily_backup:
        _daily_backup(connection, path)
    return db


def _open_encrypted(path: Path, passphrase: str | None, daily_backup: bool) -> Database:
    key = passphrase or encryption.passphrase_from_environment()
    if key is None:
        raise PassphraseRequiredError(
            path,
            f"{path} is encrypted: give its passphrase (for scripts: ${encryption.ENV_PASSPHRASE})",
        )
    try:
        connection = encryption.connect(path, key, timeout_s=BUSY_TIMEOUT_MS / 1000)
    except encryption.PassphraseError as error:
        raise PassphraseRequiredError(path, str(error)) from None
    try:
        db = _prepare(connection, path, True, False)
    except BaseException:
        connection.close()
        raise
    if daily_backup:
        _daily_backup(connection, path)
    return db


def _daily_backup(connection: Any, path: Path) -> None:
    """Take today's rotated backup if none exists yet; a failure never blocks the journal."""
    from fertilitytracker.storage.backup import daily_backup

    try:
        daily_backup(connection, path, datetime.now().date())
    except (OSError, JournalError, *encryption.database_errors()) as error:
        # Only the file name and the error class: never anything read from the journal.
        _log.warning("daily backup of %s failed: %s", path.name, type(error).__name__)


def _prepare(connection: Any, path: Path, existed: bool, checked: bool) -> Database:
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        status = "ok" if checked else connection.execute("PRAGMA integrity_check").fetchone()[0]
    except encryption.database_errors() as error:
        raise DamagedJournalError(path, f"is damaged or not a journal ({error})") from None
    if status != "ok":
        raise DamagedJournalError(path, f"failed its integrity check ({status})")
    # No sqlite-utils plugins: the journal uses none, and finding them scans every installed
    # package's metadata (some 40 ms on every open, the app's start and each command).
    db = Database(connection, execute_plugins=False)
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
    # FULL, not NORMAL: in WAL mode NORMAL may lose the last commits on power loss, and a
    # command that said "recorded" must stay recorded. One fsync per command is cheap here.
    connection.execute("PRAGMA synchronous = FULL")
    if migrations.pending(db):
        if existed and applied:
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            target = path.parent / "backups" / f"{path.stem}-before-migration-{stamp}.sqlite3"
            backup_database(connection, target)
        migrations.apply(db)
    return db


@contextlib.contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """One write transaction: everything inside commits together or not at all.

    It starts with BEGIN IMMEDIATE, taking the write lock before the first read: a deferred
    BEGIN that reads and then writes while another process (the app, the command line) holds
    the lock fails at once with "database is locked" instead of waiting the busy timeout, and
    fails even after waiting if the other writer committed in between. Nested calls become
    savepoints, as with sqlite-utils' `atomic()`.
    """
    connection = db.conn
    if connection.in_transaction:
        with db.atomic():
            yield db
        return
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def data_version(db: Database) -> int:
    """A number that changes when another connection commits to the journal (poll to notice)."""
    return int(db.execute("PRAGMA data_version").fetchone()[0])


def schema_names(db: Database) -> list[str]:
    """The migrations applied to this journal, in order."""
    return [m.name for m in migrations.applied(db) if m.name]


__all__ = [
    "MIGRATION_SET",
    "DamagedJournalError",
    "JournalError",
    "PassphraseRequiredError",
    "backup_database",
    "data_version",
    "open_database",
    "schema_names",
    "transaction",
]
