"""`fertilitytracker reminders [--json] [--today D] [--ics OUT.ics]` as docs/cli.md promises."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from icalendar import Calendar

from fertilitytracker.services.settings import set_setting
from fertilitytracker.storage.journal import Journal
from tests.cli.conftest import CliRunner, journal_dump


def _start_anastrozole(cli: CliRunner) -> None:
    outcome = cli(
        "med", "start", "anastrozole", "--dose", "0.5", "--unit", "mg", "--schedule", "daily",
        "--date", "2026-01-05", "--time", "08:00",
    )  # fmt: skip
    assert outcome.code == 0, outcome.err


def test_json_shape_is_exactly_the_contract(cli: CliRunner) -> None:
    _start_anastrozole(cli)
    outcome = cli("reminders", "--json", "--today", "2026-01-20")
    assert outcome.code == 0, outcome.err
    reminders = outcome.json()
    assert isinstance(reminders, list)
    for reminder in reminders:
        assert set(reminder) == {"test", "opens", "due", "status", "reason"}
        assert reminder["test"] in {"hormone_panel", "semen_analysis", "lipid_panel", "dexa"}
        assert reminder["status"] in {"upcoming", "open", "overdue"}
    hormone = next(r for r in reminders if r["test"] == "hormone_panel")
    assert hormone == {
        "test": "hormone_panel",
        "opens": "2026-01-19",
        "due": "2026-02-02",
        "status": "open",
        "reason": "anastrozole started 2026-01-05",
    }


def test_today_pins_the_status(cli: CliRunner) -> None:
    _start_anastrozole(cli)

    def status_on(day: str) -> str:
        reminders = cli("reminders", "--json", "--today", day).json()
        return next(r["status"] for r in reminders if r["test"] == "hormone_panel")

    assert status_on("2026-01-18") == "upcoming"
    assert status_on("2026-01-19") == "open"
    assert status_on("2026-02-02") == "open"
    assert status_on("2026-02-03") == "overdue"


def test_a_later_result_makes_the_reminder_disappear(cli: CliRunner) -> None:
    _start_anastrozole(cli)
    before = cli("reminders", "--json", "--today", "2026-01-25").json()
    assert any(r["reason"] == "anastrozole started 2026-01-05" for r in before)
    assert cli("lab", "2026-01-24", "total_testosterone", "520", "ng/dL",
               "estradiol", "24", "pg/mL").code == 0  # fmt: skip
    after = cli("reminders", "--json", "--today", "2026-01-25").json()
    assert not any(r["reason"] == "anastrozole started 2026-01-05" for r in after)
    hormone = next(r for r in after if r["test"] == "hormone_panel")
    assert (hormone["opens"], hormone["due"]) == ("2026-04-10", "2026-04-24")


def test_an_empty_journal_prints_an_empty_list(cli: CliRunner) -> None:
    outcome = cli("reminders", "--json", "--today", "2026-01-25")
    assert (outcome.code, outcome.json()) == (0, [])
    text = cli("reminders", "--today", "2026-01-25")
    assert text.out.strip() == "No tests due as of 2026-01-25."


def test_text_output_names_status_in_words(cli: CliRunner) -> None:
    _start_anastrozole(cli)
    outcome = cli("reminders", "--today", "2026-02-10")
    assert outcome.code == 0
    assert "Hormone panel — overdue (2026-01-19 to 2026-02-02): anastrozole started 2026-01-05" in (
        outcome.out
    )


def test_ics_writes_tests_and_dose_schedule(cli: CliRunner, tmp_path: Path) -> None:
    _start_anastrozole(cli)
    target = tmp_path / "reminders.ics"
    outcome = cli("reminders", "--json", "--today", "2026-01-20", "--ics", str(target))
    assert outcome.code == 0, outcome.err
    assert len(outcome.json()) == 4  # still exactly one JSON document on stdout
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    events = list(Calendar.from_ical(target.read_bytes()).walk("VEVENT"))
    uids = sorted(str(event["UID"]).split("@")[0] for event in events)
    assert uids == [
        "dose-1-20260105-20260105-1",
        "test-dexa",
        "test-hormone_panel",
        "test-lipid_panel",
        "test-semen_analysis",
    ]
    dose = next(e for e in events if str(e["UID"]).startswith("dose-"))
    assert dict(dose["RRULE"]) == {"FREQ": ["DAILY"]}


def test_bad_today_is_refused_with_exit_2(cli: CliRunner, db_path: Path) -> None:
    _start_anastrozole(cli)
    before = journal_dump(db_path)
    outcome = cli("reminders", "--today", "2026-02-30")
    assert outcome.code == 2
    assert outcome.err.startswith("fertilitytracker: today:")
    assert "February 2026 has 28 days" in outcome.err
    assert "Traceback" not in outcome.err
    assert journal_dump(db_path) == before


def test_ics_into_a_missing_folder_is_refused_and_nothing_written(
    cli: CliRunner, tmp_path: Path
) -> None:
    _start_anastrozole(cli)
    outcome = cli("reminders", "--ics", str(tmp_path / "nope" / "r.ics"))
    assert outcome.code == 2
    assert outcome.err.startswith("fertilitytracker: ics:")
    assert outcome.out == ""
    assert not (tmp_path / "nope").exists()


def test_an_unwritable_ics_fails_with_exit_1_and_prints_nothing(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from fertilitytracker.services import ics

    def disk_full(*_args: object) -> Path:
        raise OSError(errno.ENOSPC, "No space left on device")

    _start_anastrozole(cli)
    monkeypatch.setattr(ics, "write_ics", disk_full)
    outcome = cli("reminders", "--json", "--ics", str(tmp_path / "r.ics"))
    assert outcome.code == 1
    assert outcome.err.strip() == (
        f"fertilitytracker: {tmp_path / 'r.ics'} could not be written (No space left on device)"
    )
    assert outcome.out == ""


def test_bad_stored_rule_offsets_are_refused_naming_the_offset(
    cli: CliRunner, db_path: Path
) -> None:
    _start_anastrozole(cli)
    journal = Journal.open(db_path)
    try:
        set_setting(journal, "rule_offsets", {"semen_opens_days": -1})
    finally:
        journal.close()
    outcome = cli("reminders", "--json")
    assert outcome.code == 2
    assert outcome.err.startswith("fertilitytracker: semen_opens_days:")
    assert outcome.out == ""


def test_help_and_version(cli: CliRunner, capsys: pytest.CaptureFixture[str]) -> None:
    for flag in ("--help", "--version"):
        with pytest.raises(SystemExit) as done:
            cli("reminders", flag)
        assert done.value.code == 0
    printed = capsys.readouterr().out
    assert "--ics" in printed and "--today" in printed and "fertilitytracker 0.1.0" in printed
