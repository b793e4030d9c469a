"""Every refusal: exit 2, one line on stderr naming the field, and nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import CliRunner, journal_dump, med_start

SEEDED = (
    med_start("anastrozole", "1", "mg", "eod", "2026-01-05"),
    ("lab", "2026-01-05", "total_testosterone", "300", "ng/dL"),
)

REFUSED = {
    "text as a value": (("lab", "2026-02-01", "estradiol", "abc", "pg/mL"), "value"),
    "NaN": (("lab", "2026-02-01", "estradiol", "nan", "pg/mL"), "value"),
    "infinity": (("lab", "2026-02-01", "estradiol", "inf", "pg/mL"), "value"),
    "overflow": (("lab", "2026-02-01", "estradiol", "1e999", "pg/mL"), "value"),
    "negative value": (("lab", "2026-02-01", "lh", "-3", "IU/L"), "value"),
    "absurd testosterone": (("lab", "2026-02-01", "total_testosterone", "90000", "ng/dL"), "value"),
    "foreign unit": (("lab", "2026-02-01", "estradiol", "30", "pg/dL"), "unit"),
    "missing unit": (("lab", "2026-02-01", "estradiol", "30"), "results"),
    "unknown analyte": (("lab", "2026-02-01", "vitamin_q", "30", "ng/mL"), "analyte"),
    "prolactin in mIU/L": (("lab", "2026-02-01", "prolactin", "200", "mIU/L"), "unit"),
    "second result of one analyte": (
        ("lab", "2026-01-05", "total_testosterone", "310", "ng/dL"),
        "total_testosterone",
    ),
    "30 February": (("lab", "2026-02-30", "estradiol", "30", "pg/mL"), "date"),
    "29 February of a common year": (("lab", "2027-02-29", "estradiol", "30", "pg/mL"), "date"),
    "month 13": (("lab", "2026-13-01", "estradiol", "30", "pg/mL"), "date"),
    "year 0001": (("lab", "0001-01-01", "estradiol", "30", "pg/mL"), "date"),
    "ambiguous date": (("lab", "02/03/2027", "estradiol", "30", "pg/mL"), "date"),
    "motility above 100": (
        ("semen", "2026-04-01", "--volume", "3", "--concentration", "20", "--motility", "120"),
        "motility",
    ),
    "progressive above total": (
        (
            "semen",
            "2026-04-01",
            "--volume",
            "3",
            "--concentration",
            "20",
            "--motility",
            "40",
            "--progressive",
            "50",
        ),
        "progressive",
    ),
    "15 million million per mL": (
        ("semen", "2026-04-01", "--volume", "3", "--concentration", "15000000"),
        "concentration",
    ),
    "negative volume": (
        ("semen", "2026-04-01", "--volume", "-2", "--concentration", "20"),
        "volume",
    ),
    "text volume": (("semen", "2026-04-01", "--volume", "lots", "--concentration", "20"), "volume"),
    "severity 11": (("symptom", "2026-02-01", "fatigue", "11"), "severity"),
    "severity -1": (("symptom", "2026-02-01", "fatigue", "-1"), "severity"),
    "severity 5.5": (("symptom", "2026-02-01", "fatigue", "5.5"), "severity"),
    "empty symptom": (("symptom", "2026-02-01", "  ", "3"), "name"),
    "1000 mg anastrozole": (med_start("letrozole", "1000", "mg", "daily", "2026-02-01"), "dose"),
    "IU of an aromatase inhibitor": (
        med_start("letrozole", "2", "IU", "daily", "2026-02-01"),
        "unit",
    ),
    "empty medication name": (med_start("", "1", "mg", "daily", "2026-02-01"), "name"),
    "unknown schedule": (
        med_start("clomiphene", "25", "mg", "sometimes", "2026-02-01"),
        "schedule",
    ),
    "already active": (med_start("Arimidex", "1", "mg", "daily", "2026-02-01"), "name"),
    "stop before start": (("med", "stop", "anastrozole", "--date", "2025-12-01"), "date"),
    "change of a medication never started": (
        ("med", "change", "clomiphene", "--date", "2026-02-01", "--dose", "50"),
        "name",
    ),
    "dose of a medication never started": (("dose", "hcg", "--at", "2026-02-01T08:00"), "name"),
    "impossible dose time": (("dose", "anastrozole", "--at", "2026-02-01T25:00"), "at"),
    "target low above high": (("target", "estradiol", "40", "20", "pg/mL"), "low"),
    "target in a foreign unit": (("target", "estradiol", "20", "40", "ng/mL"), "unit"),
    "dexa t-score as text": (("dexa", "2026-05-01", "--t-score", "low"), "t-score"),
    "dexa unknown site": (("dexa", "2026-05-01", "--t-score", "-1", "--site", "knee"), "site"),
    "doses period reversed": (("doses", "--from", "2026-03-01", "--to", "2026-02-01"), "from"),
    "missing option": (("semen", "2026-04-01", "--volume", "3"), "--concentration"),
}


@pytest.mark.parametrize("argv, field", REFUSED.values(), ids=REFUSED.keys())
def test_refused_input_writes_nothing(
    cli: CliRunner, db_path: Path, argv: tuple[str, ...], field: str
) -> None:
    for seed in SEEDED:
        assert cli(*seed).code == 0
    before = journal_dump(db_path)
    outcome = cli(*argv)
    assert outcome.code == 2, outcome
    lines = outcome.err.strip().splitlines()
    assert len(lines) == 1, outcome.err
    assert field in lines[0]
    assert "Traceback" not in outcome.err
    assert journal_dump(db_path) == before


ACCEPTED = {
    "lower-case unit": ("lab", "2026-02-01", "total_testosterone", "16", "nmol/l"),
    "upper-case unit": ("lab", "2026-02-02", "total_testosterone", "450", "NG/DL"),
    "ng/ml": ("lab", "2026-02-03", "total_testosterone", "4.5", "ng/ml"),
    "mIU/mL": ("lab", "2026-02-04", "lh", "4.1", "mIU/mL"),
    "UCUM code": ("lab", "2026-02-05", "fsh", "4.1", "m[IU]/mL"),
    "L/L hematocrit": ("lab", "2026-02-06", "hematocrit", "0.45", "L/L"),
    "LOINC for the analyte": ("lab", "2026-02-07", "2243-4", "30", "pg/mL"),
    "surrounding spaces": ("lab", " 2026-02-08 ", " estradiol ", " 30 ", " pg/mL "),
    "comparator": ("lab", "2026-02-09", "estradiol", "<5", "pg/mL"),
    "brand name": med_start("Arimidex", "0.5", "mg", "mon,thu", "2026-02-01"),
}


@pytest.mark.parametrize("argv", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_what_people_really_type_is_accepted(cli: CliRunner, argv: tuple[str, ...]) -> None:
    outcome = cli(*argv)
    assert outcome.code == 0, outcome.err


def test_hematocrit_in_l_per_l_is_stored_as_percent(cli: CliRunner) -> None:
    cli("lab", "2026-02-06", "hematocrit", "0.45", "L/L")
    result = cli("labs", "--json").json()[0]["results"][0]
    assert (result["value"], result["unit"]) == (45.0, "%")


def test_estradiol_in_ng_dl_is_ten_times_pg_ml(cli: CliRunner) -> None:
    cli("lab", "2026-02-06", "estradiol", "3", "ng/dL")
    result = cli("labs", "--json").json()[0]["results"][0]
    assert (result["value"], result["unit"]) == (30.0, "pg/mL")


def test_a_file_that_is_not_a_journal_is_refused_with_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from fertilitytracker.cli import run

    notes = tmp_path / "notes.txt"
    notes.write_text("not a journal")
    code = run(["--db", str(notes), "lab", "2026-01-01", "estradiol", "30", "pg/mL"])
    err = capsys.readouterr().err
    assert code == 1
    assert "not a Fertility Tracker journal" in err
    assert len(err.strip().splitlines()) == 1
    assert notes.read_text() == "not a journal"
