"""Where the journal and its backups live: --db, then the environment, then the user folder."""

from __future__ import annotations

import os
from pathlib import Path

ENV_DB = "FERTILITYTRACKER_DB"
JOURNAL_FILE = "journal.sqlite3"


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
