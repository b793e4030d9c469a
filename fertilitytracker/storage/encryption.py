"""Optional encryption of the journal with a passphrase (SQLCipher through `sqlcipher3`).

Installed with the `[encryption]` extra. An encrypted journal and every backup of it are
SQLCipher files keyed with the same passphrase; a plain journal is an ordinary SQLite file.
There is no way around the passphrase: a lost passphrase means a lost journal.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

ENV_PASSPHRASE = "FERTILITYTRACKER_PASSPHRASE"
LOST_PASSPHRASE_WARNING = (
    "Keep the passphrase safe. Nobody can open an encrypted journal or its backups without it:"
    " a lost passphrase means the data is lost for good."
)
_SQLITE_HEADER = b"SQLite format 3\x00"
_PROBE_BYTES = 4096
# A SQLCipher page looks like random bytes: about 16 zero bytes in 4096. A plain SQLite page,
# even with a damaged header, holds far more zeros (free space, small integers).
_MAX_ZERO_BYTES_WHEN_ENCRYPTED = 64
_MIN_DISTINCT_BYTES_WHEN_ENCRYPTED = 200


def encryption_available() -> bool:
    """Whether the SQLCipher binding is installed (`pip install fertilitytracker[encryption]`)."""
    try:
        import sqlcipher3  # noqa: F401
    except ImportError:
        return False
    return True


def passphrase_from_environment() -> str | None:
    """The passphrase scripts give in $FERTILITYTRACKER_PASSPHRASE, if any."""
    return os.environ.get(ENV_PASSPHRASE) or None


def looks_encrypted(path: Path) -> bool:
    """True when `path` looks like an encrypted journal rather than a plain or damaged one."""
    try:
        size = Path(path).stat().st_size
        with Path(path).open("rb") as handle:
            head = handle.read(_PROBE_BYTES)
    except OSError:
        return False
    if len(head) < _PROBE_BYTES or head.startswith(_SQLITE_HEADER):
        return False
    # Whole pages of random-looking bytes: almost every byte value, hardly any zeros.
    return (
        size % 512 == 0
        and head.count(0) <= _MAX_ZERO_BYTES_WHEN_ENCRYPTED
        and len(set(head)) >= _MIN_DISTINCT_BYTES_WHEN_ENCRYPTED
    )


def is_encrypted_connection(connection: Any) -> bool:
    """Whether `connection` is a SQLCipher connection (and so every copy must be keyed too)."""
    return type(connection).__module__.startswith("sqlcipher3")


def database_errors(*others: type[Exception]) -> tuple[type[Exception], ...]:
    """The DatabaseError classes of both bindings, and `others`, for `except` clauses."""
    errors: list[type[Exception]] = [*others, sqlite3.DatabaseError]
    try:
        from sqlcipher3 import dbapi2

        errors.append(dbapi2.DatabaseError)
    except ImportError:
        pass
    return tuple(errors)


class PassphraseError(Exception):
    """No passphrase, a wrong one, or encryption not installed (the message says which)."""


def _quoted(passphrase: str) -> str:
    # PRAGMA key takes no bound parameters: quote it as an SQL string literal.
    return "'" + passphrase.replace("'", "''") + "'"


def connect(
    path: Path, passphrase: str | None, *, read_only: bool = False, timeout_s: float = 5.0
) -> Any:
    """A SQLCipher connection to `path`, keyed with `passphrase` (None: a plain file).

    Raises PassphraseError when the binding is missing or the passphrase does not open it.
    """
    try:
        from sqlcipher3 import dbapi2
    except ImportError:
        raise PassphraseError(
            "encryption is not installed (pip install 'fertilitytracker[encryption]')"
        ) from None
    target = f"{Path(path).resolve().as_uri()}?mode=ro" if read_only else str(path)
    connection = dbapi2.connect(target, uri=read_only, timeout=timeout_s, isolation_level=None)
    try:
        connection.execute("PRAGMA cipher_log_level = NONE")  # no SQLCipher chatter on stderr
        if passphrase is not None:
            connection.execute(f"PRAGMA key = {_quoted(passphrase)}")
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except dbapi2.DatabaseError:
        connection.close()
        raise PassphraseError(
            f"the passphrase does not open {path} (or the file is damaged)"
        ) from None
    return connection


def copy_connection(source: Any, target: Path, passphrase: str | None, *, same_key: bool) -> str:
    """Copy the open SQLCipher connection `source` into the empty file `target`.

    The copy is keyed like the source (`same_key`), or with `passphrase` (None: plain). Uses
    SQLCipher's `sqlcipher_export`, which converts between plain and encrypted. Returns the
    copy's `integrity_check` status; the caller renames the file into place.
    """
    if same_key:
        source.execute("ATTACH DATABASE ? AS converted", (str(target),))
    else:
        key = "" if passphrase is None else passphrase
        source.execute("ATTACH DATABASE ? AS converted KEY ?", (str(target), key))
    try:
        source.execute("SELECT sqlcipher_export('converted')").fetchone()
        version = int(source.execute("PRAGMA main.user_version").fetchone()[0])
        source.execute(f"PRAGMA converted.user_version = {version}")
        return str(source.execute("PRAGMA converted.integrity_check").fetchone()[0])
    finally:
        source.execute("DETACH DATABASE converted")
