"""Safe files: one atomic private writer, the output-path guard and leftover-temp cleanup.

Everything the app writes (backups, reports, exports, calendars, the autostart entry) goes
through `atomic_private_file`: a temporary file in the same folder, named
`.NAME.PID-TOKEN.partial`, created 0600, flushed and fsynced, then renamed over the target,
and removed if anything fails. The pattern is one: `remove_stale_temp_files` recognises every
such file (and SQLite's `-journal`/`-wal`/`-shm` beside it) whose writer is gone.

`refuse_journal_target` is the one check every output path passes (command line and app):
a path that resolves, by name, symlink, `..` or hard link, to the journal, its `-wal`/`-shm`
or any of its backups is refused with InputError, before anything is written.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Literal, overload

from fertilitytracker.core.errors import InputError

# Folders are made in paths.py, which the app's single-instance check uses before the window
# shows, without loading this layer (and sqlite-utils with it); re-exported (__all__ below).
from fertilitytracker.paths import PRIVATE_DIR_MODE, make_private_dirs

PRIVATE_FILE_MODE = 0o600
TEMP_SUFFIX = ".partial"
# `.NAME.PID-TOKEN.partial` (older builds: `.NAME.PID.partial`), plus SQLite's companions.
_TEMP_PATTERN = re.compile(r"^\..+\.(\d+)(?:-[0-9a-f]+)?\.partial(?:-journal|-wal|-shm)?$")
JOURNAL_COMPANIONS = ("-wal", "-shm", "-journal")


def temp_name_for(target: Path) -> Path:
    """A fresh temporary name beside `target` in the one pattern cleanup recognises."""
    # What secrets.token_hex(4) returns, without loading secrets (and hmac) on every open.
    token = os.urandom(4).hex()
    return target.with_name(f".{target.name}.{os.getpid()}-{token}{TEMP_SUFFIX}")


def create_private_file(path: Path) -> None:
    """Create an empty file readable only by its owner; refuse one that exists."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    try:
        os.fchmod(descriptor, PRIVATE_FILE_MODE)
    finally:
        os.close(descriptor)


def fsync_folder(folder: Path) -> None:
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


@contextlib.contextmanager
def atomic_private_path(target: Path) -> Iterator[Path]:
    """The one atomic writer: yields an empty private (0600) temporary file beside `target`.

    Fill it (Python or SQLite); when the block ends it is fsynced and renamed over `target`,
    then the folder is fsynced. On any failure the temporary file (and a SQLite `-journal`
    beside it) is removed and an earlier `target` stays as it was. Stale temporaries of the
    same target left by a killed writer are removed first.
    """
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    remove_stale_temp_files(folder, only_for=target.name)
    temporary = temp_name_for(target)
    create_private_file(temporary)
    try:
        yield temporary
        with open(temporary, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        for leftover in (temporary, temporary.with_name(temporary.name + "-journal")):
            with contextlib.suppress(OSError):
                os.unlink(leftover)
        raise
    fsync_folder(folder)


@overload
def atomic_private_file(
    target: Path, mode: Literal["w"] = "w", *, newline: str | None = None
) -> contextlib.AbstractContextManager[IO[str]]: ...


@overload
def atomic_private_file(
    target: Path, mode: Literal["wb"], *, newline: str | None = None
) -> contextlib.AbstractContextManager[IO[bytes]]: ...


def atomic_private_file(
    target: Path, mode: Literal["w", "wb"] = "w", *, newline: str | None = None
) -> contextlib.AbstractContextManager[IO[Any]]:
    """`atomic_private_path` with a handle open on the temporary file (text is UTF-8)."""
    return _atomic_stream(Path(target), mode, newline)


@contextlib.contextmanager
def _atomic_stream(target: Path, mode: str, newline: str | None) -> Iterator[IO[Any]]:
    with atomic_private_path(target) as temporary:
        if mode == "wb":
            stream: IO[Any] = open(temporary, "wb")  # noqa: SIM115 - closed by `with`
        else:
            stream = open(temporary, "w", encoding="utf-8", newline=newline)  # noqa: SIM115
        with stream:
            yield stream


def write_private_bytes(target: Path, content: bytes) -> None:
    """Write `content` to `target` through `atomic_private_file`."""
    with atomic_private_file(target, "wb") as stream:
        stream.write(content)


def write_private_text(target: Path, text: str, *, newline: str | None = None) -> None:
    """Write `text` (UTF-8) to `target` through `atomic_private_file`."""
    with atomic_private_file(target, "w", newline=newline) as stream:
        stream.write(text)


def append_private_text(target: Path, text: str) -> None:
    """Append `text` to a log file readable only by its owner (0600, in 0700 folders)."""
    target = Path(target)
    make_private_dirs(target.parent)
    descriptor = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, PRIVATE_FILE_MODE)
    with os.fdopen(descriptor, "a", encoding="utf-8") as stream:
        os.fchmod(descriptor, PRIVATE_FILE_MODE)  # also an older log made with another mode
        stream.write(text)


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, someone else's process
        return True
    except OSError:
        return True
    return True


def is_temp_file_name(name: str) -> bool:
    """Whether `name` is one of this app's temporary files (or SQLite's file beside one)."""
    return _TEMP_PATTERN.match(name) is not None


def remove_stale_temp_files(folder: Path, *, only_for: str | None = None) -> list[Path]:
    """Delete this app's temporary files in `folder` whose writing process is gone.

    `only_for` limits it to the temporaries of one target name. Returns what was removed.
    """
    removed: list[Path] = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    prefix = f".{only_for}." if only_for is not None else "."
    for item in entries:
        match = _TEMP_PATTERN.match(item.name)
        if match is None or not item.name.startswith(prefix):
            continue
        if _process_alive(int(match.group(1))):
            continue
        try:
            if item.is_file() and not item.is_symlink():
                item.unlink()
                removed.append(item)
        except OSError:
            continue
    return removed


# --- the output-path guard ------------------------------------------------------------------


def _resolved(path: Path) -> Path:
    return Path(os.path.realpath(Path(path).expanduser()))


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return (status.st_dev, status.st_ino)


def protected_files(journal_path: Path) -> list[Path]:
    """The journal, its SQLite companions and every file in its backups folder."""
    journal = Path(journal_path).expanduser()
    found = [journal, *(journal.with_name(journal.name + s) for s in JOURNAL_COMPANIONS)]
    backups = journal.parent / "backups"
    with contextlib.suppress(OSError):
        found.extend(item for item in backups.iterdir() if not item.is_dir())
    return found


def refuse_journal_target(target: Path | str, journal_path: Path, field: str = "output") -> None:
    """Refuse (InputError on `field`) an output path that would overwrite the journal.

    It is refused when it names, after resolving symlinks and `..`, the journal, its
    `-wal`/`-shm`/`-journal` file or a file in its backups folder, or when it is a hard link
    to one of them (same device and inode). Nothing is written either way.
    """
    target = Path(target).expanduser()
    resolved = _resolved(target)
    identity = _identity(resolved)
    for protected in protected_files(journal_path):
        same_name = _resolved(protected) == resolved
        same_file = identity is not None and _identity(protected) == identity
        if same_name or same_file:
            raise InputError(
                field,
                f"{target} is the journal or one of its backups; choose another file"
                " (nothing was written)",
            )


__all__ = [
    "PRIVATE_DIR_MODE",
    "PRIVATE_FILE_MODE",
    "append_private_text",
    "atomic_private_file",
    "atomic_private_path",
    "create_private_file",
    "fsync_folder",
    "is_temp_file_name",
    "make_private_dirs",
    "protected_files",
    "refuse_journal_target",
    "remove_stale_temp_files",
    "temp_name_for",
    "write_private_bytes",
    "write_private_text",
]
