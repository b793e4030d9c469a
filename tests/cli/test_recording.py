"""The recording and reading commands of docs/cli.md, their JSON shapes and exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from fertilitytracker.storage.journal import Journal
from tests.cli.conftest import CliRunner, med_start


def test_lab_converts_si_input_and_labs_json_has_the_contract_shape(cli: CliRunner) -> None:
    assert (
        cli(
            "lab", "2026-01-05", "total_testosterone", "8.67", "nmol/L", "estradiol", "35", "pg/mL"
        ).code
        == 0
    )
    outcome = cli("labs", "--json")
    assert outcome.code == 0
    draws = outcome.json()
    assert len(draws) == 1
    draw = draws[0]
    assert draw["date"] == "2026-01-05"
    testosterone = next(r for r in draw["results"] if r["analyte"] == "total_testosterone")
    assert testosterone["value"] == pytest.approx(250.06, abs=0.01)
    assert testosterone["unit"] == "ng/dL"
    assert testosterone["entered_value"] == 8.67
    assert testosterone["entered_unit"] == "nmol/L"
    assert testosterone["flag"] == "low"
    assert testosterone["target_low"] == 300.0
    assert testosterone["target_high"] == 1080.0
    assert draw["derived"]["t_e_ratio"] == pytest.approx(250.06 / 35, abs=0.01)
    assert draw["derived"]["t_lh_ratio"] is None
    assert draw["derived"]["free_testosterone_calculated"] is None
    assert set(draw["derived"]) == {"t_e_ratio", "t_lh_ratio", "free_testosterone_calculated"}


def test_worked_example_ratio_and_free_testosterone(cli: CliRunner) -> None:
    cli(
        "lab",
        "2026-02-01",
        "total_testosterone",
        "500",
        "ng/dL",
        "shbg",
        "30",
        "nmol/L",
        "albumin",
        "4.3",
        "g/dL",
        "estradiol",
        "30",
        "pg/mL",
        "lh",
        "5",
        "IU/L",
    )
    derived = cli("labs", "--json").json()[0]["derived"]
    assert derived["t_e_ratio"] == pytest.approx(16.67, abs=0.01)
    assert derived["t_lh_ratio"] == pytest.approx(100.0)
    assert derived["free_testosterone_calculated"] == pytest.approx(110.9, abs=0.1)


def test_results_on_the_same_date_join_one_draw(cli: CliRunner) -> None:
    cli("lab", "2026-01-05", "total_testosterone", "450", "ng/dL")
    cli("lab", "2026-01-05", "estradiol", "30", "pg/mL", "--time", "08:30")
    draws = cli("labs", "--json").json()
    assert len(draws) == 1
    assert draws[0]["derived"]["t_e_ratio"] == pytest.approx(15.0)


def test_si_units_report_si_values_and_the_canonical_ratio_in_json(cli: CliRunner) -> None:
    cli("lab", "2026-01-05", "total_testosterone", "450", "ng/dL", "estradiol", "30", "pg/mL")
    draw = cli("labs", "--json", "--units", "si").json()[0]
    testosterone = next(r for r in draw["results"] if r["analyte"] == "total_testosterone")
    assert testosterone["unit"] == "nmol/L"
    assert testosterone["value"] == pytest.approx(15.6, abs=0.01)
    # docs/clinical.md §3: JSON always carries the canonical (US) ratio, whatever the units.
    assert draw["derived"]["t_e_ratio"] == pytest.approx(15.0)
    # The text shows the SI ratio (nmol/L ÷ pmol/L), near 0.14 and never compared with 10.
    assert "0.142 nmol/L per pmol/L" in cli("labs", "--units", "si").out


def test_below_detection_keeps_its_comparator_and_feeds_no_ratio(cli: CliRunner) -> None:
    cli("lab", "2026-03-01", "total_testosterone", "560", "ng/dL", "estradiol", "<5", "pg/mL")
    draw = cli("labs", "--json").json()[0]
    estradiol = next(r for r in draw["results"] if r["analyte"] == "estradiol")
    assert estradiol["comparator"] == "<"
    assert estradiol["value"] == 5.0
    assert estradiol["flag"] == "low"
    assert draw["derived"]["t_e_ratio"] is None


def test_a_bound_value_is_in_range(cli: CliRunner) -> None:
    cli("lab", "2026-03-01", "estradiol", "10", "pg/mL")
    result = cli("labs", "--json").json()[0]["results"][0]
    assert result["flag"] == "in_range"


def test_a_clinician_target_wins_over_the_default(cli: CliRunner) -> None:
    cli("lab", "2026-03-01", "estradiol", "18", "pg/mL")
    assert cli("target", "estradiol", "20", "35", "pg/mL").code == 0
    result = cli("labs", "--json").json()[0]["results"][0]
    assert (result["flag"], result["target_low"], result["target_high"]) == ("low", 20.0, 35.0)
    assert cli("target", "psa", "-", "2.5", "ng/mL").code == 0


def test_semen_appears_as_a_draw_with_counts(cli: CliRunner) -> None:
    assert (
        cli(
            "semen",
            "2026-04-01",
            "--volume",
            "3.0",
            "--concentration",
            "20",
            "--motility",
            "50",
            "--progressive",
            "40",
            "--morphology",
            "4",
            "--abstinence",
            "3",
        ).code
        == 0
    )
    draw = cli("labs", "--json").json()[0]
    assert draw["derived"] == {"total_sperm_count": 60.0, "tmsc": 30.0, "tmsc_progressive": 24.0}
    keys = {result["analyte"] for result in draw["results"]}
    assert {"semen_volume", "sperm_concentration", "total_motility"} <= keys


def test_azoospermia_gives_zero_counts_whatever_the_motility(cli: CliRunner) -> None:
    cli("semen", "2026-04-01", "--volume", "2.5", "--concentration", "0", "--motility", "0")
    assert cli("labs", "--json").json()[0]["derived"] == {
        "total_sperm_count": 0.0,
        "tmsc": 0.0,
        "tmsc_progressive": 0.0,
    }


def test_dexa_appears_as_a_draw_with_its_t_score(cli: CliRunner) -> None:
    assert cli("dexa", "2026-05-01", "--t-score", "-1.6", "--site", "spine").code == 0
    result = cli("labs", "--json").json()[0]["results"][0]
    assert (result["analyte"], result["value"], result["flag"]) == ("dexa_t_score", -1.6, "low")


def test_med_lifecycle_and_med_list_json(cli: CliRunner) -> None:
    assert cli(*med_start("Arimidex", "1", "mg", "eod", "2026-01-05", "--time", "08:00")).code == 0
    assert (
        cli(
            "med",
            "change",
            "anastrozole",
            "--date",
            "2026-02-01",
            "--dose",
            "0.5",
            "--schedule",
            "daily",
        ).code
        == 0
    )
    assert cli("med", "stop", "ANASTROZOLE", "--date", "2026-03-01").code == 0
    regimens = cli("med", "list", "--json").json()
    assert regimens == [
        {
            "name": "anastrozole",
            "class": "aromatase_inhibitor",
            "dose": 0.5,
            "unit": "mg",
            "schedule": "daily",
            "start": "2026-01-05",
            "stop": "2026-03-01",
            "time": "08:00",
            "changes": [{"date": "2026-02-01", "dose": 0.5, "unit": "mg", "schedule": "daily"}],
        }
    ]


def test_unknown_medication_is_kept_as_other(cli: CliRunner) -> None:
    cli(*med_start("Vitamin D3", "2000", "IU", "daily", "2026-01-01"))
    assert cli("med", "list", "--json").json()[0]["class"] == "other"


def test_doses_json_counts_taken_skipped_and_missed(cli: CliRunner) -> None:
    cli(*med_start("clomiphene", "25", "mg", "daily", "2026-01-01"))
    cli("dose", "clomiphene", "--at", "2026-01-01T08:00")
    cli("dose", "clomiphene", "--at", "2026-01-02 08:00")
    cli("dose", "clomiphene", "--at", "2026-01-03T08:00", "--skipped")
    summary = cli("doses", "--json", "--from", "2026-01-01", "--to", "2026-01-04").json()
    regimen = summary["regimens"][0]
    assert regimen["name"] == "clomiphene"
    assert regimen["taken"] == 2
    assert regimen["skipped"] == 1
    assert regimen["expected"] == regimen["taken"] + regimen["skipped"] + regimen["missed"]
    assert [dose["status"] for dose in summary["doses"]] == ["taken", "taken", "skipped"]
    assert summary["doses"][0] == {
        "name": "clomiphene",
        "at": "2026-01-01T08:00",
        "dose": 25.0,
        "unit": "mg",
        "status": "taken",
    }


def test_symptom_names_are_kept_exactly(cli: CliRunner, db_path: Path) -> None:
    names = ['joint "pain"', "<b>mood</b>", "fatigue 😴", "ألم المفاصل"]
    for name in names:
        assert cli("symptom", "2026-01-05", name, "4", "--note", name).code == 0
    journal = Journal.open(db_path)
    try:
        assert [entry.name for entry in journal.symptoms.all()] == names
        assert [entry.note for entry in journal.symptoms.all()] == names
    finally:
        journal.close()


def test_check_reports_a_healthy_journal(cli: CliRunner) -> None:
    outcome = cli("check")
    assert outcome.code == 0
    assert "healthy" in outcome.out


def test_demo_fills_an_empty_journal_once(cli: CliRunner) -> None:
    assert cli("demo").code == 0
    draws = cli("labs", "--json").json()
    assert any(draw["kind"] == "semen" for draw in draws)
    first_labs = next(draw for draw in draws if draw["kind"] == "labs")
    assert first_labs["derived"]["t_e_ratio"] < 10  # the story starts with a low T/E ratio
    regimens = {item["name"] for item in cli("med", "list", "--json").json()}
    assert regimens == {"anastrozole", "clomiphene"}
    doses = cli("doses", "--json").json()["regimens"]
    assert all(0.8 < item["adherence"] < 1 for item in doses)
    again = cli("demo")
    assert again.code == 2
    assert "empty journal" in again.err


def test_version_and_help_on_every_level(
    cli: CliRunner, capsys: pytest.CaptureFixture[str]
) -> None:
    from fertilitytracker.cli import run

    for argv in (
        ["--version"],
        ["med", "--version"],
        ["med", "start", "--version"],
        ["labs", "--help"],
        ["--help"],
    ):
        with pytest.raises(SystemExit) as done:
            run(argv)
        assert done.value.code == 0
    assert "fertilitytracker" in capsys.readouterr().out


def test_lab_warns_on_stderr_about_a_value_that_fits_another_unit(cli: CliRunner) -> None:
    outcome = cli("lab", "2026-01-05", "total_testosterone", "14.1", "ng/dL", "lh", "4", "IU/L")
    assert outcome.code == 0
    assert outcome.err.strip().splitlines() == [
        "warning: 14.1 ng/dL is far below usual adult male values of total testosterone. "
        "Did you mean 14.1 nmol/L?"
    ]
    # Saved as given: the person decides, the warning only tells.
    testosterone = cli("labs", "--json").json()[0]["results"][0]
    assert (testosterone["entered_value"], testosterone["entered_unit"]) == (14.1, "ng/dL")


def test_lab_with_usual_values_prints_no_warning(cli: CliRunner) -> None:
    outcome = cli("lab", "2026-01-05", "total_testosterone", "14.1", "nmol/L")
    assert outcome.code == 0
    assert outcome.err == ""
