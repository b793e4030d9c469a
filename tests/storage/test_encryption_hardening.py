"""Encryption without plaintext left behind, passphrases from a terminal or a file, damage."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

import pytest

from fertilitytracker.cli import EXIT_FAILED, EXIT_OK, run
from fertilitytracker.storage.backup import _convert_file, list_backups
from fertilitytracker.storage.encryption import looks_encrypted
from tests.builders import dead_pid, digest
from tests.storage.conftest import PASSPHRASE, SECRET_ROWS, encrypt

pytest.importorskip("sqlcipher3", reason="the [encryption] extra is not installed")


def test_an_interrupted_encrypt_is_finished_by_running_it_again(
    journal_path: Path, passphrase_file: Path, capsys
) -> None:
    # As if killed after converting the journal and before its backups.
    _convert_file(journal_path, None, PASSPHRASE, exclusive=True)
    plain = [b.path for b in list_backups(journal_path) if not looks_encrypted(b.path)]
    assert plain
    capsys.readouterr()
    assert encrypt(journal_path, passphrase_file) == EXIT_OK
    assert f"with {len(plain)} backup" in capsys.readouterr().out
    assert all(looks_encrypted(path) for path in plain)


def test_encrypt_does_not_finish_while_a_plaintext_copy_remains(
    journal_path: Path, passphrase_file: Path, capsys
) -> None:
    leftover = journal_path.parent / "backups" / "journal-manual-20260101-000000.sqlite3"
    leftover.write_bytes(b"secret-1 headache, not a database " * 200)
    capsys.readouterr()
    assert encrypt(journal_path, passphrase_file) == EXIT_FAILED
    captured = capsys.readouterr()
    assert str(leftover) in captured.out
    assert "Encryption is not finished" in captured.err
    # check warns about it beside the now encrypted journal.
    assert (
        run(["--db", str(journal_path), "--passphrase-file", str(passphrase_file), "check"])
        == EXIT_OK
    )
    out = capsys.readouterr().out
    assert "can be read without the passphrase" in out and str(leftover) in out
    # Once it is gone, encrypt finishes (resumes) and check is quiet about it.
    leftover.unlink()
    assert encrypt(journal_path, passphrase_file) == EXIT_FAILED  # nothing left to do
    assert "already encrypted" in capsys.readouterr().err
    assert (
        run(["--db", str(journal_path), "--passphrase-file", str(passphrase_file), "check"])
        == EXIT_OK
    )
    assert "without the passphrase" not in capsys.readouterr().out


def test_temporary_copies_of_killed_writers_are_removed_on_the_next_run(
    journal_path: Path, tmp_path: Path
) -> None:
    dead = dead_pid()
    backups = journal_path.parent / "backups"
    leftovers = [
        backups / f".journal-daily-2026-01-05.sqlite3.{dead}.partial",
        backups / f".journal-daily-2026-01-05.sqlite3.{dead}.partial-journal",
        journal_path.parent / f".journal.sqlite3.{dead}-0a1b.partial",
    ]
    for item in leftovers:
        item.write_bytes(b"SQLite format 3\x00 secret-1 plaintext")
    assert run(["--db", str(journal_path), "labs"]) == EXIT_OK
    assert not any(item.exists() for item in leftovers)

    export_leftover = tmp_path / f".o.json.{dead}-beef.partial"
    export_leftover.write_bytes(b'{"secret-1": true}')
    assert run(["--db", str(journal_path), "export", str(tmp_path / "o.json")]) == EXIT_OK
    assert not export_leftover.exists()


def test_every_command_asks_for_the_passphrase_on_a_terminal_without_echo(
    journal_path: Path, passphrase_file: Path, monkeypatch, capsys
) -> None:
    assert encrypt(journal_path, passphrase_file) == EXIT_OK
    asked: list[str] = []

    def fake_getpass(prompt: str = "") -> str:
        asked.append(prompt)
        return PASSPHRASE

    monkeypatch.setattr(getpass, "getpass", fake_getpass)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    capsys.readouterr()
    assert run(["--db", str(journal_path), "symptom", "2026-01-06", "tired", "2"]) == EXIT_OK
    assert run(["--db", str(journal_path), "check"]) == EXIT_OK
    assert len(asked) == 2 and all("Passphrase" in prompt for prompt in asked)
    assert "Backups:" in capsys.readouterr().out


def test_passphrase_file_opens_an_encrypted_journal_for_any_command(
    journal_path: Path, passphrase_file: Path, tmp_path: Path, capsys
) -> None:
    assert encrypt(journal_path, passphrase_file) == EXIT_OK
    capsys.readouterr()
    base = ["--db", str(journal_path), "--passphrase-file", str(passphrase_file)]
    assert run([*base, "symptom", "2026-01-06", "tired", "2"]) == EXIT_OK
    assert run([*base, "check", "--json"]) == EXIT_OK
    assert f'"symptoms": {SECRET_ROWS + 1}' in capsys.readouterr().out
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not the passphrase\n")
    assert run(["--db", str(journal_path), "--passphrase-file", str(wrong), "labs"]) == 1
    assert "does not open" in capsys.readouterr().err


@pytest.mark.parametrize("damage", [b"\x00" * 900, bytes(range(256)) * 4])
def test_a_damaged_encrypted_journal_is_handled_like_a_plain_one(
    journal_path: Path, passphrase_file: Path, capsys, damage: bytes
) -> None:
    assert encrypt(journal_path, passphrase_file) == EXIT_OK
    base = ["--db", str(journal_path), "--passphrase-file", str(passphrase_file)]
    assert run([*base, "backup"]) == EXIT_OK
    newest = max(list_backups(journal_path), key=lambda b: b.taken).path
    with journal_path.open("r+b") as handle:  # damage the first page
        handle.seek(100)
        handle.write(damage)
    before = digest(journal_path)
    capsys.readouterr()
    assert run([*base, "labs"]) == EXIT_FAILED
    err = capsys.readouterr().err
    assert "The file was left unchanged" in err and "The newest good backup is" in err
    assert digest(journal_path) == before
    assert run([*base, "restore", str(newest)]) == EXIT_OK
    assert "moved, unchanged" in capsys.readouterr().out
    assert run([*base, "check", "--json"]) == EXIT_OK
    assert f'"symptoms": {SECRET_ROWS}' in capsys.readouterr().out
