"""A known journal for the report tests, and a helper that reads a PDF back as text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from fertilitytracker.core.records import History
from fertilitytracker.services.operations import change_regimen
from fertilitytracker.services.report import ReportSettings
from fertilitytracker.services.settings import set_setting
from fertilitytracker.storage.journal import Journal
from tests import builders
from tests.builders import dexa, dose, draw, regimen, semen, symptom

TODAY = date(2025, 4, 10)


def panel(
    journal: Journal, day: date, t: str, e2: str, lh: str, fsh: str, *more: tuple[str, str, str]
) -> None:
    """A hormone panel at 08:00: T ng/dL, E2 pg/mL, LH and FSH IU/L, and `more` results."""
    builders.panel(journal, day, t, e2, ("lh", lh, "IU/L"), ("fsh", fsh, "IU/L"), *more)


def known_journal(journal: Journal) -> None:
    """Baseline, anastrozole started, estradiol over-suppressed twice, then semen improves.

    - 2025-01-05 semen: 3.0 mL, 20 M/mL, 50 % total, 40 % progressive, 3 % normal forms
      (docs/clinical.md §3 example: total count 60, TMSC 30, progressive TMSC 24).
    - 2025-01-06 draw: T 250 ng/dL (low), E2 30 pg/mL, LH 3.0, FSH 4.0, SHBG 30: T/E 8.33.
    - 2025-01-10 anastrozole (typed "Arimidex") 1 mg daily; 2025-02-15 changed to 0.5 mg.
    - 2025-02-10 draw: T 15.6 nmol/L (= 449.9 ng/dL), E2 "<5" pg/mL, LH 5.0 IU/L.
    - 2025-03-20 draw: T 520 ng/dL, E2 8 pg/mL (below 10 on anastrozole), LH 6.5, FSH 5.5,
      LDL 130 mg/dL (high).
    - 2025-04-01 semen: 2.0 mL, 10 M/mL, 30 % total, 20 % progressive: TMSC 6.
    """
    with journal.transaction():
        semen(journal, date(2025, 1, 5))
        panel(journal, date(2025, 1, 6), "250", "30", "3.0", "4.0", ("shbg", "30", "nmol/L"))
        regimen(journal, "Arimidex", date(2025, 1, 10))
        draw(
            journal,
            date(2025, 2, 10),
            ("total_testosterone", "15.6", "nmol/L"),
            ("estradiol", "<5", "pg/mL"),
            ("lh", "5.0", "mIU/mL"),
        )
        change_regimen(journal, "anastrozole", date(2025, 2, 15), dose="0.5")
        panel(journal, date(2025, 3, 20), "520", "8", "6.5", "5.5", ("ldl", "130", "mg/dL"))
        semen(journal, date(2025, 4, 1), "2.0", "10", "30", "20", "5", "4")
        dexa(journal, date(2025, 1, 8), "-1.4")
        for offset, severity in enumerate((7, 6, 5, 4)):
            symptom(journal, date(2025, 1, 6) + timedelta(days=30 * offset), "libido", severity)
        symptom(journal, date(2025, 3, 1), "joint pain", 6, "knees ache in the morning")
        symptom(journal, date(2025, 3, 8), "joint pain", 5, "knees ache in the morning")
    # Every dose taken except three days, to give adherence a known figure.
    day = date(2025, 1, 10)
    while day < TODAY:
        if day not in (date(2025, 2, 1), date(2025, 2, 2), date(2025, 3, 3)):
            dose(journal, "anastrozole", datetime.combine(day, time(8, 0)))
        day += timedelta(days=1)


@dataclass
class Pdf:
    """A written report read back: its pages' text, the reader and the path."""

    path: Path
    reader: PdfReader
    pages: list[str]

    @property
    def text(self) -> str:
        return "\n".join(self.pages)


def read_pdf(path: Path) -> Pdf:
    """The report at `path`, read back with pypdf."""
    reader = PdfReader(str(path))
    return Pdf(path, reader, [page.extract_text() or "" for page in reader.pages])


@pytest.fixture
def filled(journal: Journal) -> Journal:
    known_journal(journal)
    set_setting(journal, "patient_name", "José Ñúñez")
    set_setting(journal, "patient_birth_date", "1988-05-17")
    return journal


@pytest.fixture
def history(filled: Journal) -> History:
    return filled.history()


@pytest.fixture
def settings() -> ReportSettings:
    return ReportSettings(patient_name="José Ñúñez", patient_birth_date="1988-05-17")
