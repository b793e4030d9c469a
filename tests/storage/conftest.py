"""What the storage tests share: a copy of a journal of the first released schema; for the
encryption tests, no passphrase from the environment, a journal with backups written through
the command line, and a passphrase file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fertilitytracker.cli import EXIT_OK, run
from fertilitytracker.storage.encryption import ENV_PASSPHRASE

FIRST_SCHEMA = Path(__file__).resolve().parents[1] / "fixtures" / "journal_0001.sqlite3"
PASSPHRASE = "correct horse battery"
SECRET = "secret-symptom-4471"
SECRET_ROWS = 40  # symptoms named f"{SECRET}-{index}", enough for a journal of several pages


@pytest.fixture(autouse=True)
def _no_passphrase_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_PASSPHRASE, raising=False)


@pytest.fixture
def journal_path(tmp_path: Path) -> Path:
    """A plain journal of SECRET_ROWS symptoms and at least two backups of it."""
    path = tmp_path / "journal.sqlite3"
    for index in range(SECRET_ROWS):
        assert run(["--db", str(path), "symptom", "2026-01-05", f"{SECRET}-{index}", "3"]) == 0
    assert run(["--db", str(path), "backup"]) == EXIT_OK
    return path


@pytest.fixture
def passphrase_file(tmp_path: Path) -> Path:
    path = tmp_path / "passphrase.txt"
    path.write_text(PASSPHRASE + "\n")
    return path


def encrypt(journal_path: Path, passphrase_file: Path) -> int:
    """`encrypt --passphrase-file` on the journal; its exit code."""
    return run(["--db", str(journal_path), "encrypt", "--passphrase-file", str(passphrase_file)])


@pytest.fixture
def first_schema_path(tmp_path: Path) -> Path:
    """A copy of a journal written by the first released schema (0001_initial), not opened yet
    (tests/fixtures/make_journal_0001.py)."""
    path = tmp_path / "journal.sqlite3"
    shutil.copy(FIRST_SCHEMA, path)
    return path
