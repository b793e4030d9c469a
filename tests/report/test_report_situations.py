"""Real situations read back from the PDF: each page 1 must tell the true story."""

from __future__ import annotations

import importlib.util
import re
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Unpack

import pytest

from fertilitytracker.services.operations import (
    change_regimen,
    log_dose,
    start_regimen,
    stop_regimen,
)
from fertilitytracker.services.report import ReportOptions, write_report
from fertilitytracker.services.settings import set_setting
from fertilitytracker.storage.journal import Journal
from tests.builders import dexa, draw, semen
from tests.report.conftest import TODAY, Pdf, panel, read_pdf


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _report(journal: Journal, tmp_path: Path, **options: Unpack[ReportOptions]) -> Pdf:
    return read_pdf(write_report(journal, tmp_path / "report.pdf", today=TODAY, **options))


def test_unlogged_doses_read_as_not_logged_not_zero_percent(
    journal: Journal, tmp_path: Path
) -> None:
    with journal.transaction():
        panel(journal, date(2024, 12, 1), "310", "25", "3.1", "4.2")
        start_regimen(journal, "hcg", "1500", "IU", "every 3 days", date(2024, 12, 10))
        start_regimen(journal, "clomiphene", "25", "mg", "daily", date(2024, 12, 10))
        panel(journal, date(2025, 2, 1), "640", "38", "0.4", "1.0")
    first = _squash(_report(journal, tmp_path).pages[0])
    assert "0%" not in first
    assert "doses not logged in the period" in first
    assert "last 30 days: doses not logged" in first
    assert "last dose logged: never" in first


def test_adherence_shows_recent_windows_and_last_logged_dose(
    journal: Journal, tmp_path: Path
) -> None:
    with journal.transaction():
        start_regimen(journal, "clomiphene", "25", "mg", "daily", date(2025, 1, 1))
    # Logged faithfully in January, then no more.
    for offset in range(31):
        log_dose(
            journal, "clomiphene", datetime.combine(date(2025, 1, 1) + timedelta(offset), time(8))
        )
    first = _squash(_report(journal, tmp_path).pages[0])
    assert "last 30 days: doses not logged" in first
    assert "last dose logged: 2025-01-31" in first
    assert "31% (31 of 99) taken in the period" in first


def test_combination_is_labelled_and_an_early_semen_sample_is_not_credited(
    journal: Journal, tmp_path: Path
) -> None:
    with journal.transaction():
        panel(journal, date(2025, 1, 5), "280", "30", "3.0", "4.0")
        semen(journal, date(2025, 1, 4), "3.0", "10", "40", "30", "4", "3")
        start_regimen(journal, "anastrozole", "0.5", "mg", "daily", date(2025, 1, 10))
        panel(journal, date(2025, 2, 10), "420", "18", "4.0", "4.5")
        start_regimen(journal, "clomiphene", "25", "mg", "daily", date(2025, 2, 20))
        panel(journal, date(2025, 3, 25), "650", "22", "6.0", "6.5")
        # 40 days after clomiphene was added: too early to reflect the combination.
        semen(journal, date(2025, 4, 1), "3.0", "20", "50", "40", "4", "3")
    text = _squash(_report(journal, tmp_path).text)
    response = text[text.index("Response to treatment") :]
    # The anastrozole-only stretch keeps its own draw; the combination is named as one.
    assert (
        "anastrozole 0.5 mg 2025-01-10 to 2025-02-20 · daily · drawn 2025-02-10 420 ng/dL"
        in response
    )
    assert "anastrozole 0.5 mg + clomiphene 25 mg 2025-02-20 on · each daily" in response
    assert "650 ng/dL" in response
    assert "too early: day 40 of 74" in response
    # The semen change is not put down to either drug in the change row.
    change_row = response[response.index("Change baseline to latest") :]
    assert re.match(
        r"Change baseline to latest \+370 \(\+132%\) .* \+2\.5 \(\+62%\) — ", change_row
    )


def test_coming_off_testosterone_measures_from_the_off_testosterone_baseline(
    journal: Journal, tmp_path: Path
) -> None:
    with journal.transaction():
        panel(journal, date(2019, 6, 1), "300", "20", "4.0", "5.0")
        start_regimen(journal, "testosterone", "100", "mg", "weekly", date(2019, 7, 1))
        draw(
            journal, date(2024, 9, 1), ("total_testosterone", "900", "ng/dL"), ("lh", "0.2", "IU/L")
        )
        stop_regimen(journal, "testosterone", date(2024, 10, 1))
        panel(journal, date(2024, 12, 15), "180", "12", "1.2", "1.5")
        start_regimen(journal, "hcg", "1500", "IU", "every 3 days", date(2025, 1, 1))
        start_regimen(journal, "clomiphene", "25", "mg", "daily", date(2025, 1, 1))
        start_regimen(journal, "fsh", "75", "IU", "every 3 days", date(2025, 1, 1))
        panel(journal, date(2025, 3, 1), "600", "30", "0.5", "5.0")
    pdf = _report(journal, tmp_path, start=date(2024, 6, 1))
    first = _squash(pdf.pages[0])
    assert "the last value on or before 2025-01-01, when the current course" in first
    assert "180 ng/dL 2024-12-15" in first and "+420 (+233%)" in first
    text = _squash(pdf.text)
    labs = text[text.index("All laboratory results") :]
    # T/LH on exogenous testosterone or hCG is left out with the reason; off both it prints.
    # Columns: Total T, E2, T/E, LH, FSH, T/LH (ng/dL ÷ IU/L).
    assert "ng/dL ÷ IU/L" in labs
    assert "2024-09-01 08:00 900 ▼0.2 n/a" in labs  # on testosterone
    assert "2024-12-15 08:00¹ ▼180 12 15 ▼1.2 1.5 150" in labs  # off it, before hCG
    assert "2025-03-01 08:00 600 30 20 ▼0.5 5 n/a" in labs  # on hCG
    response = text[text.index("Response to treatment") :]
    assert "clomiphene 25 mg + fsh 75 IU + hcg 1500 IU" in response
    assert "no hormone medication" in response  # the off-testosterone stretch


def test_past_period_holds_nothing_after_its_end(filled: Journal, tmp_path: Path) -> None:
    pdf = _report(filled, tmp_path, end=date(2025, 2, 12))
    text = _squash(pdf.text)
    first = _squash(pdf.pages[0])
    assert "2025-01-05 to 2025-02-12 (39 days; as of 2025-02-12)" in first
    # The change to 0.5 mg on 2025-02-15 came later: nowhere in the report.
    assert "0.5 mg" not in text and "2025-02-15" not in text
    assert "1 mg daily" in first
    # Tests due as they stood on 2025-02-12: the lipid panel overdue since 2025-02-07.
    assert "Lipid panel OVERDUE 2025-01-10 2025-02-07" in first
    assert "2025-03-20" not in text and "2025-04-01" not in text


def test_symptom_trend_says_which_way_is_better(filled: Journal, tmp_path: Path) -> None:
    text = _squash(_report(filled, tmp_path).text)
    symptoms = text[text.index("Symptoms") :]
    assert "0 (none) to 10 (worst)" in symptoms
    # 7 → 4 over three months: lower is better, and the trend says so in words.
    assert "libido 4 5.5 7 → 4 2025-01-06 → 2025-04-06 improved −1 (improving)" in symptoms


def test_many_dose_changes_are_counted_as_dose_changes(journal: Journal, tmp_path: Path) -> None:
    with journal.transaction():
        start_regimen(journal, "anastrozole", "1", "mg", "daily", date(2024, 1, 1))
        for index in range(1, 8):
            dose = "0.5" if index % 2 else "1"
            change_regimen(
                journal, "anastrozole", date(2024, 1, 1) + timedelta(30 * index), dose=dose
            )
    first = _squash(_report(journal, tmp_path).pages[0])
    # 7 changes: the latest 2 listed, with the dose each began.
    assert "5 earlier dose changes, then from" in first


def test_age_comes_from_the_date_of_birth(filled: Journal, tmp_path: Path) -> None:
    set_setting(filled, "patient_birth_date", "1988-05-17")
    first = _squash(_report(filled, tmp_path).pages[0])
    assert "1988-05-17 (age 36)" in first


def _ten_year_journal(path: Path) -> None:
    """The benchmark's 10-year journal (bench/generate_journal.py), written to `path`."""
    script = Path(__file__).resolve().parents[2] / "bench" / "generate_journal.py"
    spec = importlib.util.spec_from_file_location("generate_journal", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)  # its dataclasses look their module up
    spec.loader.exec_module(sys.modules[spec.name])
    module = sys.modules[spec.name]
    module.generate(path, 10, date(2026, 6, 1), 7)


def test_ten_year_journal_fits_fifteen_pages_with_a_bookmark_per_section(
    tmp_path: Path,
) -> None:
    db = tmp_path / "ten.sqlite3"
    _ten_year_journal(db)
    journal = Journal.open(db)
    try:
        path = write_report(journal, tmp_path / "ten.pdf", today=date(2026, 6, 1))
    finally:
        journal.close()
    pdf = read_pdf(path)
    assert len(pdf.pages) <= 15
    outline = {
        item.title: pdf.reader.get_destination_page_number(item) + 1 for item in pdf.reader.outline
    }
    assert outline["Summary"] == 1
    for section in ("Trends", "Response to treatment", "All laboratory results", "Semen analyses"):
        page = outline[section]
        assert section in pdf.pages[page - 1]
    # Page 1 measures against the current course's baseline, not the first draw of 2016.
    first = _squash(pdf.pages[0])
    assert "when the current course of hormone medication began" in first
    # 500 draws, one row each: the first and the last are both in the grid.
    labs = _squash(pdf.text[pdf.text.index("All laboratory results") :])
    assert "500 blood draws" in labs


def test_cjk_and_arabic_names_print(filled: Journal, tmp_path: Path) -> None:
    set_setting(filled, "patient_name", "王小明 김민준")
    with filled.transaction():
        start_regimen(filled, "クロミフェン", "25", "mg", "daily", date(2025, 3, 1))
    pdf = _report(filled, tmp_path)
    first = _squash(pdf.pages[0])
    assert "王小明 김민준" in first and "クロミフェン" in first
    # Every page's footer names the patient too, in the CJK font.
    assert all("王小明 김민준 · page" in _squash(page) for page in pdf.pages)
    fonts = {
        str(font["/BaseFont"])
        for page in pdf.reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("WenQuanYi" in name for name in fonts)

    set_setting(filled, "patient_name", "محمد الأحمد")
    first = _squash(_report(filled, tmp_path).pages[0])
    # The letters print joined (contextual forms: initial meem, medial hah...), and read back
    # in reading order: pypdf undoes the drawing order.
    assert "\ufee3\ufea4\ufee4\ufeaa \ufe8d\ufef7\ufea3\ufee4\ufeaa" in first
    assert "محمد" not in first  # not the isolated, unjoined letters


def test_page_one_names_hematocrit_action_level_lipids_dexa_and_semen(
    journal: Journal, tmp_path: Path
) -> None:
    with journal.transaction():
        start_regimen(journal, "testosterone", "100", "mg", "weekly", date(2024, 10, 1))
        draw(
            journal,
            date(2025, 3, 1),
            ("total_testosterone", "700", "ng/dL"),
            ("shbg", "22", "nmol/L"),
            ("hematocrit", "55.5", "%"),
            ("ldl", "162", "mg/dL"),
            ("hdl", "50", "mg/dL"),
        )
        semen(journal, date(2025, 3, 5), "2.5", "12", "35", "25", "3", "3")
        dexa(journal, date(2025, 3, 10), "-2.7")
    first = _squash(_report(journal, tmp_path).pages[0])
    assert "Hematocrit 55.5 % 2025-03-01 ▲ above the 54 % action level on testosterone" in first
    assert "SHBG 22 nmol/L" in first
    assert "Sperm concentration 12 million/mL 2025-03-05 ▼ below WHO limit" in first
    assert "Total motility 35 % 2025-03-05 ▼ below WHO limit" in first
    assert "TMSC 10.5 million" in first
    assert "DEXA T-score −2.7 SD 2025-03-10 WHO osteoporosis band −" not in first
    assert "DEXA T-score −2.7 SD 2025-03-10 WHO osteoporosis band" in first
    # Only the flagged lipid is named; HDL 50 is within range.
    assert "Lipids flagged in the period: LDL cholesterol 162 mg/dL ▲ high (2025-03-01)" in first
    assert "HDL" not in first


@pytest.mark.parametrize(
    ("earlier_e2", "said", "not_said"),
    [
        # <8 pg/mL: every value it allows is below the floor of 10.
        (
            "<8",
            "Earlier in the period, estradiol was below the floor while an aromatase inhibitor "
            "was active",
            "ruled out",
        ),
        # <20 pg/mL: the limit straddles the floor, so it cannot tell.
        (
            "<20",
            "Earlier in the period, over-suppression could not be ruled out",
            "estradiol was below the floor",
        ),
    ],
)
def test_an_earlier_estradiol_is_named_for_what_it_was(
    journal: Journal, tmp_path: Path, earlier_e2: str, said: str, not_said: str
) -> None:
    with journal.transaction():
        start_regimen(journal, "anastrozole", "1", "mg", "every 2 days", TODAY - timedelta(120))
        panel(journal, TODAY - timedelta(90), "500", earlier_e2, "4", "5")
        panel(journal, TODAY - timedelta(30), "600", "25", "4", "5")
    first = _squash(_report(journal, tmp_path).pages[0])
    assert said in first
    assert not_said not in first
