"""Lays the report data out as a PDF with reportlab platypus; returns the bytes and page count.

Only layout and wording live here: every number arrives computed in `ReportData`.
"""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Paragraph,
    SimpleDocTemplate,
)
from reportlab.platypus.flowables import Flowable

from fertilitytracker import __version__
from fertilitytracker.core.errors import InputError
from fertilitytracker.services.report.appendix import Appendix
from fertilitytracker.services.report.data import (
    ProgressCallback,
    ReportData,
)
from fertilitytracker.services.report.fonts import REGULAR, cjk_font, register_fonts
from fertilitytracker.services.report.layout import (
    FOOTER_NOTE,
    MARGIN,
    NO_NAME,
    PAGE_SIZES,
    RULE_GREY,
    TITLE,
    PageSize,
)
from fertilitytracker.services.report.page_one import PageOne
from fertilitytracker.services.report.text import (
    day,
    has_cjk,
    split_cjk,
    visual_order,
)
from fertilitytracker.services.report.treatment_pages import TreatmentPages


class _Report(PageOne, TreatmentPages, Appendix):
    """Builds the flowables of one report, section by section."""

    def story(self, progress: ProgressCallback | None) -> list[Flowable]:
        story = self.summary()
        if self.data.is_empty:
            return story
        for part, fraction, label in (
            (self.charts, 0.3, "drawing the charts"),
            (self.responses, 0.4, "response tables"),
            (self.labs, 0.45, "lab table"),
            (self.semen, 0.5, "semen analyses"),
            (self.symptoms, 0.52, "symptoms"),
            (self.sources, 0.55, "ranges and rules"),
        ):
            if progress is not None:
                progress(fraction, label)
            story += part()
        return story


class _OutlinedDocument(SimpleDocTemplate):  # type: ignore[misc]  # reportlab ships no types
    """A document whose section headings become PDF bookmarks (the outline a viewer shows)."""

    def afterFlowable(self, flowable: Flowable) -> None:
        if not isinstance(flowable, Paragraph) or flowable.style.name not in ("title", "h2"):
            return
        title = "Summary" if flowable.style.name == "title" else flowable.getPlainText()
        key = f"section-{len(self._outlined)}"
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(title, key, level=0)
        self._outlined.append(title)

    def build(self, flowables: list[Flowable], **kwargs: Any) -> None:
        self._outlined: list[str] = []
        super().build(flowables, **kwargs)


def _draw_centred_runs(canvas: Canvas, x: float, y: float, text: str, size: float) -> None:
    """One line centred on x, with CJK runs in the CJK font (the name in the footer)."""
    cjk = cjk_font() if has_cjk(text) else None
    runs = [
        (part, cjk if cjk and has_cjk(part) else REGULAR)
        for part in (split_cjk(text) if cjk else [text])
        if part
    ]
    total = sum(stringWidth(part, font, size) for part, font in runs)
    cursor = x - total / 2
    for part, font in runs:
        canvas.setFont(font, size)
        canvas.drawString(cursor, y, part)
        cursor += stringWidth(part, font, size)


def _canvas_maker(footer_name: str, pages: list[int]) -> type[Canvas]:
    """A canvas that holds pages back until the end so each footer can say "page N of M"."""

    class _NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab ships no types
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held: list[dict[str, Any]] = []
            self._marks: dict[int, list[str]] = {}

        def bookmarkPage(self, key: str, **kwargs: Any) -> None:
            # The page is emitted only in save(): the bookmark waits for it.
            self._marks.setdefault(len(self._held), []).append(key)

        def showPage(self) -> None:
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._held)
            pages.append(total)
            marks = self._marks
            for index, state in enumerate(self._held):
                self.__dict__.update(state)
                self._footer(index + 1, total)
                for key in marks.get(index, []):
                    Canvas.bookmarkPage(self, key, fit="XYZ")
                super().showPage()
            super().save()

        def _footer(self, page: int, total: int) -> None:
            width, _height = self._pagesize
            self.saveState()
            self.setStrokeColor(RULE_GREY)
            self.setLineWidth(0.4)
            self.line(MARGIN, 11 * mm, width - MARGIN, 11 * mm)
            text = f"{footer_name} · page {page} of {total} · {FOOTER_NOTE}"
            _draw_centred_runs(self, width / 2, 7.5 * mm, text, 7)
            self.restoreState()

    return _NumberedCanvas


def render_pdf(
    data: ReportData,
    *,
    page_size: PageSize = "A4",
    progress: ProgressCallback | None = None,
) -> tuple[bytes, int]:
    """The PDF of `data` as bytes, and its number of pages. Thread-safe, touches no file."""
    if page_size not in PAGE_SIZES:
        raise InputError("page_size", f"unknown page size '{page_size}' (use A4 or Letter)")
    register_fonts()
    size = PAGE_SIZES[page_size]
    buffer = io.BytesIO()
    name = data.patient_name or NO_NAME
    period = f"{day(data.period.start)} to {day(data.period.end)}"
    document = _OutlinedDocument(
        buffer,
        pagesize=size,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=f"{TITLE}: {data.patient_name}" if data.patient_name else TITLE,
        author=data.patient_name or "Fertility Tracker",
        subject=f"Patient-recorded fertility treatment data, {period}",
        creator=f"Fertility Tracker {__version__}",
        keywords="fertility, hormone therapy, patient-recorded",
        lang="en",
        # The embedded font from the first byte: no unembedded Helvetica in the file.
        initialFontName=REGULAR,
        initialFontSize=8.5,
    )
    width = size[0] - 2 * MARGIN
    report = _Report(data, width, size[1] - 2 * MARGIN - 4 * mm)
    story = report.story(progress)
    if progress is not None:
        total = max(1, len(story))
        reported = [0.6]

        def on_layout(kind: str, value: int) -> None:
            # Split flowables can move the count back: report only forward steps.
            fraction = 0.6 + 0.35 * min(1.0, value / total)
            if kind == "PROGRESS" and fraction >= reported[0] + 0.01:
                reported[0] = fraction
                progress(fraction, "laying out pages")

        document.setProgressCallBack(on_layout)
    pages: list[int] = []
    document.build(story, canvasmaker=_canvas_maker(visual_order(name), pages))
    return buffer.getvalue(), pages[-1] if pages else 0


__all__ = ["FOOTER_NOTE", "PAGE_SIZES", "TITLE", "PageSize", "render_pdf"]
