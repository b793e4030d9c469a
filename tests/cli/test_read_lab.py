"""`read-lab` and `import --format text` (docs/cli.md): lab results read from pasted text."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from tests.cli.conftest import CliRunner, journal_dump

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "lab_text"
RESULT_KEYS = {"analyte", "value", "comparator", "unit", "lab_low", "lab_high"}


@pytest.mark.parametrize(
    ("name", "options", "count"),
    [
        ("quest.txt", ["--date-order", "mdy"], 13),
        ("labcorp.txt", ["--date-order", "mdy"], 10),
        ("nhs.txt", [], 12),
        ("german.txt", [], 14),
        ("portal_tabs.txt", [], 10),
    ],
)
def test_read_lab_prints_the_proposed_draw_and_writes_nothing(
    cli: CliRunner, db_path: Path, name: str, options: list[str], count: int
) -> None:
    outcome = cli("read-lab", str(SAMPLES / name), "--json", *options)
    assert outcome.code == 0, outcome.err
    (draw,) = outcome.json()
    assert draw["date"] == "2026-03-14"
    assert len(draw["results"]) == count
    assert all(set(result) >= RESULT_KEYS for result in draw["results"])
    assert isinstance(draw["not_read"], list)
    assert not db_path.exists()


def test_read_lab_reads_the_input_when_given_a_dash(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    import sys

    text = (SAMPLES / "german.txt").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text)))
    outcome = cli("read-lab", "-", "--json")
    assert outcome.code == 0, outcome.err
    first = outcome.json()[0]["results"][0]
    assert first == {
        **first,
        "analyte": "total_testosterone",
        "value": 4.12,
        "comparator": None,
        "unit": "ng/ml",
        "lab_low": 2.49,
        "lab_high": 8.36,
    }


def test_read_lab_refuses_an_ambiguous_date_until_the_order_is_given(cli: CliRunner) -> None:
    outcome = cli("read-lab", str(SAMPLES / "quest.txt"))
    assert outcome.code == 2
    assert outcome.out == ""
    assert outcome.err.count("\n") == 1
    assert "03/14/2026" in outcome.err and "--date-order" in outcome.err


def write_pdf(path: Path) -> None:
    """A one-page report drawn like a lab's: proportional font, values in columns."""
    page = canvas.Canvas(str(path), pagesize=A4)
    page.setFont("Helvetica-Bold", 12)
    page.drawString(40, 800, "Northside Clinical Laboratory - Final Report")
    page.setFont("Helvetica", 9)
    page.drawString(40, 780, "Patient: DOE, JOHN    DOB: 1988-05-22")
    page.drawString(40, 766, "Collected: 2026-03-14 07:50    Reported: 2026-03-15 11:02")
    rows = [
        ("Test", "Result", "Flag", "Units", "Reference range"),
        ("Testosterone, Total", "265", "L", "ng/dL", "264-916"),
        ("Estradiol, Sensitive", "<5", "", "pg/mL", "<=39"),
        ("SHBG", "31.5", "", "nmol/L", "16.5 - 55.9"),
        ("Hematocrit", "52.1", "H", "%", "Male: 37.5-51.0"),
    ]
    y = 740
    for row in rows:
        for x, cell in zip((40, 200, 260, 300, 360), row, strict=True):
            page.drawString(x, y, cell)
        y -= 14
    page.showPage()
    page.save()


def test_a_text_layer_pdf_is_read_like_pasted_text(cli: CliRunner, tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    write_pdf(pdf)
    outcome = cli("read-lab", str(pdf), "--json")
    assert outcome.code == 0, outcome.err
    (draw,) = outcome.json()
    assert (draw["date"], draw["time"]) == ("2026-03-14", "07:50")
    got = [
        (r["analyte"], r["comparator"], r["value"], r["unit"], r["lab_low"], r["lab_high"])
        for r in draw["results"]
    ]
    assert got == [
        ("total_testosterone", None, 265, "ng/dL", 264, 916),
        ("estradiol", "<", 5, "pg/mL", None, 39),
        ("shbg", None, 31.5, "nmol/L", 16.5, 55.9),
        ("hematocrit", None, 52.1, "%", 37.5, 51.0),
    ]


def test_import_text_records_the_draw_once(cli: CliRunner) -> None:
    sample = str(SAMPLES / "quest.txt")
    outcome = cli("import", sample, "--format", "text", "--date-order", "mdy")
    assert outcome.code == 0, outcome.err
    assert "13 new" in outcome.out
    (draw,) = cli("labs", "--json").json()
    assert draw["date"] == "2026-03-14"
    total_t = draw["results"][0]
    assert (total_t["analyte"], total_t["entered_value"], total_t["flag"]) == (
        "total_testosterone",
        245,
        "low",
    )
    again = cli("import", sample, "--format", "text", "--date-order", "mdy")
    assert again.code == 0
    assert "0 new, 13 already present" in again.out


def test_import_text_refuses_a_unit_of_another_analyte_and_writes_nothing(
    cli: CliRunner, db_path: Path
) -> None:
    cli("lab", "2026-01-05", "lh", "4", "IU/L")
    before = journal_dump(db_path)
    outcome = cli("import", str(SAMPLES / "nhs.txt"), "--format", "text")
    assert outcome.code == 2
    assert "line 12" in outcome.err and "prolactin" in outcome.err
    assert journal_dump(db_path) == before


def test_import_text_takes_the_date_option_where_the_text_prints_none(
    cli: CliRunner, tmp_path: Path
) -> None:
    text = tmp_path / "mail.txt"
    text.write_text("Your results:\nTestosterone 412 ng/dL (264-916)\nE2 24 pg/mL\n", "utf-8")
    refused = cli("import", str(text), "--format", "text")
    assert refused.code == 2 and "--date" in refused.err
    outcome = cli("import", str(text), "--format", "text", "--date", "2026-02-02")
    assert outcome.code == 0, outcome.err
    assert [d["date"] for d in cli("labs", "--json").json()] == ["2026-02-02"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Testosterone 250 ng/dL\n" * 500_000, "too large"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 100, "binary"),
        (b"Dear patient, all is well.\nRegards\n", "no lab results"),
    ],
    ids=["10 MB", "binary", "no results"],
)
def test_hostile_files_get_one_line_and_nothing_is_written(
    cli: CliRunner, db_path: Path, tmp_path: Path, content: bytes, message: str
) -> None:
    cli("lab", "2026-01-05", "lh", "4", "IU/L")
    before = journal_dump(db_path)
    hostile = tmp_path / "hostile.txt"
    hostile.write_bytes(content)
    for command in (["read-lab", str(hostile)], ["import", str(hostile), "--format", "text"]):
        outcome = cli(*command)
        assert outcome.code == 2, command
        assert message in outcome.err
        assert outcome.err.count("\n") == 1 and "Traceback" not in outcome.err
    assert journal_dump(db_path) == before


def test_a_scanned_pdf_without_text_is_refused_with_a_reason(
    cli: CliRunner, tmp_path: Path
) -> None:
    pdf = tmp_path / "scan.pdf"
    page = canvas.Canvas(str(pdf), pagesize=A4)
    page.rect(40, 40, 400, 400, fill=1)
    page.showPage()
    page.save()
    outcome = cli("read-lab", str(pdf))
    assert outcome.code == 2
    assert "no text" in outcome.err


def test_labs_json_carries_each_draws_context(cli: CliRunner) -> None:
    cli("med", "start", "anastrozole", "--dose", "0.5", "--unit", "mg", "--schedule", "daily",
        "--date", "2026-01-01")  # fmt: skip
    cli("med", "start", "hcg", "--dose", "500", "--unit", "IU", "--schedule", "eod",
        "--date", "2026-01-01")  # fmt: skip
    assert cli("dose", "anastrozole", "--at", "2026-03-13T21:00").code == 0
    outcome = cli(
        "lab", "2026-03-14", "total_testosterone", "250", "ng/dL", "--time", "14:30", "--fasting"
    )
    assert outcome.code == 0, outcome.err
    assert cli("lab", "2026-03-20", "lh", "4", "IU/L", "--no-fasting").code == 0
    first, second = cli("labs", "--json").json()
    assert first["context"]["time"] == "14:30"
    assert first["context"]["fasting"] is True
    assert first["context"]["hours_since_last_dose"] == {"anastrozole": 17.5, "hcg": None}
    assert [note["note"] for note in first["context"]["notes"]] == [
        "morning_draw",
        "unconfirmed_low",
    ]
    assert all(note["source"] for note in first["context"]["notes"])
    assert second["context"] == {
        "time": None,
        "fasting": False,
        "hours_since_last_dose": {"anastrozole": None, "hcg": None},
        "notes": [],
    }


def test_import_text_records_the_fasting_the_report_prints(cli: CliRunner) -> None:
    cli("import", str(SAMPLES / "labcorp.txt"), "--format", "text", "--date-order", "mdy")
    (draw,) = cli("labs", "--json").json()
    assert draw["context"]["fasting"] is False
    assert draw["context"]["time"] == "08:20"
