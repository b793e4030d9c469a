"""Backups of the journal: verified online copies, the daily rotation, the newest good one, restore.

Every copy is made with SQLite's online backup API (consistent even while another connection
writes), written to a private temporary file, checked with `integrity_check` and only then
renamed into place. Backups live in `backups/` beside the journal, 0600 in a 0700 folder:

- `<stem>-daily-YYYY-MM-DD.sqlite3`: once a day on open; the newest 7 are kept;
- `<stem>-weekly-YYYY-Www.sqlite3`: the first open of each ISO week; the newest 4 are kept;
- `<stem>-manual-…`, `<stem>-before-migration-…`, `<stem>-before-restore-…`: never rotated;
- `<stem>-damaged-…`: a damaged journal moved aside by a restore (never offered as good).
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from fertilitytracker.paths import (
    BACKUP_SUFFIX,
    ROTATED_BACKUP_KINDS,
    backups_dir,
    rotated_backup_path,
)
from fertilitytracker.storage import encryption
from fertilitytracker.storage.database import (
    DamagedJournalError,
    JournalError,
    backup_database,
    open_database,
)
from fertilitytracker.storage.files import (
    atomic_private_path,
    make_private_dirs,
    refuse_journal_target,
    remove_stale_temp_files,
)
from fertilitytracker.storage.integrity import looks_like_sqlite
from fertilitytracker.storage.migrations import MIGRATION_SET, known_migration_names
from fertilitytracker.storage.schema import schema_differences

DAILY_KEPT = 7
WEEKLY_KEPT = 4
# Kinds a person may be offered as "a good backup"; `damaged` files are kept, never offered.
GOOD_KINDS = ("daily", "weekly", "manual", "before-migration", "before-restore")
_KIND_PATTERN = "|".join(re.escape(kind) for kind in (*GOOD_KINDS, "damaged"))


@dataclass(frozen=True)
class BackupFile:
    """One backup file of a journal: where it is, what made it, when it was written."""

    path: Path
    kind: str
    taken: datetime


@dataclass(frozen=True)
class RestoreOutcome:
    """What a restore did: the safety copy of the journal it replaced, or where a damaged
    journal was moved aside (exactly one of them, or neither when there was no journal)."""

    restored_from: Path
    safety_backup: Path | None
    damaged_moved_to: Path | None


def _stamp(now: datetime) -> str:
    return now.strftime("%Y%m%d-%H%M%S")


def _unused(path: Path) -> Path:
    """`path`, or the same name with -2, -3… when it already exists (two copies in a second)."""
    candidate, number = path, 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
    return candidate


def backup_name(journal_path: Path, kind: str, now: datetime) -> Path:
    """Where a backup of `kind` taken at `now` goes (daily and weekly names hold no time)."""
    if kind in ROTATED_BACKUP_KINDS:
        return rotated_backup_path(journal_path, kind, now.date())
    return _unused(
        backups_dir(journal_path) / f"{journal_path.stem}-{kind}-{_stamp(now)}{BACKUP_SUFFIX}"
    )


def backup_now(
    connection: sqlite3.Connection, journal_path: Path, now: datetime, kind: str = "manual"
) -> Path:
    """A verified copy of the open journal in its backups folder; returns its path."""
    return backup_database(connection, backup_name(journal_path, kind, now))


def backup_to(
    connection: sqlite3.Connection, journal_path: Path, out: Path | str, now: datetime
) -> Path:
    """A verified copy of the open journal at `out` chosen by the person.

    A folder gets a dated file inside it; a name ending in a slash is a folder, created (0700)
    when missing. An existing file is replaced only when it is itself a journal (an older
    backup); anything else is refused with nothing written.
    """
    names_a_folder = str(out).endswith(("/", os.sep))
    out = Path(out).expanduser()
    if names_a_folder and not out.exists():
        make_private_dirs(out)
    if out.is_dir():
        out = _unused(out / f"{journal_path.stem}-backup-{_stamp(now)}{BACKUP_SUFFIX}")
    refuse_journal_target(out, journal_path, "out")
    if out.exists():
        try:
            verify_journal_file(out)
        except JournalError:
            raise JournalError(
                f"{out} exists and is not a journal backup: nothing was written"
            ) from None
    return backup_database(connection, out)


def _backups_of(journal_path: Path, kind_pattern: str) -> list[Path]:
    folder = backups_dir(journal_path)
    if not folder.is_dir():
        return []
    pattern = re.compile(
        rf"{re.escape(journal_path.stem)}-(?:{kind_pattern})-.+{re.escape(BACKUP_SUFFIX)}"
    )
    return [item for item in folder.iterdir() if item.is_file() and pattern.fullmatch(item.name)]


def daily_backup(connection: sqlite3.Connection, journal_path: Path, today: date) -> list[Path]:
    """Today's backup (and this week's) if not taken yet, then the rotation; returns new files."""
    made: list[Path] = []
    for kind in ROTATED_BACKUP_KINDS:
        target = rotated_backup_path(journal_path, kind, today)
        if not target.exists():
            made.append(backup_database(connection, target))
    if made:
        rotate_backups(journal_path)
    return made


def rotate_backups(
    journal_path: Path, daily_kept: int = DAILY_KEPT, weekly_kept: int = WEEKLY_KEPT
) -> list[Path]:
    """Delete all but the newest `daily_kept` daily and `weekly_kept` weekly backups.

    Names sort by date (YYYY-MM-DD, ISO YYYY-Www), so the newest are the last by name.
    Returns the deleted files. Other kinds are never deleted here.
    """
    removed: list[Path] = remove_stale_temp_files(backups_dir(journal_path))
    for kind, kept in (("daily", daily_kept), ("weekly", weekly_kept)):
        files = sorted(_backups_of(journal_path, kind), key=lambda item: item.name, reverse=True)
        for old in files[kept:]:
            old.unlink(missing_ok=True)
            removed.append(old)
    return removed


def list_backups(journal_path: Path) -> list[BackupFile]:
    """Every backup of the journal in its backups folder, newest first."""
    found: list[BackupFile] = []
    prefix = f"{journal_path.stem}-"
    for item in _backups_of(journal_path, _KIND_PATTERN):
        rest = item.name[len(prefix) :]
        kind = next(k for k in (*GOOD_KINDS, "damaged") if rest.startswith(f"{k}-"))
        found.append(BackupFile(item, kind, datetime.fromtimestamp(item.stat().st_mtime)))
    return sorted(found, key=lambda backup: (backup.taken, backup.path.name), reverse=True)


def _read_only(path: Path, passphrase: str | None = None) -> Any:
    """A read-only connection to a plain journal file, or to an encrypted one (keyed)."""
    if looks_like_sqlite(path):
        return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    key = passphrase or encryption.passphrase_from_environment()
    if not encryption.looks_encrypted(path):
        raise JournalError(f"{path} is not a Fertility Tracker journal (not a SQLite file)")
    if key is None:
        raise JournalError(f"{path} is encrypted: its passphrase is needed to read it")
    try:
        return encryption.connect(path, key, read_only=True)
    except encryption.PassphraseError as error:
        raise JournalError(str(error)) from None


def verify_journal_file(path: Path, passphrase: str | None = None) -> None:
    """Raise JournalError, in words, unless `path` is a healthy journal this version can open.

    An encrypted file is checked with `passphrase` (else $FERTILITYTRACKER_PASSPHRASE).
    """
    path = Path(path)
    if not path.is_file():
        raise JournalError(f"{path} is not a file")
    try:
        connection = _read_only(path, passphrase)
    except sqlite3.Error as error:
        raise JournalError(f"cannot read {path}: {error}") from None
    try:
        status = connection.execute("PRAGMA integrity_check").fetchone()[0]
        if status != "ok":
            raise JournalError(f"{path} failed its integrity check ({status})")
        has_migrations = connection.execute(
            "SELECT count(*) FROM sqlite_master WHERE name = '_sqlite_migrations'"
        ).fetchone()[0]
        if not has_migrations:
            raise JournalError(f"{path} is a SQLite file but not a Fertility Tracker journal")
        applied = {
            row[0]
            for row in connection.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", (MIGRATION_SET,)
            )
        }
        differences = (
            schema_differences(connection, applied)
            if applied and not applied - known_migration_names()
            else []
        )
    except encryption.database_errors() as error:
        raise JournalError(f"{path} is damaged or not a journal ({error})") from None
    finally:
        connection.close()
    if not applied:
        raise JournalError(f"{path} is a SQLite file but not a Fertility Tracker journal")
    if applied - known_migration_names():
        raise JournalError(f"{path} was written by a newer version of Fertility Tracker")
    if differences:
        raise JournalError(
            f"{path} has a schema this version did not create ({'; '.join(differences[:5])})"
        )


def newest_good_backup(journal_path: Path, passphrase: str | None = None) -> BackupFile | None:
    """The newest backup of the journal that passes `verify_journal_file`, or None."""
    for backup in list_backups(journal_path):
        if backup.kind not in GOOD_KINDS:
            continue
        try:
            verify_journal_file(backup.path, passphrase)
        except (JournalError, OSError):
            continue
        return backup
    return None


def _copy_file_verified(source: Path, target: Path, passphrase: str | None = None) -> Path:
    """A verified copy of the journal file `source` at `target` (atomic, 0600, same key)."""
    if not looks_like_sqlite(source):
        # Attaching the copy needs a writable connection to the (encrypted) source.
        key = passphrase or encryption.passphrase_from_environment()
        try:
            connection = encryption.connect(source, key)
        except encryption.PassphraseError as error:
            raise JournalError(str(error)) from None
        try:
            return backup_database(connection, target)
        finally:
            connection.close()
    connection = _read_only(source)
    try:
        return backup_database(connection, target)
    finally:
        connection.close()


def copy_backup_beside(
    journal_path: Path, backup: Path, now: datetime, passphrase: str | None = None
) -> Path:
    """A new working copy of `backup` beside the journal (`<stem>-recovered-….sqlite3`).

    Used when the journal is damaged: the damaged file stays untouched and the person works on
    the copy. Raises JournalError when `backup` is not a healthy journal.
    """
    verify_journal_file(backup, passphrase)
    target = _unused(
        journal_path.parent / f"{journal_path.stem}-recovered-{_stamp(now)}{BACKUP_SUFFIX}"
    )
    return _copy_file_verified(backup, target, passphrase)


def _move_damaged_aside(journal_path: Path, now: datetime) -> Path:
    """Rename a damaged journal (and its -wal/-shm) into backups/, not a byte rewritten."""
    target = backup_name(journal_path, "damaged", now)
    make_private_dirs(target.parent)
    for suffix in ("-wal", "-shm"):
        companion = journal_path.with_name(journal_path.name + suffix)
        if companion.exists():
            os.replace(companion, target.with_name(target.name + suffix))
    os.replace(journal_path, target)
    return target


def restore_journal(
    journal_path: Path, source: Path, now: datetime, passphrase: str | None = None
) -> RestoreOutcome:
    """Make the journal at `journal_path` a copy of the backup `source`.

    `source` is verified first (a healthy journal this version can open); nothing changes if it
    is not. An encrypted journal takes only a backup encrypted with the same passphrase
    (`passphrase`, else $FERTILITYTRACKER_PASSPHRASE). A healthy current journal is backed up
    (`before-restore`) and then overwritten in one SQLite transaction through the online backup
    API, so other connections see either the old or the new journal, never half of one. A
    damaged current journal is not overwritten: it is moved aside into backups/ (`damaged`)
    and the copy takes its place by an atomic rename.
    """
    journal_path, source = Path(journal_path), Path(source)
    verify_journal_file(source, passphrase)
    if journal_path.exists() and source.resolve() == journal_path.resolve():
        raise JournalError(f"{source} is the journal itself")
    if not journal_path.exists() or journal_path.stat().st_size == 0:
        journal_path.unlink(missing_ok=True)
        _copy_file_verified(source, journal_path, passphrase)
        return RestoreOutcome(source, None, None)
    try:
        db = open_database(journal_path, create=False, daily_backup=False, passphrase=passphrase)
    except DamagedJournalError:
        moved = _move_damaged_aside(journal_path, now)
        _copy_file_verified(source, journal_path, passphrase)
        return RestoreOutcome(source, None, moved)
    try:
        if encryption.is_encrypted_connection(db.conn) == looks_like_sqlite(source):
            state = "encrypted" if looks_like_sqlite(source) else "plain"
            raise JournalError(
                f"the journal is {state} and {source} is not: encrypt or decrypt one of them"
                " first; nothing was changed"
            )
        safety = backup_now(db.conn, journal_path, now, "before-restore")
        _restore_into(db.conn, source, passphrase)
    finally:
        db.conn.close()
    return RestoreOutcome(source, safety, None)


def _restore_into(connection: Any, source: Path, passphrase: str | None) -> None:
    """Overwrite the open journal with `source` in one transaction, then check the result."""
    reader = _read_only(source, passphrase)
    try:
        reader.backup(connection)
    except encryption.database_errors() as error:
        raise JournalError(f"could not restore from {source}: {error}; nothing changed") from None
    finally:
        reader.close()
    if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        connection.execute("PRAGMA journal_mode = wal")
    status = connection.execute("PRAGMA integrity_check").fetchone()[0]
    if status != "ok":  # pragma: no cover - the backup API copies a verified file
        raise JournalError(f"the restored journal failed its integrity check ({status})")


@dataclass(frozen=True)
class ConversionOutcome:
    """What `encrypt`/`decrypt` did: the journal and backups converted, and backups left as
    they were (with the reason), which the person must be told about."""

    journal: Path
    converted_backups: tuple[Path, ...]
    unconverted_backups: tuple[tuple[Path, str], ...]


def _convert_file(
    path: Path, from_passphrase: str | None, to_passphrase: str | None, *, exclusive: bool
) -> None:
    """Rewrite the journal file `path` keyed with `to_passphrase` (None: plain), atomically."""
    try:
        connection = encryption.connect(path, from_passphrase)
    except encryption.PassphraseError as error:
        raise JournalError(str(error)) from None
    if exclusive:
        # The last connection to a WAL journal removes its -wal file on closing: if it is
        # still there, another program (the app?) has the journal open, and renaming a new
        # file under it would lose what it writes next.
        connection.close()
        if path.with_name(path.name + "-wal").exists():
            raise JournalError(
                f"{path} is open in another program (the app?): close it and try again;"
                " nothing was changed"
            )
        connection = encryption.connect(path, from_passphrase)
    try:
        with atomic_private_path(path) as partial:
            status = encryption.copy_connection(connection, partial, to_passphrase, same_key=False)
            if status != "ok":
                raise JournalError(f"the converted copy of {path} failed its check ({status})")
            connection.close()
    finally:
        connection.close()


def journal_copies(journal_path: Path) -> list[Path]:
    """Every file holding a copy of the journal: its backups (of any kind, damaged ones too)
    and the working copies made beside it when it was damaged (`<stem>-recovered-…`)."""
    copies = [backup.path for backup in list_backups(journal_path)]
    pattern = re.compile(rf"{re.escape(journal_path.stem)}-recovered-.+{re.escape(BACKUP_SUFFIX)}")
    folder = journal_path.parent
    if folder.is_dir():
        copies += sorted(
            item for item in folder.iterdir() if item.is_file() and pattern.fullmatch(item.name)
        )
    return copies


def plaintext_copies(journal_path: Path) -> list[Path]:
    """Copies of the journal that anyone can read (plain SQLite files)."""
    found: list[Path] = []
    for path in journal_copies(journal_path):
        try:
            if looks_like_sqlite(path) or not encryption.looks_encrypted(path):
                found.append(path)
        except OSError:
            continue
    return found


def convert_journal(
    journal_path: Path, from_passphrase: str | None, to_passphrase: str | None
) -> ConversionOutcome:
    """Encrypt (to_passphrase set) or decrypt (from_passphrase set) a journal and its copies.

    The journal is checked first and must not be open elsewhere. Each file is converted into a
    private temporary copy, checked, and renamed over the original, so a crash leaves either
    the old or the new file. Resumable: when the journal is already converted (an earlier run
    was interrupted), the copies still in the old state are converted. Copies that cannot be
    converted are left as they were and listed in the outcome.
    """
    journal_path = Path(journal_path)
    if (from_passphrase is None) == (to_passphrase is None):
        raise ValueError("give exactly one of from_passphrase (decrypt) and to_passphrase")
    if not encryption.encryption_available():
        raise JournalError(
            "encryption is not installed (pip install 'fertilitytracker[encryption]')"
        )
    encrypting = to_passphrase is not None
    resuming_key = (
        to_passphrase if encrypting and encryption.looks_encrypted(journal_path) else None
    )
    db = open_database(
        journal_path,
        create=False,
        daily_backup=False,
        passphrase=resuming_key or from_passphrase,
    )
    encrypted_now = encryption.is_encrypted_connection(db.conn)
    db.conn.close()
    journal_done = encrypted_now == encrypting
    pending = [
        path for path in journal_copies(journal_path) if looks_like_sqlite(path) == encrypting
    ]
    if journal_done and not pending:
        state = "already encrypted" if encrypted_now else "not encrypted"
        raise JournalError(f"{journal_path} is {state}; nothing was changed")
    if not journal_done:
        _convert_file(journal_path, from_passphrase, to_passphrase, exclusive=True)
    converted: list[Path] = []
    left: list[tuple[Path, str]] = []
    for path in pending:
        try:
            _convert_file(path, from_passphrase, to_passphrase, exclusive=False)
        except encryption.database_errors(JournalError, OSError) as error:
            left.append((path, str(error)))
            continue
        converted.append(path)
    if encrypting:
        # Anything else still readable without the passphrase (a damaged copy, say).
        listed = {path for path, _ in left}
        for path in plaintext_copies(journal_path):
            if path not in listed and path not in converted:
                left.append((path, "it is not a journal this version can convert"))
    return ConversionOutcome(journal_path, tuple(converted), tuple(left))


__all__ = [
    "DAILY_KEPT",
    "WEEKLY_KEPT",
    "BackupFile",
    "ConversionOutcome",
    "RestoreOutcome",
    "backup_name",
    "backup_now",
    "backup_to",
    "convert_journal",
    "copy_backup_beside",
    "daily_backup",
    "journal_copies",
    "list_backups",
    "newest_good_backup",
    "plaintext_copies",
    "restore_journal",
    "rotate_backups",
    "verify_journal_file",
]
