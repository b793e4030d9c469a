"""The lab grid's layout: split across pages under a repeated header, flagged values in bold."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.platypus import SimpleDocTemplate, Table

from fertilitytracker.services.report import grid as grid_module
from fertilitytracker.services.report import write_report
from fertilitytracker.services.report.appendix import LAB_GRID_STYLE
from fertilitytracker.services.report.fonts import BOLD, REGULAR, register_fonts
from fertilitytracker.services.report.grid import GridRow, TextGrid
from fertilitytracker.storage.journal import Journal
from tests.report.conftest import TODAY, read_pdf

WIDTHS = [60.0, 40.0, 40.0]


def _grid(rows: int) -> TextGrid:
    header = Table([["Date", "Time", "Total T"]], colWidths=WIDTHS, repeatRows=1)
    first = date(2016, 1, 1)
    body = [
        GridRow(((first + timedelta(days=index)).isoformat(), "08:00", str(300 + index)))
        for index in range(rows)
    ]
    return TextGrid(header, body, WIDTHS, ["LEFT", "CENTER", "RIGHT"], LAB_GRID_STYLE)


def _pages(grid: TextGrid) -> list[str]:
    register_fonts()
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, initialFontName=REGULAR).build([grid])
    return [page.extract_text() for page in PdfReader(buffer).pages]


def test_a_long_grid_runs_over_pages_under_its_header_with_every_row_once() -> None:
    pages = _pages(_grid(250))
    assert len(pages) == 4
    dates: list[str] = []
    for text in pages:
        assert text.split()[:4] == ["Date", "Time", "Total", "T"]
        dates += re.findall(r"\d{4}-\d{2}-\d{2}", text)
    expected = [(date(2016, 1, 1) + timedelta(days=index)).isoformat() for index in range(250)]
    assert dates == expected


def test_a_grid_that_fits_is_not_split_and_a_page_too_short_takes_no_row() -> None:
    grid = _grid(3)
    assert grid.split(500, 1000) == [grid]
    # Room for the header but not one row: nothing is placed (no header alone on a page).
    header_height = grid.wrap(500, 1000)[1] - 3 * LAB_GRID_STYLE.row_height
    assert grid.split(500, header_height + LAB_GRID_STYLE.row_height / 2) == []
    first, rest = grid.split(500, header_height + LAB_GRID_STYLE.row_height * 2)
    assert isinstance(first, TextGrid) and isinstance(rest, TextGrid)
    assert [row.cells[0] for row in (*first.rows, *rest.rows)] == [
        row.cells[0] for row in grid.rows
    ]
    assert len(first.rows) == 2


def _fonts_of(path: Path, page_text: str) -> dict[str, set[str]]:
    """Each piece of text on the page holding `page_text`, with the fonts it is set in."""
    fonts: dict[str, set[str]] = {}

    def visit(text: str, _cm: object, _tm: object, font: object, _size: object) -> None:
        if text.strip() and isinstance(font, dict):
            fonts.setdefault(text.strip(), set()).add(str(font["/BaseFont"]).split("+")[-1])

    for page in PdfReader(path).pages:
        if page_text in (page.extract_text() or ""):
            page.extract_text(visitor_text=visit)
    return fonts


def test_a_flagged_value_in_the_lab_grid_is_bold(filled: Journal, tmp_path: Path) -> None:
    path = write_report(filled, tmp_path / "report.pdf", today=TODAY)
    assert "All laboratory results" in read_pdf(path).text
    fonts = _fonts_of(path, "All laboratory results")
    # 2025-01-06: total testosterone 250 ng/dL is low, T/E 8.33 below its reference; the
    # calculated free T 51.1 and estradiol 30 between them are in range.
    assert fonts["▼250"] == {BOLD}
    assert fonts["▼8.33"] == {BOLD}
    regular = " | ".join(text for text, faces in fonts.items() if faces == {REGULAR})
    assert "51.1 30" in regular
    assert "250" not in regular


def _script_rows() -> list[GridRow]:
    """Rows in several scripts, over 256 distinct characters (so a second font subset), each
    text twice, some in bold: what the grid writes must not depend on a text seen before."""
    greek = [code for code in range(0x391, 0x3CA) if code != 0x3A2]  # 0x3A2 is unassigned
    latin, cyrillic, armenian = range(0x100, 0x180), range(0x410, 0x450), range(0x531, 0x557)
    letters = [chr(code) for code in (*latin, *greek, *cyrillic, *armenian)]
    words = ["".join(letters[start : start + 5]) for start in range(0, len(letters), 5)]
    rows = [
        GridRow((word, f"▲ {index}", "—"), frozenset({1}) if index % 3 == 0 else frozenset())
        for index, word in enumerate(words)
    ]
    return rows + rows


def _grid_pdf(rows: list[GridRow]) -> bytes:
    register_fonts()
    header = Table([["Name", "Flag", "Note"]], colWidths=WIDTHS, repeatRows=1)
    grid = TextGrid(header, rows, WIDTHS, ["LEFT", "CENTER", "RIGHT"], LAB_GRID_STYLE)
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, initialFontName=REGULAR).build([grid])
    return buffer.getvalue()


class _TextOutWriter:
    """Cells written by reportlab's own text object, one `textOut` each: the reference."""

    def __init__(self, _canvas: object, text: Any, style: Any) -> None:
        self._text, self._style, self._font = text, style, ""

    def __call__(self, cell: str, font: str) -> None:
        if font != self._font:
            self._text.setFont(font, self._style.size, self._style.leading)
            self._font = font
        self._text.textOut(cell)


def test_grid_text_in_many_scripts_is_written_as_reportlab_writes_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(rl_config, "invariant", 1)  # no dates or random ids in the file
    rows = _script_rows()
    written = _grid_pdf(rows)
    monkeypatch.setattr(grid_module, "_TextWriter", _TextOutWriter)
    assert written == _grid_pdf(rows)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(written)).pages)
    for row in rows:
        assert row.cells[0] in text
