"""Opens the journal file: privacy, pragmas, integrity, the newer-version guard and migrations."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fertilitytracker.core import clock
from fertilitytracker.paths import ROTATED_BACKUP_KINDS, rotated_backup_path
from fertilitytracker.storage import encryption
from fertilitytracker.storage.connection import Database
from fertilitytracker.storage.files import (
    atomic_private_path,
    create_private_file,
    make_private_dirs,
    remove_stale_temp_files,
)
from fertilitytracker.storage.integrity import (
    BUSY_TIMEOUT_MS,
    CheckAhead,
    looks_like_sqlite,
    read_only_check,
)
from fertilitytracker.storage.migrations import (
    MIGRATION_SET,
    MIGRATIONS_TABLE,
    known_migration_names,
    migrations,
)
from fertilitytracker.storage.schema import schema_differences


class JournalError(Exception):
    """The journal cannot be used (not a journal, corrupt, newer, unreadable)."""


class DamagedJournalError(JournalError):
    """The journal file is damaged; it was left exactly as it was found.

    `newest_backup` is the newest backup beside it that passed its checks (None if none did).
    """

    def __init__(self, path: Path, problem: str, passphrase: str | None = None) -> None:
        from fertilitytracker.storage.backup import newest_good_backup

        self.path = path
        self.problem = problem
        found = newest_good_backup(path, passphrase)
        self.newest_backup: Path | None = found.path if found else None
        if found:
            advice = f"The newest good backup is {found.path} (taken {found.taken:%Y-%m-%d %H:%M})."
        else:
            advice = "No good backup of it was found."
        super().__init__(f"{path} {problem}. The file was left unchanged. {advice}")


class SchemaMismatchError(DamagedJournalError):
    """The journal's tables, columns, indexes, triggers or views are not the ones its
    migrations define (an added trigger, a dropped index…): it is not opened or restored."""

    def __init__(self, path: Path, differences: list[str], passphrase: str | None = None) -> None:
        self.differences = differences
        shown = "; ".join(differences[:5])
        more = f"; and {len(differences) - 5} more" if len(differences) > 5 else ""
        super().__init__(
            path, f"has a schema this version did not create ({shown}{more})", passphrase
        )


class PassphraseRequiredError(JournalError):
    """The journal is encrypted: no passphrase was given, or not the right one."""

    def __init__(self, path: Path, message: str) -> None:
        self.path = path
        super().__init__(message)


def backup_database(source: Any, target: Path) -> Path:
    """Copy a live database to `target` with SQLite's online backup API, then verify it.

    The copy is written to a private temporary file beside `target`, checked with
    `integrity_check`, flushed to disk and only then renamed over `target`: a crash leaves
    either the old `target` or the new one, never half a copy.
    """
    target = Path(target)
    make_private_dirs(target.parent)
    with atomic_private_path(target) as partial:
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
    return target


def remove_leftover_temp_files(journal_path: Path) -> list[Path]:
    """Remove temporary copies a killed backup, restore or `encrypt` left beside the journal.

    They may hold plaintext health data; run at every start (app and command line).
    """
    from fertilitytracker.paths import backups_dir

    removed = remove_stale_temp_files(journal_path.parent)
    removed += remove_stale_temp_files(backups_dir(journal_path))
    return removed


def _read_only_check(path: Path, *, quick: bool = False, ahead: CheckAhead | None = None) -> bool:
    """Run the integrity check on a read-only connection, so a damaged file is never written.

    Returns False when a read-only connection cannot be made here (the caller then checks on
    its own connection); raises DamagedJournalError when the file is damaged. `quick`, for a
    command that only reads: SQLite's quick check, which reads every page, record and free
    list as the full check does but does not compare each index with its table (a reader
    cannot damage the file, and the next open that may write runs the full check). `ahead`:
    the full check already started (storage/integrity.py), used when it counts for this file.
    """
    try:
        counts, status = ahead.status_of(path) if ahead is not None else (False, None)
        if not counts:
            status = read_only_check(path, quick=quick)
    except sqlite3.DatabaseError as error:
        raise DamagedJournalError(path, f"is damaged or not a journal ({error})") from None
    if status is None:
        return False
    if status != "ok":
        raise DamagedJournalError(path, f"failed its integrity check ({status})")
    return True


def open_database(
    path: Path,
    *,
    create: bool = True,
    daily_backup: bool = True,
    passphrase: str | None = None,
    read_only: bool = False,
    check_ahead: CheckAhead | None = None,
) -> Database:
    """Open (or create) the journal at `path`, migrated to this build's schema.

    Refuses, without changing the file: a file that is not a SQLite database, a SQLite file
    that is not a journal, a journal that fails its integrity check (DamagedJournalError, which
    names the newest good backup), and a journal written by a newer version. Backs the file up
    before applying any migration to an existing journal, and once a day on open
    (`daily_backup`, see storage/backup.py). An encrypted journal opens with `passphrase`
    (else $FERTILITYTRACKER_PASSPHRASE); without the right one: PassphraseRequiredError.

    `read_only`, for a command that only reads a plain journal: the integrity check is
    SQLite's quick check (see `_read_only_check`), and once open (migrated if it had to be)
    the connection refuses every write (`query_only`). An encrypted journal opens as for
    writing. `check_ahead`: the integrity check of `path` started earlier (the app's start).
    """
    path = Path(path)
    if path.is_dir():
        raise JournalError(f"{path} is a folder, not a journal file")
    if path.exists() and not path.is_file():
        # /dev/null, /dev/zero, a pipe: SQLite would fail half-way and leave files beside it.
        raise JournalError(f"{path} is not a regular file, so it cannot be a journal")
    remove_leftover_temp_files(path)
    existed = path.exists() and path.stat().st_size > 0
    if existed:
        try:
            is_sqlite = looks_like_sqlite(path)
        except OSError as error:
            raise JournalError(f"cannot read {path}: {error.strerror}") from None
        if not is_sqlite and encryption.looks_encrypted(path):
            return _open_encrypted(path, passphrase, daily_backup)
        if not is_sqlite:
            raise DamagedJournalError(
                path,
                "is not a Fertility Tracker journal (not a SQLite file)",
                passphrase or encryption.passphrase_from_environment(),
            )
    elif not path.exists():
        if not create:
            raise JournalError(f"no journal at {path}")
        try:
            make_private_dirs(path.parent)
            create_private_file(path)
        except OSError as error:
            raise JournalError(f"cannot create the journal {path}: {error.strerror}") from None

    checked = existed and _read_only_check(
        path, quick=read_only, ahead=None if read_only else check_ahead
    )
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
    if read_only:
        connection.execute("PRAGMA query_only = ON")
    return db


def _open_encrypted(path: Path, passphrase: str | None, daily_backup: bool) -> Database:
    key = passphrase or encryption.passphrase_from_environment()
    if key is None:
        raise PassphraseRequiredError(
            path,
            f"{path} is encrypted: give its passphrase (typed at a terminal, or"
            f" --passphrase-file FILE; ${encryption.ENV_PASSPHRASE} is the least safe way)",
        )
    try:
        connection = encryption.connect(path, key, timeout_s=BUSY_TIMEOUT_MS / 1000)
    except encryption.PassphraseError as error:
        if _opens_a_backup(path, key):
            # The same passphrase opens this journal's backups (a journal and its backups
            # always share one): the journal itself is damaged, not the passphrase wrong.
            raise DamagedJournalError(
                path, "is damaged (its passphrase opens its backups but not it)", key
            ) from None
        raise PassphraseRequiredError(path, str(error)) from None
    try:
        db = _prepare(connection, path, True, False, key)
    except BaseException:
        connection.close()
        raise
    if daily_backup:
        _daily_backup(connection, path)
    return db


def _opens_a_backup(path: Path, passphrase: str) -> bool:
    """Whether `passphrase` opens one of the journal's encrypted backups."""
    from fertilitytracker.storage.backup import GOOD_KINDS, list_backups, verify_journal_file

    for backup in list_backups(path):
        if backup.kind not in GOOD_KINDS:
            continue
        try:
            if looks_like_sqlite(backup.path):
                continue
            verify_journal_file(backup.path, passphrase)
        except (OSError, JournalError):
            continue
        return True
    return False


def _daily_backup(connection: Any, path: Path) -> None:
    """Take today's rotated backup if none exists yet; a failure never blocks the journal."""
    today = clock.today()
    try:
        if all(rotated_backup_path(path, kind, today).exists() for kind in ROTATED_BACKUP_KINDS):
            return  # taken already today: most opens need nothing of storage/backup.py
        from fertilitytracker.storage.backup import daily_backup

        daily_backup(connection, path, today)
    except encryption.database_errors(OSError, JournalError) as error:
        import logging  # here: only a failure logs, and every open would load it

        # Only the file name and the error class: never anything read from the journal.
        logging.getLogger(__name__).warning(
            "daily backup of %s failed: %s", path.name, type(error).__name__
        )


def _prepare(
    connection: Any, path: Path, existed: bool, checked: bool, passphrase: str | None = None
) -> Database:
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        status = "ok" if checked else connection.execute("PRAGMA integrity_check").fetchone()[0]
    except encryption.database_errors() as error:
        raise DamagedJournalError(
            path, f"is damaged or not a journal ({error})", passphrase
        ) from None
    if status != "ok":
        raise DamagedJournalError(path, f"failed its integrity check ({status})", passphrase)
    db = Database(connection)
    tables = set(db.table_names())
    if existed and tables and MIGRATIONS_TABLE not in tables:
        raise JournalError(f"{path} is a SQLite file but not a Fertility Tracker journal")
    applied = set(migrations.applied(db))
    if existed and tables and not applied:
        raise JournalError(f"{path} is a SQLite file but not a Fertility Tracker journal")
    unknown = applied - known_migration_names()
    if unknown:
        raise JournalError(
            f"{path} was written by a newer version of Fertility Tracker "
            f"(schema {', '.join(sorted(unknown))}); update the app to open it"
        )
    if applied:
        differences = schema_differences(connection, applied)
        if differences:
            raise SchemaMismatchError(path, differences, passphrase)
    if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        connection.execute("PRAGMA journal_mode = wal")
    connection.execute("PRAGMA foreign_keys = ON")
    # FULL, not NORMAL: in WAL mode NORMAL may lose the last commits on power loss, and a
    # command that said "recorded" must stay recorded. One fsync per command is cheap here.
    connection.execute("PRAGMA synchronous = FULL")
    if migrations.pending(db):
        if existed and applied:
            stamp = clock.stamp().strftime("%Y%m%d-%H%M%S")
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
    savepoints (`Database.atomic`, storage/connection.py).
    """
    with db.atomic(immediate=True):
        yield db


def data_version(db: Database) -> int:
    """A number that changes when another connection commits to the journal (poll to notice)."""
    return int(db.execute("PRAGMA data_version").fetchone()[0])


def schema_names(db: Database) -> list[str]:
    """The migrations applied to this journal, in order."""
    return [name for name in migrations.applied(db) if name]


__all__ = [
    "MIGRATION_SET",
    "DamagedJournalError",
    "JournalError",
    "PassphraseRequiredError",
    "SchemaMismatchError",
    "backup_database",
    "data_version",
    "open_database",
    "schema_names",
    "transaction",
]
