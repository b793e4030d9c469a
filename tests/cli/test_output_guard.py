"""No output path of any command may overwrite the journal, its -wal/-shm or a backup."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fertilitytracker.cli import EXIT_OK, EXIT_REFUSED, run
from fertilitytracker.core.errors import InputError
from fertilitytracker.services.exchange import export_journal
from fertilitytracker.storage.backup import list_backups
from fertilitytracker.storage.files import refuse_journal_target
from fertilitytracker.storage.journal import Journal
from tests.builders import digest, umask


@pytest.fixture
def journal_path(tmp_path: Path) -> Path:
    path = tmp_path / "data" / "journal.sqlite3"
    assert run(["--db", str(path), "symptom", "2026-01-05", "headache", "3"]) == EXIT_OK
    assert run(["--db", str(path), "backup"]) == EXIT_OK
    return path


def _commands(target: str) -> list[list[str]]:
    return [
        ["report", target],
        ["reminders", "--ics", target],
        ["export", target, "--format", "csv"],
        ["export", target, "--format", "json"],
        ["backup", target],
    ]


def _aliases(journal: Path, tmp_path: Path) -> dict[str, Path]:
    """Ways of naming the journal (or its -wal) that are not its plain path."""
    link = tmp_path / "innocent.pdf"
    link.symlink_to(journal)
    folder_link = tmp_path / "elsewhere"
    folder_link.symlink_to(journal.parent, target_is_directory=True)
    hard = tmp_path / "hard.sqlite3"
    os.link(journal, hard)
    return {
        "plain": journal,
        "dotdot": journal.parent / ".." / journal.parent.name / journal.name,
        "symlink": link,
        "folder symlink": folder_link / journal.name,
        "hard link": hard,
        "wal": journal.with_name(journal.name + "-wal"),
        "shm": journal.with_name(journal.name + "-shm"),
    }


@pytest.mark.parametrize(
    "alias", ["plain", "dotdot", "symlink", "folder symlink", "hard link", "wal", "shm"]
)
def test_every_output_command_refuses_the_journal_under_any_name(
    journal_path: Path, tmp_path: Path, capsys, alias: str
) -> None:
    target = _aliases(journal_path, tmp_path)[alias]
    before = digest(journal_path)
    for argv in _commands(str(target)):
        capsys.readouterr()
        code = run(["--db", str(journal_path), *argv])
        err = capsys.readouterr().err
        assert code == EXIT_REFUSED, (argv, err)
        assert "is the journal or one of its backups" in err
        assert "Traceback" not in err
        assert digest(journal_path) == before, argv
    # The journal still opens and still holds its record.
    journal = Journal.open(journal_path)
    try:
        assert [s.name for s in journal.history().symptoms] == ["headache"]
    finally:
        journal.close()


def test_every_output_command_refuses_a_backup(journal_path: Path, capsys) -> None:
    backup = list_backups(journal_path)[0].path
    before = digest(backup)
    for argv in _commands(str(backup)):
        capsys.readouterr()
        assert run(["--db", str(journal_path), *argv]) == EXIT_REFUSED, argv
        assert "one of its backups" in capsys.readouterr().err
    assert digest(backup) == before


def test_an_ordinary_path_is_still_written(journal_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    assert run(["--db", str(journal_path), "export", str(out)]) == EXIT_OK
    assert out.read_text(encoding="utf-8").count("headache") == 1


def test_the_service_functions_refuse_too(journal_path: Path) -> None:
    journal = Journal.open(journal_path)
    try:
        with pytest.raises(InputError, match="journal or one of its backups"):
            export_journal(journal, journal_path, "csv")
        assert [s.name for s in journal.history().symptoms] == ["headache"]
    finally:
        journal.close()


def test_the_guard_does_not_refuse_a_new_file_beside_the_journal(journal_path: Path) -> None:
    refuse_journal_target(journal_path.with_name("report.pdf"), journal_path)
    refuse_journal_target(journal_path.with_name("journal.sqlite3.pdf"), journal_path)


@pytest.mark.parametrize("device", ["/dev/null", "/dev/zero"])
def test_a_device_as_the_journal_gives_one_line_and_creates_nothing(capsys, device: str) -> None:
    before = sorted(os.listdir("/dev"))
    capsys.readouterr()
    assert run(["--db", device, "labs"]) == 1
    err = capsys.readouterr().err
    assert (
        err.strip()
        == f"fertilitytracker: {device} is not a regular file, so it cannot be a journal"
    )
    assert sorted(os.listdir("/dev")) == before


def test_backup_to_a_name_ending_in_a_slash_makes_a_folder(
    journal_path: Path, tmp_path: Path, capsys
) -> None:
    capsys.readouterr()
    assert run(["--db", str(journal_path), "backup", f"{tmp_path}/newfolder/"]) == EXIT_OK
    folder = tmp_path / "newfolder"
    assert folder.is_dir() and (folder.stat().st_mode & 0o777) == 0o700
    (copy,) = folder.iterdir()
    assert copy.name.startswith("journal-backup-") and copy.suffix == ".sqlite3"


def test_every_folder_the_journal_needs_is_private_under_umask_000(tmp_path: Path) -> None:
    journal = tmp_path / "a" / "b" / "journal.sqlite3"
    with umask(0o000):
        assert run(["--db", str(journal), "symptom", "2026-01-05", "x", "1"]) == EXIT_OK
        assert run(["--db", str(journal), "backup"]) == EXIT_OK
    for folder in (tmp_path / "a", tmp_path / "a" / "b", tmp_path / "a" / "b" / "backups"):
        assert (folder.stat().st_mode & 0o777) == 0o700, folder
