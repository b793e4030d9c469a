"""Optional encryption (SQLCipher): encrypt/decrypt, passphrases, backups stay encrypted."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from fertilitytracker.cli import EXIT_FAILED, EXIT_OK, EXIT_REFUSED, run
from fertilitytracker.cli.maintenance_commands import _decrypt
from fertilitytracker.storage.backup import list_backups, newest_good_backup, restore_journal
from fertilitytracker.storage.database import PassphraseRequiredError, open_database
from fertilitytracker.storage.encryption import ENV_PASSPHRASE, looks_encrypted
from tests.builders import digest
from tests.storage.conftest import PASSPHRASE, SECRET, SECRET_ROWS, encrypt

pytest.importorskip("sqlcipher3", reason="the [encryption] extra is not installed")

HOLDER = (
    "import sys\n"
    "from fertilitytracker.storage.journal import Journal\n"
    "journal = Journal.open(sys.argv[1])\n"
    "journal.history()\n"
    "print('open', flush=True)\n"
    "sys.stdin.readline()\n"
    "journal.close()\n"
)


def test_encrypt_makes_the_journal_and_its_backups_unreadable_without_the_passphrase(
    journal_path: Path, passphrase_file: Path, capsys, monkeypatch
) -> None:
    backups_before = [backup.path for backup in list_backups(journal_path)]
    assert len(backups_before) >= 2
    capsys.readouterr()
    assert encrypt(journal_path, passphrase_file) == EXIT_OK
    captured = capsys.readouterr()
    assert "a lost passphrase means the data is lost for good" in captured.err
    assert "a lost passphrase means the data is lost for good" in captured.out
    assert f"with {len(backups_before)} backups" in captured.out

    for path in [journal_path, *backups_before]:
        content = path.read_bytes()
        assert not content.startswith(b"SQLite format 3"), path.name
        assert SECRET.encode() not in content, path.name
        assert looks_encrypted(path)
        assert oct(path.stat().st_mode & 0o777) == oct(0o600)
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(journal_path).execute("SELECT * FROM symptoms").fetchall()

    # Without the passphrase every command says so, in words, and changes nothing.
    before = digest(journal_path)
    assert run(["--db", str(journal_path), "labs"]) == EXIT_FAILED
    assert "is encrypted: give its passphrase" in capsys.readouterr().err
    assert digest(journal_path) == before
    monkeypatch.setenv(ENV_PASSPHRASE, "not the passphrase")
    assert run(["--db", str(journal_path), "labs"]) == EXIT_FAILED
    assert "the passphrase does not open" in capsys.readouterr().err
    assert digest(journal_path) == before

    # With it, everything works, and new backups are encrypted too.
    monkeypatch.setenv(ENV_PASSPHRASE, PASSPHRASE)
    assert run(["--db", str(journal_path), "symptom", "2026-01-06", "after", "2"]) == EXIT_OK
    assert run(["--db", str(journal_path), "backup"]) == EXIT_OK
    assert run(["--db", str(journal_path), "check"]) == EXIT_OK
    for backup in list_backups(journal_path):
        assert looks_encrypted(backup.path), backup.path.name
    newest = newest_good_backup(journal_path)
    assert newest is not None
    db = open_database(journal_path, daily_backup=False)
    try:
        names = {row[0] for row in db.execute("SELECT name FROM symptoms")}
    finally:
        db.conn.close()
    assert {f"{SECRET}-0", "after"} <= names


def test_decrypt_gives_back_a_plain_journal_with_every_record(
    journal_path: Path, passphrase_file: Path, capsys
) -> None:
    assert encrypt(journal_path, passphrase_file) == EXIT_OK
    args = type("Args", (), {"passphrase_file": str(passphrase_file)})()
    assert _decrypt(args, journal_path) == EXIT_OK  # type: ignore[arg-type]
    assert journal_path.read_bytes().startswith(b"SQLite format 3\x00")
    for backup in list_backups(journal_path):
        assert backup.path.read_bytes().startswith(b"SQLite format 3\x00")
    connection = sqlite3.connect(journal_path)
    assert connection.execute("SELECT count(*) FROM symptoms").fetchone()[0] == SECRET_ROWS
    connection.close()
    assert run(["--db", str(journal_path), "check"]) == EXIT_OK


def test_a_short_or_missing_passphrase_is_refused_and_nothing_changes(
    journal_path: Path, tmp_path: Path, capsys
) -> None:
    before = digest(journal_path)
    short = tmp_path / "short.txt"
    short.write_text("abc\n")
    assert encrypt(journal_path, short) == EXIT_REFUSED
    assert "at least 8 characters" in capsys.readouterr().err
    # No file, no environment, no terminal: refused rather than read from the command line.
    assert run(["--db", str(journal_path), "encrypt"]) == EXIT_REFUSED
    assert "--passphrase-file" in capsys.readouterr().err
    assert digest(journal_path) == before


def test_encrypt_refuses_while_another_program_has_the_journal_open(
    journal_path: Path, passphrase_file: Path, capsys
) -> None:
    # The app: another process with the journal open and idle.
    app = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(journal_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert app.stdout is not None and app.stdout.readline().strip() == "open"
        before = digest(journal_path)
        capsys.readouterr()
        assert encrypt(journal_path, passphrase_file) == EXIT_FAILED
        assert "open in another program" in capsys.readouterr().err
        assert digest(journal_path) == before
    finally:
        app.communicate("quit\n", timeout=20)
    assert encrypt(journal_path, passphrase_file) == EXIT_OK


def test_restore_keeps_encrypted_with_encrypted(
    journal_path: Path, passphrase_file: Path, tmp_path: Path, monkeypatch
) -> None:
    plain_copy = tmp_path / "plain-copy.sqlite3"
    assert run(["--db", str(journal_path), "backup", str(plain_copy)]) == EXIT_OK
    assert encrypt(journal_path, passphrase_file) == EXIT_OK
    monkeypatch.setenv(ENV_PASSPHRASE, PASSPHRASE)
    encrypted_copy = tmp_path / "encrypted-copy.sqlite3"
    assert run(["--db", str(journal_path), "backup", str(encrypted_copy)]) == EXIT_OK
    assert run(["--db", str(journal_path), "symptom", "2026-02-01", "later", "1"]) == EXIT_OK

    outcome = restore_journal(journal_path, encrypted_copy, now=_now())
    assert outcome.safety_backup is not None and looks_encrypted(outcome.safety_backup)
    assert looks_encrypted(journal_path)
    from fertilitytracker.storage.database import JournalError

    with pytest.raises(JournalError, match="the journal is encrypted"):
        restore_journal(journal_path, plain_copy, now=_now())
    db = open_database(journal_path, daily_backup=False)
    try:
        names = {row[0] for row in db.execute("SELECT name FROM symptoms")}
    finally:
        db.conn.close()
    assert "later" not in names and len(names) == SECRET_ROWS


def test_opening_without_a_passphrase_raises_the_dedicated_error(
    journal_path: Path, passphrase_file: Path
) -> None:
    assert encrypt(journal_path, passphrase_file) == EXIT_OK
    with pytest.raises(PassphraseRequiredError):
        open_database(journal_path)
    db = open_database(journal_path, passphrase=PASSPHRASE, daily_backup=False)
    db.conn.close()


def _now():
    from datetime import datetime

    return datetime(2026, 3, 1, 12, 0)
