"""`backup`, `restore` and `check` from the command line, and dates that ignore the time zone."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from fertilitytracker.cli import EXIT_FAILED, EXIT_OK, EXIT_REFUSED, run
from fertilitytracker.cli.maintenance_commands import restore_at_path
from tests.builders import digest, symptom_names
from tests.cli.conftest import med_start


def _damage(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.seek(2 * 4096)
        handle.write(b"\x13" * min(8 * 4096, path.stat().st_size - 3 * 4096))


@pytest.fixture
def journal_path(tmp_path: Path) -> Path:
    path = tmp_path / "data" / "journal.sqlite3"
    assert run(["--db", str(path), "symptom", "2026-01-05", "headache", "3"]) == EXIT_OK
    assert run(["--db", str(path), "lab", "2026-01-05", "lh", "4", "IU/L"]) == EXIT_OK
    return path


def _cli(capsys, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = run(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- check -----------------------------------------------------------------------------------


def test_check_reports_a_healthy_journal_in_words(journal_path: Path, capsys) -> None:
    code, out, _ = _cli(capsys, "--db", str(journal_path), "check")
    assert code == EXIT_OK
    assert f"Journal: {journal_path}" in out
    assert "Integrity: no problem found" in out
    assert "Links: every record points to an existing one" in out
    assert "Schema: 0002_draw_fasting (current for this version" in out
    assert "1 blood draw (1 result)" in out
    assert "1 symptom," in out
    assert "the newest good one is" in out  # the daily backup taken when the journal reopened
    assert out.rstrip().endswith("The journal is healthy.")


def test_check_json_gives_the_same_facts(journal_path: Path, capsys) -> None:
    code, out, _ = _cli(capsys, "--db", str(journal_path), "check", "--json")
    assert code == EXIT_OK
    report = json.loads(out)
    assert report["healthy"] is True
    assert report["integrity"] == [] and report["foreign_keys"] == []
    assert report["schema"][0] == "0001_initial" and report["schema_current"] is True
    assert report["counts"]["symptoms"] == 1
    assert report["counts"]["lab_results"] == 1
    assert isinstance(report["counts"]["doses"], int)


def test_check_names_a_record_that_points_to_nothing(journal_path: Path, capsys) -> None:
    connection = sqlite3.connect(journal_path)
    connection.execute("PRAGMA foreign_keys = OFF")
    connection.execute(
        "INSERT INTO lab_results (draw_id, analyte, value, entered_value,"
        " entered_unit) VALUES (999, 'lh', 1, 1, 'IU/L')"
    )
    connection.commit()
    connection.close()
    code, out, _ = _cli(capsys, "--db", str(journal_path), "check")
    assert code == EXIT_FAILED
    assert "lab_results row" in out and "points to a missing draws row" in out
    assert "The journal has problems. It was not changed." in out


def test_a_damaged_journal_is_refused_unchanged_and_a_backup_is_named(
    journal_path: Path, capsys
) -> None:
    for index in range(60):
        run(["--db", str(journal_path), "symptom", "2026-01-06", f"s{index}", "2"])
    code, out, _ = _cli(capsys, "--db", str(journal_path), "backup")
    assert code == EXIT_OK
    backup = Path(out.split("Backup written to ")[1].split(" and verified")[0])
    _damage(journal_path)
    before = digest(journal_path)
    code, out, err = _cli(capsys, "--db", str(journal_path), "check")
    assert code == EXIT_FAILED and err == ""
    assert "damaged" in out and "it was not opened" in out
    assert f"the newest good one is {backup}" in out
    assert digest(journal_path) == before
    for command in (["labs", "--json"], ["symptom", "2026-01-07", "x", "1"]):
        code, out, err = _cli(capsys, "--db", str(journal_path), *command)
        assert code == EXIT_FAILED
        assert out == ""
        assert "damaged" in err and "The file was left unchanged" in err
        assert f"The newest good backup is {backup}" in err
        assert err.count("\n") == 1, "one line, no traceback"
        assert digest(journal_path) == before


# --- backup ----------------------------------------------------------------------------------


def test_backup_without_out_goes_to_the_backups_folder(journal_path: Path, capsys) -> None:
    code, out, _ = _cli(capsys, "--db", str(journal_path), "backup")
    assert code == EXIT_OK
    assert "verified" in out
    written = Path(out.split("Backup written to ")[1].split(" and verified")[0])
    assert written.parent == journal_path.parent / "backups"
    assert written.name.startswith("journal-manual-")
    assert symptom_names(written) == {"headache"}


def test_backup_to_out_and_refusal_of_a_foreign_file(
    journal_path: Path, tmp_path: Path, capsys
) -> None:
    out_file = tmp_path / "copy.sqlite3"
    code, out, _ = _cli(capsys, "--db", str(journal_path), "backup", str(out_file))
    assert code == EXIT_OK and str(out_file) in out
    assert oct(out_file.stat().st_mode & 0o777) == oct(0o600)
    assert symptom_names(out_file) == {"headache"}

    letter = tmp_path / "letter.txt"
    letter.write_text("dear doctor")
    code, out, err = _cli(capsys, "--db", str(journal_path), "backup", str(letter))
    assert code == EXIT_REFUSED
    assert "out:" in err and "not a journal backup: nothing was written" in err
    assert letter.read_text() == "dear doctor"


# --- restore ---------------------------------------------------------------------------------


def test_restore_replaces_the_journal_after_backing_it_up(
    journal_path: Path, tmp_path: Path, capsys
) -> None:
    saved = tmp_path / "saved.sqlite3"
    assert run(["--db", str(journal_path), "backup", str(saved)]) == EXIT_OK
    assert run(["--db", str(journal_path), "symptom", "2026-01-08", "later", "5"]) == EXIT_OK
    code, out, _ = _cli(capsys, "--db", str(journal_path), "restore", str(saved))
    assert code == EXIT_OK
    assert f"restored from {saved}" in out
    safety = Path(out.split("is saved in ")[1].strip().rstrip("."))
    assert safety.name.startswith("journal-before-restore-")
    assert symptom_names(journal_path) == {"headache"}
    assert symptom_names(safety) == {"headache", "later"}
    code, _, _ = _cli(capsys, "--db", str(journal_path), "check")
    assert code == EXIT_OK


def test_restore_refuses_a_file_that_is_not_a_journal(
    journal_path: Path, tmp_path: Path, capsys
) -> None:
    before = digest(journal_path)
    bogus = tmp_path / "bogus.sqlite3"
    bogus.write_bytes(b"SQLite format 2\x00" + b"\x00" * 4000)
    code, _, err = _cli(capsys, "--db", str(journal_path), "restore", str(bogus))
    assert code == EXIT_REFUSED
    assert err.startswith("fertilitytracker: file: ") and "nothing was changed" in err
    code, _, err = _cli(capsys, "--db", str(journal_path), "restore", str(tmp_path / "none"))
    assert code == EXIT_REFUSED
    assert "is not a file" in err
    assert digest(journal_path) == before


def test_restore_over_a_damaged_journal_keeps_the_damaged_file(
    journal_path: Path, tmp_path: Path, capsys
) -> None:
    for index in range(60):
        run(["--db", str(journal_path), "symptom", "2026-01-06", f"s{index}", "2"])
    saved = tmp_path / "saved.sqlite3"
    assert run(["--db", str(journal_path), "backup", str(saved)]) == EXIT_OK
    _damage(journal_path)
    before = digest(journal_path)
    args = type("Args", (), {"file": str(saved)})()
    capsys.readouterr()
    assert restore_at_path(args, journal_path) == EXIT_OK  # type: ignore[arg-type]
    out = capsys.readouterr().out
    moved = Path(out.split("was moved, unchanged, to ")[1].strip().rstrip("."))
    assert digest(moved) == before
    assert len(symptom_names(journal_path)) == 61


def test_backup_restore_and_check_are_commands() -> None:
    from fertilitytracker.cli import build_parser

    commands = next(
        action for action in build_parser()._actions if action.dest == "command"
    ).choices
    assert {"backup", "restore", "check"} <= set(commands)


# --- time zones ------------------------------------------------------------------------------


def _cli_in_zone(zone: str, journal: Path, *argv: str) -> str:
    completed = subprocess.run(
        [sys.executable, "-m", "fertilitytracker", "--db", str(journal), *argv],
        env={**os.environ, "TZ": zone},
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


def test_stored_dates_do_not_move_when_the_time_zone_changes(tmp_path: Path) -> None:
    journal = tmp_path / "journal.sqlite3"
    # Written in Auckland across its DST change (2026-04-05 03:00 -> 02:00), read elsewhere.
    writes = [
        med_start("anastrozole", "0.5", "mg", "daily", "2026-03-28", "--time", "02:30"),
        ["dose", "anastrozole", "--at", "2026-04-05T02:30"],
        ["dose", "anastrozole", "--at", "2026-03-29T23:59"],
        ["lab", "2026-04-05", "total_testosterone", "450", "ng/dL", "--time", "02:15"],
        ["symptom", "2025-12-31", "headache", "2"],
    ]
    for argv in writes:
        _cli_in_zone("Pacific/Auckland", journal, *argv)
    readings = {}
    for zone in ("Pacific/Auckland", "America/Los_Angeles", "UTC"):
        labs = json.loads(_cli_in_zone(zone, journal, "labs", "--json"))
        regimens = json.loads(_cli_in_zone(zone, journal, "med", "list", "--json"))
        doses = json.loads(_cli_in_zone(zone, journal, "doses", "--json"))["doses"]
        readings[zone] = (labs, regimens, doses)
    assert readings["Pacific/Auckland"] == readings["America/Los_Angeles"] == readings["UTC"]
    labs, regimens, doses = readings["UTC"]
    assert [draw["date"] for draw in labs] == ["2026-04-05"]
    assert regimens[0]["start"] == "2026-03-28"
    assert sorted(dose["at"][:16] for dose in doses) == ["2026-03-29T23:59", "2026-04-05T02:30"]
