"""The report's layout toolkit: styles, table helpers and value formatting for every section."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    LongTable,
    Paragraph,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import Flowable

from fertilitytracker.core.derived import T_E_THRESHOLD_SI, T_E_THRESHOLD_US
from fertilitytracker.services.formatting import format_beside, format_between
from fertilitytracker.services.report.data import (
    ChangeCell,
    ReportData,
    ValueCell,
)
from fertilitytracker.services.report.fonts import BOLD, ITALIC, REGULAR
from fertilitytracker.services.report.grid import GridStyle
from fertilitytracker.services.report.text import (
    clipped,
    has_cjk,
    markup,
    number,
    percent,
    signed,
    unit,
    visual_order,
)

PageSize = Literal["A4", "Letter"]
PAGE_SIZES: dict[str, tuple[float, float]] = {"A4": A4, "Letter": LETTER}
FOOTER_NOTE = "patient-recorded data; verify against the original lab reports"
TITLE = "Fertility treatment report"
NO_NAME = "patient name not set"
DISCLAIMER = (
    "This report was made by Fertility Tracker from data the patient recorded himself. It "
    "reports values and flags them against the ranges listed on the last pages; it does not "
    "diagnose and does not advise on treatment. Verify every value against the original lab "
    "reports."
)
EMPTY_DISCLAIMER = (
    "This report was made by Fertility Tracker from data the patient records himself. It "
    "reports values; it does not diagnose and does not advise on treatment."
)
TEST_NAMES = {
    "hormone_panel": "Hormone panel (testosterone and estradiol)",
    "semen_analysis": "Semen analysis",
    "lipid_panel": "Lipid panel",
    "dexa": "Bone density scan (DEXA)",
}
STATUS_WORDS = {"overdue": "OVERDUE", "open": "due now", "upcoming": "upcoming"}
MARGIN = 15 * mm
# Page 1 lists at most this many earlier episodes and dose steps; the rest are counted.
MAX_EPISODES_LISTED = 3
# The hours since each dose are listed for the draws of the period's last months.
RECENT_CONTEXT_DAYS = 180
MAX_STEPS_LISTED = 2
HEADER_GREY = colors.Color(0.9, 0.9, 0.9)
RULE_GREY = colors.Color(0.6, 0.6, 0.6)


class LaidOutParagraph(Paragraph):  # type: ignore[misc]  # reportlab ships no types
    """A Paragraph that breaks its lines once for a given width.

    A table measures each paragraph cell to size its row, then again to draw it, and again on
    every page a long table or a repeated header runs onto: the same text broken into lines at
    the same width each time (some 20 ms of a ten-year report). The lines depend on the width
    alone, so the size and lines of the last width asked for are kept; a split that dropped
    them (reportlab deletes them when the paragraph moves on) has them made again.
    """

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        kept: tuple[float, tuple[float, float]] | None = self.__dict__.get("_laid_out")
        if kept is not None and kept[0] == available_width and "blPara" in self.__dict__:
            return kept[1]
        size: tuple[float, float] = super().wrap(available_width, available_height)
        self._laid_out = (available_width, size)
        return size


def build_styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=REGULAR, fontSize=8.5, leading=10.5, alignment=TA_LEFT)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7, leading=8.6),
        "note": ParagraphStyle("note", parent=base, fontName=ITALIC, fontSize=7, leading=8.6),
        "cell": ParagraphStyle("cell", parent=base, fontSize=7.5, leading=9),
        # Numbers line up on the right.
        "number": ParagraphStyle(
            "number", parent=base, fontSize=7.5, leading=9, alignment=TA_RIGHT
        ),
        "cell_bold": ParagraphStyle(
            "cell_bold", parent=base, fontName=BOLD, fontSize=7.5, leading=9
        ),
        "title": ParagraphStyle("title", parent=base, fontName=BOLD, fontSize=17, leading=21),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=9, leading=12),
        "h2": ParagraphStyle(
            "h2", parent=base, fontName=BOLD, fontSize=12, leading=15, spaceBefore=6, spaceAfter=3
        ),
        "h3": ParagraphStyle(
            "h3", parent=base, fontName=BOLD, fontSize=9.5, leading=12, spaceBefore=6, spaceAfter=2
        ),
        "warning": ParagraphStyle("warning", parent=base, fontName=BOLD, fontSize=10, leading=13),
        "empty": ParagraphStyle("empty", parent=base, fontSize=11, leading=15, spaceBefore=12),
    }


# A table's body rows: what `grid_style` sets, for a TextGrid whose rows are all one-line text.
TABLE_BODY = GridStyle(
    font=REGULAR,
    bold_font=BOLD,
    size=7.5,
    leading=9,
    top_padding=2,
    bottom_padding=2,
    side_padding=3,
    rule_width=0.25,
    rule_colour=RULE_GREY,
)


def grid_style(header_rows: int = 1) -> list[tuple[Any, ...]]:
    body = TABLE_BODY
    return [
        ("FONTNAME", (0, 0), (-1, -1), body.font),
        ("FONTSIZE", (0, 0), (-1, -1), body.size),
        ("LEADING", (0, 0), (-1, -1), body.leading),
        ("FONTNAME", (0, 0), (-1, header_rows - 1), body.bold_font),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_GREY),
        ("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 0.6, colors.black),
        ("LINEBELOW", (0, header_rows), (-1, -1), body.rule_width, body.rule_colour),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), body.top_padding),
        ("BOTTOMPADDING", (0, 0), (-1, -1), body.bottom_padding),
        ("LEFTPADDING", (0, 0), (-1, -1), body.side_padding),
        ("RIGHTPADDING", (0, 0), (-1, -1), body.side_padding),
    ]


def value_text(cell: ValueCell | None, with_unit: bool = True) -> str:
    if cell is None:
        return "—"
    if cell.value is None:
        return "—"
    # A value is never rounded onto or across its range, a ratio never across its reference
    # (docs/clinical.md §3).
    shown = (
        format_beside(cell.value, cell.reference)
        if cell.reference is not None
        else format_between(cell.value, cell.range_low, cell.range_high)
    )
    text = f"{cell.comparator or ''}{shown}"
    return f"{text} {unit(cell.unit)}" if with_unit and cell.unit else text


def change_text(change: ChangeCell | None) -> str:
    if change is None:
        return "—"
    if change.absolute is None:
        return "— (censored value)"
    text = signed(change.absolute)
    if change.percent is not None:
        text += f" ({percent(change.percent)})"
    return text


def fixed(value: float, places: int) -> str:
    """A number with a fixed count of decimals and a true minus sign: 3.0, 117.0, −1.4."""
    text = f"{value:,.{places}f}"
    return text.replace("-", "−")


def flowable_height(flowable: Flowable, width: float) -> float:
    """The height a flowable takes at `width`, with its space before and after."""
    _width, height = flowable.wrap(width, 10_000)
    return float(height + flowable.getSpaceBefore() + flowable.getSpaceAfter())


def range_text(low: float | None, high: float | None) -> str:
    if low is None and high is None:
        return "—"
    if low is None:
        return f"≤ {number(high or 0)}"
    if high is None:
        return f"≥ {number(low)}"
    return f"{number(low)}–{number(high)}"


class ReportLayout:
    """What every section of one report shares: its data, width, styles and table helpers."""

    def __init__(self, data: ReportData, width: float, frame_height: float = 760.0) -> None:
        self.data = data
        self.width = width
        self.frame_height = frame_height
        self.styles = build_styles()
        threshold = T_E_THRESHOLD_SI if data.unit_system == "si" else T_E_THRESHOLD_US
        self.t_e_threshold = f"{threshold:g}"
        self.units_text = (
            "SI (testosterone nmol/L, estradiol pmol/L)"
            if data.unit_system == "si"
            else "US conventional (testosterone ng/dL, estradiol pg/mL)"
        )

    # -- small helpers ---------------------------------------------------------------------

    def para(self, text: str, style: str = "base") -> Paragraph:
        return LaidOutParagraph(text, self.styles[style])

    def plain(self, text: str, style: str = "cell") -> Paragraph:
        return LaidOutParagraph(markup(text), self.styles[style])

    def fit(self, text: str, width: float, style: str = "cell") -> Any:
        """`text` as a plain cell when it fits the column, else a wrapping paragraph."""
        shown = visual_order(clipped(text))
        # Measured in bold, the wider face: a flagged cell is set bold.
        if not has_cjk(shown) and stringWidth(shown, BOLD, 7.5) <= width - 7:
            return shown
        return LaidOutParagraph(markup(text), self.styles[style])

    def widths(self, widths: Sequence[float]) -> list[float]:
        """Relative column widths scaled to the page."""
        scale = self.width / sum(widths)
        return [w * scale for w in widths]

    def table(
        self,
        rows: list[list[Any]],
        widths: Sequence[float],
        extra: Sequence[tuple[Any, ...]] = (),
        long: bool = False,
        header_rows: int = 1,
    ) -> Table:
        scale = self.width / sum(widths)
        col_widths = [w * scale for w in widths]
        kind = LongTable if long else Table
        table = kind(rows, colWidths=col_widths, repeatRows=header_rows, hAlign="LEFT")
        table.setStyle(TableStyle([*grid_style(header_rows), *extra]))
        return table
