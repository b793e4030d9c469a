"""The journal's integrity check on a read-only connection, and the same check started ahead.

The check reads the whole file, so it grows with the journal. The app starts it on a thread of
its own once its window is shown (`CheckAhead`): SQLite does not hold Python's lock while it
reads, so the check runs on another core, and opening the journal only collects its verdict.
The verdict counts only for the file it was taken of, unchanged since (its size, time and
inode, and those of its write-ahead log): otherwise the journal is checked again as it is
opened (docs/design.md, "Desktop", start-up order).

Kept apart from storage/database.py, which imports sqlite-utils, so that the app can start
the check before that import.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000

FileSignature = tuple[tuple[int, int, int] | None, ...]


def looks_like_sqlite(path: Path) -> bool:
    """Whether `path` starts with SQLite's header (an encrypted journal does not)."""
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    return header == SQLITE_HEADER


def read_only_check(path: Path, *, quick: bool = False) -> str | None:
    """SQLite's integrity check (`quick`: its quick check) of `path` from a read-only
    connection: "ok" or the problems found; None when no read-only connection can be made.

    Raises sqlite3.DatabaseError when the file cannot be read as a database.
    """
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        connection = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error:
        return None
    try:
        check = "quick_check" if quick else "integrity_check"
        try:
            status: str = connection.execute(f"PRAGMA {check}").fetchone()[0]
        except sqlite3.OperationalError as error:
            if "unable to open" in str(error) or "readonly" in str(error):
                return None
            raise
        return status
    finally:
        connection.close()


def file_signature(path: Path) -> FileSignature:
    """What changes when the journal or its write-ahead log is written: size, time, inode.

    An empty log counts as none: a read-only connection (the check's own) creates one.
    """
    signature: list[tuple[int, int, int] | None] = []
    for file in (path, path.with_name(path.name + "-wal")):
        try:
            status = file.stat()
        except OSError:
            signature.append(None)
            continue
        written = status.st_size > 0 or file == path
        signature.append((status.st_size, status.st_mtime_ns, status.st_ino) if written else None)
    return tuple(signature)


class CheckAhead:
    """The full integrity check of the journal at `path`, running on a thread of its own."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._signature = file_signature(self.path)
        self._status: str | None = None
        self._error: sqlite3.DatabaseError | None = None
        self._ran = False
        self._thread = threading.Thread(target=self._run, name="journal check", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            # Not a plain SQLite file (missing, empty, encrypted): opening it decides alone.
            if self.path.is_file() and looks_like_sqlite(self.path):
                self._status = read_only_check(self.path)
                self._ran = True
        except sqlite3.DatabaseError as error:
            self._error = error
            self._ran = True
        except OSError:
            pass

    def status_of(self, path: Path) -> tuple[bool, str | None]:
        """(whether the check ahead counts for `path`, its `read_only_check` answer).

        Waits for the check to finish; raises the sqlite3.DatabaseError it met. It does not
        count for another file, a file changed since it started, or one it did not check.
        """
        self._thread.join()
        if not self._ran or Path(path) != self.path or file_signature(self.path) != self._signature:
            return False, None
        if self._error is not None:
            raise self._error
        return True, self._status
