"""The written PDF read back with pypdf: sections, values, flags, pages, metadata, safe writing."""

from __future__ import annotations

import os
import re
import stat
import threading
from datetime import date
from pathlib import Path

import pytest

from fertilitytracker.core.errors import InputError
from fertilitytracker.core.records import History
from fertilitytracker.services.report import (
    ReportSettings,
    ReportWriteError,
    build_report_data,
    export_report,
    write_report,
    write_report_file,
    write_report_with_pages,
)
from fertilitytracker.services.report.text import visual_order
from fertilitytracker.services.settings import set_setting
from fertilitytracker.storage.journal import Journal
from tests.report.conftest import TODAY, Pdf, read_pdf

FOOTER = "patient-recorded data; verify against the original lab reports"


@pytest.fixture
def report(filled: Journal, tmp_path: Path) -> Pdf:
    path = write_report(filled, tmp_path / "report.pdf", today=TODAY)
    return read_pdf(path)


def _squash(text: str) -> str:
    """Text with runs of whitespace made one space (pypdf breaks lines where cells wrap)."""
    return re.sub(r"\s+", " ", text)


def test_page_one_is_the_summary(report: Pdf) -> None:
    first = _squash(report.pages[0])
    for expected in (
        "Fertility treatment report",
        "José Ñúñez",
        "1988-05-17",
        "2025-01-05 to 2025-04-10",
        "Key markers",
        "Medication and adherence in the period",
        "Tests due",
    ):
        assert expected in first
    # The most prominent warning, in words a black-and-white print keeps.
    assert "▼ Estradiol below the floor while on anastrozole" in first
    assert "Latest estradiol 8 pg/mL on 2025-03-20" in first
    # Latest testosterone with its change from baseline.
    assert "520 ng/dL" in first
    assert "+270 (+108%)" in first
    # Adherence and the overdue test.
    assert "97% (87 of 90) taken in the period; 0 skipped, 3 missed (not logged)" in first
    assert "last 30 days: 100% (29 of 29)" in first and "last dose logged: 2025-04-09" in first
    assert "OVERDUE" in first and "Lipid panel" in first
    assert "0.5 mg daily" in first


def test_every_section_is_present_in_order(report: Pdf) -> None:
    text = _squash(report.text)
    sections = [
        "Key markers",
        "Trends",
        "Response to treatment",
        "All laboratory results",
        "Semen analyses",
        "Symptoms",
        "Ranges and rules used",
        "Monitoring rules",
    ]
    positions = [text.index(section) for section in sections]
    assert positions == sorted(positions)


def test_flags_are_words_not_colour(report: Pdf) -> None:
    text = _squash(report.text)
    assert "▼ low" in text  # testosterone 250, estradiol <5 and 8
    assert "▲ high" in text  # LDL 130 above 100
    assert "▼8.33" in text and "T/E ▼ = below its reference" in text  # T/E below 10
    # Semen below the WHO 2021 lower reference limits, with its wording.
    assert "below WHO lower reference limit" in text
    assert "▼ 3" in text  # morphology 3 % below 4 %
    for banned in ("deficient", "infertile", "Deficient", "Infertile"):
        assert banned not in text


def test_lab_table_has_entered_and_converted_values(report: Pdf) -> None:
    labs = _squash(" ".join(p for p in report.pages if "All laboratory results" in p))
    # One row per draw: converted values marked °, and as entered under the grid.
    assert "2025-02-10 08:00 450° ▼<5 — 5° 90" in labs
    assert "As entered: 2025-02-10 Total testosterone 15.6 nmol/L; 2025-02-10 LH 5 mIU/mL" in labs
    assert "2025-01-06 08:00¹ ▼250 51.1 30 ▼8.33 3 4 83.3 30" in labs
    assert "DEXA" in labs and "2025-01-08 ▼−1.4" in labs


def test_semen_with_who_limits_and_tmsc(report: Pdf) -> None:
    text = _squash(report.text)
    assert "WHO 2021 limit" in text
    for limit in ("≥ 1.4", "≥ 16", "≥ 42", "≥ 30", "≥ 4", "≥ 39"):
        assert limit in text
    assert "TMSC" in text and "30" in text


def test_symptoms_and_ranges_with_sources(report: Pdf) -> None:
    text = _squash(report.text)
    assert "knees ache in the morning" in text
    assert "libido" in text
    assert "AUA 2018" in text and "ARUP LC-MS/MS" in text
    assert "Pavlovich 2001" in text
    assert "Vermeulen 1999" in text
    assert "Hormone panel after a change" in text
    assert "Testosterone and estradiol 14–28 days after any start" in text
    for internal in ("clinical.md", "§", "hormone_panel", "Let A be", "**"):
        assert internal not in text


def test_every_page_has_the_footer(report: Pdf) -> None:
    total = len(report.pages)
    assert total >= 5
    for number, page in enumerate(report.pages, start=1):
        flat = _squash(page)
        assert f"José Ñúñez · page {number} of {total} · {FOOTER}" in flat


def test_metadata(report: Pdf) -> None:
    meta = report.reader.metadata
    assert meta is not None
    assert meta.title == "Fertility treatment report: José Ñúñez"
    assert meta.author == "José Ñúñez"
    assert meta.subject is not None and "2025-01-05 to 2025-04-10" in meta.subject
    assert meta.creator is not None and meta.creator.startswith("Fertility Tracker")


def test_fonts_are_embedded(report: Pdf) -> None:
    fonts = set()
    for page in report.reader.pages:
        resources = page["/Resources"]
        for font in resources.get("/Font", {}).values():
            font = font.get_object()
            fonts.add(font["/BaseFont"])
            assert "/FontFile2" in font["/FontDescriptor"] or "/DescendantFonts" in font
    assert fonts and all("DejaVuSans" in name for name in fonts)


def test_a4_and_letter_sizes(filled: Journal, tmp_path: Path) -> None:
    a4 = read_pdf(write_report(filled, tmp_path / "a4.pdf", today=TODAY, page_size="A4"))
    letter = read_pdf(
        write_report(filled, tmp_path / "letter.pdf", today=TODAY, page_size="Letter")
    )
    a4_box = a4.reader.pages[0].mediabox
    letter_box = letter.reader.pages[0].mediabox
    assert (round(float(a4_box.width)), round(float(a4_box.height))) == (595, 842)
    assert (round(float(letter_box.width)), round(float(letter_box.height))) == (612, 792)
    assert "page 1 of" in letter.pages[0]


def test_unknown_page_size_is_refused(filled: Journal, tmp_path: Path) -> None:
    with pytest.raises(InputError) as refused:
        write_report(filled, tmp_path / "x.pdf", today=TODAY, page_size="A5")  # type: ignore[arg-type]
    assert refused.value.field == "page_size"
    assert not (tmp_path / "x.pdf").exists()


def test_si_report_prints_si_units(filled: Journal, tmp_path: Path) -> None:
    pdf = read_pdf(write_report(filled, tmp_path / "si.pdf", today=TODAY, units="si"))
    first = _squash(pdf.pages[0])
    assert "18 nmol/L" in first  # 520 ng/dL
    assert "SI (testosterone nmol/L" in first
    assert "0.0944" in _squash(pdf.text)


def test_empty_journal_gives_a_valid_pdf_saying_no_data(journal: Journal, tmp_path: Path) -> None:
    result = write_report_with_pages(journal, tmp_path / "empty.pdf", today=TODAY)
    pdf = read_pdf(result.path)
    assert result.pages == len(pdf.pages) == 1
    text = _squash(pdf.text)
    assert "No data yet" in text
    assert f"patient name not set · page 1 of 1 · {FOOTER}" in text
    # One day, said as one; and no pointer to ranges "on the last pages" that are not there.
    assert "(1 day)" in text and "1 days" not in text
    assert "last pages" not in text


def test_accented_and_right_to_left_names_print(journal: Journal, tmp_path: Path) -> None:
    name = "דוד כהן Zoë"
    set_setting(journal, "patient_name", name)
    from tests.report.conftest import known_journal

    known_journal(journal)
    from fertilitytracker.services.operations import record_symptom

    record_symptom(journal, date(2025, 4, 2), "mood", 3, "מרגיש טוב יותר (2 weeks)")
    pdf = read_pdf(write_report(journal, tmp_path / "rtl.pdf", today=TODAY))
    text = _squash(pdf.text)
    # Drawn in visual order (right-to-left words reversed, as a PDF needs); pypdf reads each
    # right-to-left run back in logical order, so the words come out as typed.
    assert "דוד כהן" in text and "Zoë" in text
    assert visual_order(name) == "Zoë ןהכ דוד"
    assert "מרגיש טוב יותר" in text
    assert pdf.reader.metadata is not None and pdf.reader.metadata.author == name


def test_written_file_is_private_and_no_temporary_is_left(report: Pdf) -> None:
    mode = stat.S_IMODE(os.stat(report.path).st_mode)
    assert mode == 0o600
    assert [p.name for p in report.path.parent.iterdir() if p.name.endswith(".part")] == []


def test_an_existing_file_is_replaced_whole(filled: Journal, tmp_path: Path) -> None:
    target = tmp_path / "report.pdf"
    target.write_bytes(b"old content")
    os.chmod(target, 0o644)
    write_report(filled, target, today=TODAY)
    assert target.read_bytes().startswith(b"%PDF")
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600


def test_missing_folder_is_an_input_error(filled: Journal, tmp_path: Path) -> None:
    with pytest.raises(InputError) as refused:
        write_report(filled, tmp_path / "no" / "such" / "report.pdf", today=TODAY)
    assert refused.value.field == "output"
    assert not (tmp_path / "no").exists()


def test_a_folder_as_path_is_an_input_error(filled: Journal, tmp_path: Path) -> None:
    with pytest.raises(InputError) as refused:
        write_report(filled, tmp_path, today=TODAY)
    assert refused.value.field == "output"


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write in a read-only folder")
def test_unwritable_folder_is_a_write_error(filled: Journal, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    os.chmod(locked, 0o500)
    try:
        with pytest.raises(ReportWriteError):
            write_report(filled, locked / "report.pdf", today=TODAY)
        assert list(locked.iterdir()) == []
    finally:
        os.chmod(locked, 0o700)


def test_failure_while_writing_leaves_nothing(
    filled: Journal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.pdf"

    def disk_full(source: object, destination: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(ReportWriteError, match="No space left on device"):
        write_report(filled, target, today=TODAY)
    assert list(tmp_path.iterdir()) == [tmp_path / "journal.sqlite3"] or not target.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []
    assert not target.exists()


def test_unwritable_place_reports_a_write_error(filled: Journal, tmp_path: Path) -> None:
    # /proc exists but takes no new files, even for root.
    with pytest.raises(ReportWriteError):
        write_report(filled, Path("/proc/report.pdf"), today=TODAY)


def test_progress_goes_forward_and_ends_at_one(filled: Journal, tmp_path: Path) -> None:
    seen: list[float] = []
    write_report(
        filled,
        tmp_path / "r.pdf",
        today=TODAY,
        progress=lambda fraction, _stage: seen.append(fraction),
    )
    assert seen[0] == 0.0 and seen[-1] == 1.0
    assert seen == sorted(seen)


def test_export_in_a_worker_thread_from_an_already_read_history(
    filled: Journal, tmp_path: Path
) -> None:
    # The GUI reads the history in its own thread, then exports in a worker that never
    # touches the journal's SQLite connection.
    from fertilitytracker.services.report import report_settings

    history: History = filled.history()
    settings = report_settings(filled)
    results: list[object] = []

    def work() -> None:
        try:
            results.append(export_report(history, settings, tmp_path / "t.pdf", today=TODAY))
        except Exception as error:  # pragma: no cover - reported by the assertion below
            results.append(error)

    workers = [threading.Thread(target=work) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert all(not isinstance(result, Exception) for result in results), results
    assert "José Ñúñez" in read_pdf(tmp_path / "t.pdf").text


def test_write_report_file_from_data(history: History, tmp_path: Path) -> None:
    data = build_report_data(history, ReportSettings(), today=TODAY)
    result = write_report_file(data, tmp_path / "d.pdf", page_size="Letter")
    pdf = read_pdf(result.path)
    assert result.pages == len(pdf.pages)
    assert result.size_bytes == result.path.stat().st_size
    assert "patient name not set · page 1 of" in pdf.pages[0]
