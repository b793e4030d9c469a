"""Where the journal and its backups live: --db, then the environment, then the user folder."""

from __future__ import annotations

import contextlib
import os
from datetime import date
from pathlib import Path

ENV_DB = "FERTILITYTRACKER_DB"
JOURNAL_FILE = "journal.sqlite3"
PRIVATE_DIR_MODE = 0o700


def default_data_dir() -> Path:
    """The per-user data folder (platformdirs), e.g. ~/.local/share/fertilitytracker."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("fertilitytracker", appauthor=False))


def journal_path(db_option: str | None = None) -> Path:
    """The journal to open: `--db`, else $FERTILITYTRACKER_DB, else the default file."""
    if db_option:
        return Path(db_option).expanduser()
    from_env = os.environ.get(ENV_DB)
    if from_env:
        return Path(from_env).expanduser()
    return default_data_dir() / JOURNAL_FILE


def backups_dir(journal: Path) -> Path:
    """The folder beside a journal that holds its automatic backups."""
    return journal.parent / "backups"


BACKUP_SUFFIX = ".sqlite3"
ROTATED_BACKUP_KINDS = ("daily", "weekly")  # taken on open, the oldest deleted


def rotated_backup_path(journal: Path, kind: str, day: date) -> Path:
    """Where the "daily" or "weekly" backup of `day` goes (storage/backup.py rotates them).

    Here, not in storage/backup.py: every open asks whether the day's backups exist, and
    needs that module only when one is still to be taken.
    """
    stem = journal.stem
    if kind == "daily":
        return backups_dir(journal) / f"{stem}-daily-{day:%Y-%m-%d}{BACKUP_SUFFIX}"
    if kind == "weekly":
        year, week, _ = day.isocalendar()
        return backups_dir(journal) / f"{stem}-weekly-{year:04d}-W{week:02d}{BACKUP_SUFFIX}"
    raise ValueError(f"not a rotated backup kind: {kind}")


def make_private_dirs(folder: Path) -> None:
    """Create `folder` and every missing parent 0700, whatever the umask."""
    folder = Path(folder)
    missing: list[Path] = []
    current = folder
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for item in reversed(missing):
        with contextlib.suppress(FileExistsError):
            item.mkdir(mode=PRIVATE_DIR_MODE)
        # mkdir honours the umask only downwards; chmod makes it exactly 0700.
        os.chmod(item, PRIVATE_DIR_MODE)
