"""Lays the report data out as a PDF with reportlab platypus; returns the bytes and page count.

Only layout and wording live here: every number arrives computed in `ReportData`.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from datetime import date
from typing import Any, Literal

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    LongTable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import Flowable

from fertilitytracker import __version__
from fertilitytracker.core.adherence import Adherence
from fertilitytracker.core.attribution import SPERMATOGENIC_CYCLE_DAYS
from fertilitytracker.core.derived import T_E_THRESHOLD_SI, T_E_THRESHOLD_US
from fertilitytracker.core.errors import InputError
from fertilitytracker.services.report.charts import legend, medication_timeline, small_multiple
from fertilitytracker.services.report.data import (
    ChangeCell,
    DrawContextRow,
    LabRow,
    ProgressCallback,
    RegimenSummary,
    ReportData,
    ValueCell,
)
from fertilitytracker.services.report.fonts import BOLD, ITALIC, REGULAR, cjk_font, register_fonts
from fertilitytracker.services.report.lab_table import SHORT_NAMES
from fertilitytracker.services.report.text import (
    FLAG_SENTENCES,
    FLAG_WORDS,
    WHO_LOW_WORDS,
    day,
    has_cjk,
    markup,
    number,
    percent,
    signed,
    split_cjk,
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


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=REGULAR, fontSize=8.5, leading=10.5, alignment=TA_LEFT)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7, leading=8.6),
        "note": ParagraphStyle("note", parent=base, fontName=ITALIC, fontSize=7, leading=8.6),
        "cell": ParagraphStyle("cell", parent=base, fontSize=7.5, leading=9),
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


def _grid_style(header_rows: int = 1) -> list[tuple[Any, ...]]:
    return [
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),
        ("FONTSIZE", (0, 0), (-1, -1), 7.5),
        ("LEADING", (0, 0), (-1, -1), 9),
        ("FONTNAME", (0, 0), (-1, header_rows - 1), BOLD),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_GREY),
        ("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 0.6, colors.black),
        ("LINEBELOW", (0, header_rows), (-1, -1), 0.25, RULE_GREY),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]


def _value_text(cell: ValueCell | None, with_unit: bool = True) -> str:
    if cell is None:
        return "—"
    if cell.value is None:
        return "—"
    text = f"{cell.comparator or ''}{number(cell.value)}"
    return f"{text} {unit(cell.unit)}" if with_unit and cell.unit else text


def _change_text(change: ChangeCell | None) -> str:
    if change is None:
        return "—"
    if change.absolute is None:
        return "— (censored value)"
    text = signed(change.absolute)
    if change.percent is not None:
        text += f" ({percent(change.percent)})"
    return text


class _Report:
    """Builds the flowables of one report."""

    def __init__(self, data: ReportData, width: float, frame_height: float = 760.0) -> None:
        self.data = data
        self.width = width
        self.frame_height = frame_height
        self.styles = _styles()
        threshold = T_E_THRESHOLD_SI if data.unit_system == "si" else T_E_THRESHOLD_US
        self.t_e_threshold = f"{threshold:g}"
        self.units_text = (
            "SI (testosterone nmol/L, estradiol pmol/L)"
            if data.unit_system == "si"
            else "US conventional (testosterone ng/dL, estradiol pg/mL)"
        )

    # -- small helpers ---------------------------------------------------------------------

    def para(self, text: str, style: str = "base") -> Paragraph:
        return Paragraph(text, self.styles[style])

    def plain(self, text: str, style: str = "cell") -> Paragraph:
        return Paragraph(markup(text), self.styles[style])

    def fit(self, text: str, width: float, style: str = "cell") -> Any:
        """`text` as a plain cell when it fits the column, else a wrapping paragraph."""
        shown = visual_order(text)
        if not has_cjk(shown) and stringWidth(shown, REGULAR, 7.5) <= width - 7:
            return shown
        return Paragraph(markup(text), self.styles[style])

    def flag_word(self, flag: str) -> str:
        """The flag as printed in tables: ▼ low, ▲ high, ▼ below 10 for the T/E reference."""
        if flag == "below_reference":
            return f"▼ below {self.t_e_threshold}"
        return FLAG_WORDS.get(flag, "")

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
        table.setStyle(TableStyle([*_grid_style(header_rows), *extra]))
        return table

    # -- page 1 ----------------------------------------------------------------------------

    def summary(self) -> list[Flowable]:
        data = self.data
        period = data.period
        days = (period.end - period.start).days + 1
        days_text = "1 day" if days == 1 else f"{days} days"
        as_of = ""
        if data.as_of is not None and data.as_of < data.generated_on:
            as_of = f"; as of {day(data.as_of)}"
        birth = data.patient_birth_date or "not recorded"
        if data.age is not None:
            birth += f" (age {data.age})"
        story: list[Flowable] = [
            self.para(TITLE, "title"),
            self.para(
                "Summary for the clinician · patient-recorded data, not a lab report", "subtitle"
            ),
            Spacer(1, 4),
        ]
        name = data.patient_name or NO_NAME
        info = [
            ["Patient", self.plain(name, "cell_bold")],
            ["Date of birth", birth],
            [
                "Period",
                f"{day(period.start)} to {day(period.end)} ({days_text}{as_of}); generated "
                f"{day(data.generated_on)}",
            ],
            [
                "Units",
                f"{self.units_text}; semen: WHO {data.who_edition} lower reference limits",
            ],
        ]
        story.append(
            self.table(
                info,
                [70, 430],
                extra=[
                    ("FONTNAME", (0, 0), (0, -1), BOLD),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.white),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE_GREY),
                    ("FONTNAME", (1, 0), (1, 0), BOLD),
                ],
                header_rows=1,
            )
        )
        if data.is_empty:
            story.append(
                self.para(
                    "<b>No data yet.</b> The journal holds no medications, lab results, semen "
                    "analyses, bone scans or symptoms. Record some in Fertility Tracker and "
                    "export the report again.",
                    "empty",
                )
            )
            story.append(Spacer(1, 8))
            story.append(self.para(EMPTY_DISCLAIMER, "small"))
            return story
        story += self._over_suppression()
        story.append(self.para("Key markers: latest value in the period", "h2"))
        story.append(self._markers_table())
        if data.flagged_lipids:
            listed = "; ".join(
                f"{markup(name)} {markup(_value_text(cell))} {FLAG_WORDS[cell.flag]} "
                f"({day(cell.day)})"
                for name, cell in data.flagged_lipids
            )
            story.append(self.para(f"<b>Lipids flagged in the period:</b> {listed}", "base"))
        story.append(self.para(data.baseline_rule, "note"))
        story.append(self.para("Medication and adherence in the period", "h2"))
        story.append(self._regimens_table())
        story.append(self.para("Tests due (monitoring rules)", "h2"))
        story.append(self._due_table())
        story.append(Spacer(1, 6))
        story.append(self.para(DISCLAIMER, "small"))
        return story

    def _over_suppression(self) -> list[Flowable]:
        episodes = self.data.over_suppression
        if not episodes:
            return []
        story: list[Flowable] = []
        latest = [e for e in episodes if e.is_latest]
        if latest:
            episode = latest[0]
            inhibitors = " and ".join(episode.inhibitors)
            box = Table(
                [
                    [
                        self.para(
                            f"▼ Estradiol below target range while on {markup(inhibitors)}",
                            "warning",
                        )
                    ],
                    [
                        self.para(
                            f"Latest estradiol {markup(_value_text(episode.value))} on "
                            f"{day(episode.day)}; the floor is {number(episode.floor)} "
                            f"{markup(episode.unit)} (the lower bound of the target range in "
                            "force). Over-suppressed estradiol is reported as harmful to bone, "
                            "libido and erectile function, mood and lipids (sources on the last "
                            "pages)."
                        )
                    ],
                ],
                colWidths=[self.width],
            )
            box.setStyle(
                TableStyle(
                    [
                        ("FONTNAME", (0, 0), (-1, -1), REGULAR),
                        ("BOX", (0, 0), (-1, -1), 1.6, colors.black),
                        ("BACKGROUND", (0, 0), (-1, -1), colors.Color(0.93, 0.93, 0.93)),
                        ("LEFTPADDING", (0, 0), (-1, -1), 6),
                        ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ]
                )
            )
            story += [Spacer(1, 6), box]
        earlier = [e for e in episodes if not e.is_latest]
        if earlier:
            # Page 1 must stay a one-minute read: the most recent few, and a count.
            shown = earlier[-MAX_EPISODES_LISTED:]
            listed = "; ".join(
                f"{day(e.day)}: {markup(_value_text(e.value))}, "
                f"on {markup(' and '.join(e.inhibitors))}"
                for e in shown
            )
            if len(earlier) > len(shown):
                listed = f"{len(earlier)} draws; the latest {len(shown)}: {listed}"
            tail = " The latest value is not below it." if not latest else ""
            lead = "Earlier in the period too" if latest else "Earlier in the period"
            story.append(Spacer(1, 5))
            story.append(
                self.para(
                    f"<b>▼ {lead}, estradiol was below target range while an aromatase "
                    f"inhibitor was active</b> ({listed}).{tail}",
                    "base",
                )
            )
        return story

    def _markers_table(self) -> Table:
        rows: list[list[Any]] = [["Marker", "Latest", "Date", "Flag", "Baseline", "Change"]]
        extra: list[tuple[Any, ...]] = []
        relative = [84, 100, 52, 104, 92, 68]
        widths = self.widths(relative)
        for index, marker in enumerate(self.data.markers, start=1):
            latest = marker.latest
            latest_cell: Any = _value_text(latest)
            if latest is not None and latest.note:
                latest_cell = self.para(
                    f"{markup(_value_text(latest))}<br/>"
                    f"<font size=7><i>{markup(latest.note)}</i></font>",
                    "cell",
                )
            if latest is None:
                latest_cell = self.para("<i>no result in period</i>", "cell")
            flag = FLAG_SENTENCES[latest.flag] if latest is not None else ""
            if marker.key == "t_e_ratio" and latest is not None and latest.value is not None:
                flag = (
                    f"▼ below {self.t_e_threshold} (ref.)"
                    if latest.flag == "below_reference"
                    else f"≥ {self.t_e_threshold} (ref.)"
                )
            elif marker.key == "tmsc" and latest is not None:
                flag = "no reference limit"
            if marker.flag_text:
                flag = marker.flag_text
            if latest is not None and latest.flag in ("low", "high", "below_reference"):
                extra.append(("FONTNAME", (3, index), (3, index), BOLD))
            baseline = marker.baseline
            baseline_text: Any = "—"
            if baseline is not None:
                baseline_text = self.para(
                    f"{markup(_value_text(baseline))} <font size=7>{day(baseline.day)}</font>",
                    "cell",
                )
            rows.append(
                [
                    self.fit(marker.label, widths[0]),
                    latest_cell,
                    day(latest.day) if latest is not None else "—",
                    self.fit(flag, widths[3]),
                    baseline_text,
                    _change_text(marker.change),
                ]
            )
        extra.append(("ALIGN", (5, 1), (5, -1), "RIGHT"))
        return self.table(rows, relative, extra)

    def _step_lines(self, regimen: RegimenSummary) -> list[str]:
        """The latest dose steps of a regimen taken at the end; a count for the others."""
        changes = len(regimen.steps) - 1
        noun = "dose change" if changes == 1 else "dose changes"
        if not regimen.active_at_end:
            return [f"{changes} {noun}"]
        shown = regimen.steps[-MAX_STEPS_LISTED:]
        if len(regimen.steps) - len(shown) <= 1:
            shown = regimen.steps[-(MAX_STEPS_LISTED + 1) :]
        lines = [f"{day(d)}: {markup(text)}" for d, text in shown]
        # The hidden steps hold the start: every other one is a dose change.
        hidden = len(regimen.steps) - len(shown) - 1
        if hidden > 0:
            noun = "dose change" if hidden == 1 else "dose changes"
            lines.insert(0, f"{hidden} earlier {noun}, then from")
        return lines

    def _regimens_table(self) -> Flowable:
        if not self.data.regimens:
            return self.para("No medication recorded in this period.")
        rows: list[list[Any]] = [
            ["Medication", "Dose and schedule", "Started", "Status", "Adherence in period"]
        ]
        for regimen in self.data.regimens:
            status = "taking" if regimen.active_at_end else f"stopped {day(regimen.stop)}"
            if regimen.stop is not None and regimen.active_at_end:
                status = f"taking; stops {day(regimen.stop)}"
            changes = ""
            if len(regimen.steps) > 1:
                changes = "<br/>" + "<br/>".join(
                    f"<font size=7>{line}</font>" for line in self._step_lines(regimen)
                )
            adherence_text = _adherence_text(regimen)
            rows.append(
                [
                    self.para(
                        f"<b>{markup(regimen.name)}</b><br/>"
                        f"<font size=7>{markup(regimen.class_label)}</font>",
                        "cell",
                    ),
                    self.para(
                        f"{markup(regimen.dose_text)} {markup(regimen.schedule_text)}{changes}",
                        "cell",
                    ),
                    day(regimen.start),
                    self.para(status, "cell"),
                    self.para(adherence_text, "cell"),
                ]
            )
        return self.table(rows, [80, 132, 50, 83, 160])

    def _due_table(self) -> Flowable:
        if not self.data.due:
            return self.para("No test is due by the monitoring rules.")
        rows: list[list[Any]] = [["Test", "Status", "Opens", "Due", "Why"]]
        extra: list[tuple[Any, ...]] = []
        for index, test in enumerate(self.data.due, start=1):
            rows.append(
                [
                    self.plain(TEST_NAMES.get(test.test, test.test)),
                    STATUS_WORDS.get(test.status, test.status),
                    day(test.opens),
                    day(test.due),
                    self.plain(test.reason),
                ]
            )
            if test.status == "overdue":
                extra.append(("FONTNAME", (1, index), (1, index), BOLD))
        return self.table(rows, [120, 55, 55, 55, 215], extra)

    # -- charts ----------------------------------------------------------------------------

    def charts(self) -> list[Flowable]:
        data = self.data
        story: list[Flowable] = [PageBreak(), self.para("Trends", "h2")]
        story.append(
            self.para(
                f"Results in the period, in {markup(self.units_text)}. Grey band: target range in "
                "force; lanes under each chart: medication taken (a notch marks a dose or "
                "schedule change).",
                "small",
            )
        )
        story.append(legend(self.width))
        if data.spans:
            story.append(self.para("Medication", "h3"))
            story.append(medication_timeline(data.spans, data.period, self.width))
        gap = 8.0
        column = (self.width - gap) / 2
        # The charts fill what is left of the page, so no third of it stays blank.
        used = sum(_height(flowable, self.width) for flowable in story[1:]) + 4
        rows_needed = max(1, math.ceil(len(data.charts) / 2))
        fitting = (self.frame_height - used - 24) / rows_needed - 8
        height = min(165.0 + len(data.spans) * 8.5, max(120.0, fitting))
        drawings = [
            small_multiple(series, data.spans, data.period, column, height)
            for series in data.charts
        ]
        rows = [drawings[index : index + 2] for index in range(0, len(drawings), 2)]
        if rows and len(rows[-1]) == 1:
            rows[-1].append(Spacer(1, 1))
        grid = Table(rows, colWidths=[column + gap / 2, column + gap / 2], hAlign="LEFT")
        grid.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), REGULAR),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 4),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ]
            )
        )
        story.append(Spacer(1, 4))
        story.append(grid)
        return story

    # -- responses -------------------------------------------------------------------------

    def responses(self) -> list[Flowable]:
        story: list[Flowable] = [
            CondPageBreak(120),
            self.para("Response to treatment", "h2"),
        ]
        summary = self.data.responses
        if summary is None:
            story.append(self.para("No hormone medication recorded in this period."))
            return story
        story.append(
            self.para(
                "One row for each combination of hormone medication in force, unchanged, from "
                "the date shown: the latest value drawn under it (a draw on the day of a change "
                "counts under the combination before it). A semen result is put down to a "
                f"combination only {SPERMATOGENIC_CYCLE_DAYS} days (one spermatogenic cycle) or "
                "more after its last change (“too early: day 40 of 74”). Baseline: the last "
                "value on or before the start of the current course. Change: baseline to the "
                "latest value of the course.",
                "small",
            )
        )
        header: list[Any] = [self.para("<b>Medication in force</b>", "cell")]
        header += [
            self.para(f"<b>{markup(SHORT_NAMES.get(key, label))}</b>", "cell")
            for key, label in summary.columns
        ]
        rows: list[list[Any]] = [header]
        start = summary.course_start
        drawn = _usual_day(summary.baseline)
        rows.append(
            [
                self.para(
                    "<b>Baseline</b><br/><font size=7>"
                    + (f"on or before {day(start)}" if start else "no course")
                    + (f" · drawn {day(drawn)}" if drawn else "")
                    + "</font>",
                    "cell",
                )
            ]
            + [self._dated(cell, drawn) for cell in summary.baseline]
        )
        extra: list[tuple[Any, ...]] = []
        for row in summary.rows:
            until = f" to {day(row.end)}" if row.end is not None else " on"
            schedules = f" · {markup(row.schedules)}" if row.schedules else ""
            drawn = _usual_day(row.values)
            cells: list[Any] = [
                self.para(
                    f"{markup(row.label)}<br/><font size=7>{day(row.start)}{until}"
                    f"{schedules}" + (f" · drawn {day(drawn)}" if drawn else "") + "</font>",
                    "cell",
                )
            ]
            for (key, _label), cell in zip(summary.columns, row.values, strict=True):
                if key == "tmsc" and cell is None and row.semen_note:
                    cells.append(self.para(f"<font size=7>{markup(row.semen_note)}</font>", "cell"))
                else:
                    cells.append(self._dated(cell, drawn))
            rows.append(cells)
        rows.append(
            [self.para("<b>Change</b><br/><font size=7>baseline to latest</font>", "cell")]
            + [self.para(markup(_change_text(change)), "cell") for change in summary.change]
        )
        extra.append(("LINEABOVE", (0, len(rows) - 1), (-1, len(rows) - 1), 0.6, colors.black))
        widths = [186, *([52] * len(summary.columns))]
        story.append(self.table(rows, widths, extra, long=True))
        if summary.without_draws:
            count = summary.without_draws
            noun = "combination" if count == 1 else "combinations"
            story.append(
                self.para(
                    f"{count} further {noun} in the period had no draw or semen analysis.",
                    "note",
                )
            )
        return story

    def _dated(self, cell: ValueCell | None, drawn: date | None = None) -> Any:
        """A value with its flag symbol; its date under it unless it is the row's draw date."""
        if cell is None:
            return "—"
        if cell.value is None:
            return self.para("—<br/><font size=7>not computed</font>", "cell")
        symbol = {"low": "▼ ", "high": "▲ ", "below_reference": "▼ "}.get(cell.flag, "")
        text = (
            f"<b>{symbol}</b>{markup(_value_text(cell))}" if symbol else markup(_value_text(cell))
        )
        if cell.day is not None and cell.day != drawn:
            text += f"<br/><font size=7>{day(cell.day)}</font>"
        return self.para(text, "cell")

    # -- lab table -------------------------------------------------------------------------

    def labs(self) -> list[Flowable]:
        story: list[Flowable] = [PageBreak(), self.para("All laboratory results", "h2")]
        grid = self.data.lab_grid
        if grid is None or not grid.rows:
            story.append(self.para("No lab results in this period."))
            return story
        story.append(
            self.para(
                f"{self.data.counts.get('draws', 0)} blood draws and "
                f"{self.data.counts.get('results', 0)} results, oldest first: one row per draw, "
                f"in {markup(self.units_text)}. Time: when drawn, F fasting, N not fasting, "
                "¹ ² notes under the table. ▼ below, ▲ above the range in force (bounds "
                "included in range): the lab's own printed range where entered (†), else the "
                "clinician's target, else the default (ranges and sources on the last pages). "
                "° entered in another unit and converted (as entered below the table). &lt; "
                "below detection: flagged only when every value it allows is below the range. "
                "Derived: T/E and T/LH ratios (T/E ▼ = below its reference), cFT = calculated "
                "free testosterone; — not computed (an input missing or below detection), n/a = "
                "T/LH not meaningful on exogenous testosterone or hCG.",
                "small",
            )
        )
        contexts = {row.day: row for row in self.data.draw_contexts}
        note_marks: dict[str, tuple[str, str, str]] = {}  # key: (mark, text, source)
        for row in self.data.draw_contexts:
            for key, text, source in row.notes:
                if key not in note_marks:
                    note_marks[key] = ("¹²³⁴⁵⁶⁷⁸⁹"[len(note_marks) % 9], text, source)
        header: list[Any] = ["Date", "Time"] + [short for _key, short, _unit in grid.columns]
        units: list[Any] = ["", ""] + [
            self.para(f"<font size=7>{markup(unit(text))}</font>", "cell")
            for _key, _short, text in grid.columns
        ]
        rows: list[list[Any]] = [header, units]
        extra: list[tuple[Any, ...]] = [
            ("FONTSIZE", (0, 2), (-1, -1), 7),
            ("LEADING", (0, 2), (-1, -1), 8),
            ("TOPPADDING", (0, 2), (-1, -1), 0.5),
            ("BOTTOMPADDING", (0, 2), (-1, -1), 0.5),
            ("LEFTPADDING", (0, 0), (-1, -1), 2),
            ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
            ("BACKGROUND", (0, 1), (-1, 1), HEADER_GREY),
            ("LINEBELOW", (0, 1), (-1, 1), 0.6, colors.black),
        ]
        converted: list[str] = []
        for draw_day, cells in grid.rows:
            index = len(rows)
            context = contexts.get(draw_day)
            line: list[Any] = [day(draw_day), _context_cell(context, note_marks)]
            for column, cell in enumerate(cells, start=2):
                line.append(self._grid_text(cell))
                if cell is not None and cell.value.flag in ("low", "high", "below_reference"):
                    extra.append(("FONTNAME", (column, index), (column, index), BOLD))
                if cell is not None and cell.converted:
                    converted.append(f"{day(draw_day)} {markup(cell.name)} {markup(cell.entered)}")
            rows.append(line)
        widths = [46, 30] + [31] * len(grid.columns)
        story.append(self.table(rows, widths, extra, long=True, header_rows=2))
        if converted:
            story.append(self.para("<b>° As entered:</b> " + "; ".join(converted) + ".", "small"))
        for mark, text, source in note_marks.values():
            story.append(
                self.para(f"<b>{mark}</b> {markup(text)} <i>({markup(source)})</i>", "small")
            )
        story += self.dose_timing()
        return story

    def dose_timing(self) -> list[Flowable]:
        """Hours from the last logged dose to each recent draw (the last 180 days shown)."""
        if not self.data.draw_contexts:
            return []
        last = self.data.draw_contexts[-1].day
        recent = [
            row
            for row in self.data.draw_contexts
            if row.since_doses and (last - row.day).days < RECENT_CONTEXT_DAYS
        ]
        if not recent:
            return []
        story: list[Flowable] = [
            self.para(
                "Hours from the last logged dose to the draw (draws of the "
                f"{RECENT_CONTEXT_DAYS} days up to the latest)",
                "h3",
            )
        ]
        rows: list[list[Any]] = [["Date", "Time", "Hours since the last logged dose"]]
        for row in recent:
            rows.append([day(row.day), row.time or "—", self.plain(row.since_doses, "small")])
        story.append(self.table(rows, [50, 35, 415], long=True))
        return story

    def _grid_text(self, cell: LabRow | None) -> str:
        """A grid cell: flag symbol, value, and its marks; "—" or "n/a" when not computed."""
        if cell is None:
            return ""
        value = cell.value
        if value.value is None:
            reason = value.note or ""
            return "n/a" if reason.startswith("not meaningful") else "—"
        flag = {"low": "▼", "high": "▲", "below_reference": "▼"}.get(value.flag, "")
        marks = ("†" if cell.range_from == "the lab's range" else "") + (
            "°" if cell.converted else ""
        )
        return f"{flag}{value.comparator or ''}{number(value.value)}{marks}"

    # -- semen -----------------------------------------------------------------------------

    def semen(self) -> list[Flowable]:
        data = self.data
        story: list[Flowable] = [CondPageBreak(150), self.para("Semen analyses", "h2")]
        if not data.semen:
            story.append(self.para("No semen analysis in this period."))
            return story
        story.append(
            self.para(
                f"Flag ▼ = {WHO_LOW_WORDS.removeprefix('▼ ')} (WHO {data.who_edition}); a value "
                "at the limit is not flagged. Total count and TMSC are computed from the entered "
                "values (TMSC = volume × concentration × total motility / 100).",
                "small",
            )
        )
        keys = [
            "semen_volume",
            "sperm_concentration",
            "total_motility",
            "progressive_motility",
            "normal_morphology",
        ]
        limits = {key: (limit, unit) for key, _name, limit, unit in data.who_limits}
        header = [
            self.para(f"<b><font size=7>{text}</font></b>", "cell")
            for text in (
                "Date",
                "Abstinence",
                "Volume",
                "Concentration",
                "Total motility",
                "Progressive motility",
                "Normal forms",
                "Total count",
                "TMSC",
                "Progressive TMSC",
            )
        ]
        # Each column keeps one precision, so the numbers line up on the right.
        places = {"semen_volume": 1, "sperm_concentration": 1}
        units_row = ["", "days", "mL", "million/mL", "%", "%", "%", "million", "million", "million"]
        limit_row: list[Any] = [f"WHO {data.who_edition} limit", ""]
        for key in [*keys, "total_sperm_count"]:
            limit, _unit = limits.get(key, (None, ""))
            limit_row.append(f"≥ {number(limit)}" if limit is not None else "—")
        limit_row += ["—", "—"]
        rows: list[list[Any]] = [header, units_row, limit_row]
        extra: list[tuple[Any, ...]] = [
            ("FONTNAME", (0, 1), (-1, 2), REGULAR),
            ("BACKGROUND", (0, 1), (-1, 2), HEADER_GREY),
            ("FONTNAME", (0, 2), (-1, 2), ITALIC),
            ("LINEBELOW", (0, 2), (-1, 2), 0.6, colors.black),
        ]
        for row in data.semen:
            by_key = {result.analyte: result for result in row.view.results}
            cells: list[Any] = [
                day(row.analysis.date),
                str(row.analysis.abstinence_days)
                if row.analysis.abstinence_days is not None
                else "—",
            ]
            for column, key in enumerate(keys, start=2):
                result = by_key.get(key)
                if result is None:
                    cells.append("—")
                    continue
                low = result.flag == "low"
                cells.append(f"{'▼ ' if low else ''}{fixed(result.value, places.get(key, 0))}")
                if low:
                    extra.append(("FONTNAME", (column, len(rows)), (column, len(rows)), BOLD))
            total = row.view.derived["total_sperm_count"]
            total_limit = limits.get("total_sperm_count", (None, ""))[0]
            if total.value is None:
                cells.append("—")
            else:
                below = total_limit is not None and total.value < total_limit
                cells.append(f"{'▼ ' if below else ''}{fixed(total.value, 1)}")
                if below:
                    extra.append(("FONTNAME", (7, len(rows)), (7, len(rows)), BOLD))
            for key in ("tmsc", "tmsc_progressive"):
                derived = row.view.derived[key]
                cells.append("—" if derived.value is None else fixed(derived.value, 1))
            rows.append(cells)
        extra.append(("ALIGN", (1, 1), (-1, -1), "RIGHT"))
        story.append(
            self.table(rows, [50, 50, 38, 62, 44, 54, 42, 42, 42, 54], extra, header_rows=3)
        )
        story.append(self.para(f"WHO source: {markup(data.who_source)}", "note"))
        return story

    # -- symptoms --------------------------------------------------------------------------

    def symptoms(self) -> list[Flowable]:
        data = self.data
        story: list[Flowable] = [CondPageBreak(120), self.para("Symptoms", "h2")]
        if not data.symptoms:
            story.append(self.para("No symptoms recorded in this period."))
            return story
        story.append(
            self.para(
                "Severity as the patient rated it, 0 (none) to 10 (worst): a lower number is "
                "better. Trend: the least-squares change in severity per 30 days over the period "
                "(negative = less severe = improving).",
                "small",
            )
        )
        rows: list[list[Any]] = [
            ["Symptom", "Entries", "Mean (0–10)", "First → latest", "Direction", "Trend / 30 days"]
        ]
        for symptom in data.symptoms:
            slope = symptom.slope_per_30_days
            rows.append(
                [
                    self.plain(symptom.name),
                    str(symptom.count),
                    f"{symptom.mean:.1f}",
                    self.para(
                        f"{symptom.first[1]} → {symptom.latest[1]}<br/><font size=7>"
                        f"{day(symptom.first[0])} → {day(symptom.latest[0])}</font>",
                        "cell",
                    ),
                    _direction(symptom.first[1], symptom.latest[1]),
                    "—" if slope is None else signed(round(slope, 1)),
                ]
            )
        story.append(self.table(rows, [120, 45, 55, 120, 75, 85]))
        notes = [(s.name, text, days) for s in data.symptoms for text, days in s.notes]
        if notes:
            story.append(self.para("Notes", "h3"))
            for name, text, days in notes:
                dates = ", ".join(day(d) for d in days)
                story.append(
                    self.para(f"<b>{markup(name)}</b>: “{markup(text)}” ({dates})", "small")
                )
        return story

    # -- ranges and rules ------------------------------------------------------------------

    def sources(self) -> list[Flowable]:
        data = self.data
        story: list[Flowable] = [CondPageBreak(300), self.para("Ranges and rules used", "h2")]
        story.append(self.para("Target ranges", "h3"))
        rows: list[list[Any]] = [["Analyte", "Range used", "From", "Source"]]
        for used in data.ranges:
            range_text = _range_text(used.low, used.high)
            origin = used.origin
            if used.lab_range_results:
                origin += f"; the lab's own range on {used.lab_range_results} result(s)"
            rows.append(
                [
                    used.name,
                    f"{range_text} {unit(used.unit)}",
                    self.plain(origin),
                    self.plain(used.source, "small"),
                ]
            )
        story.append(self.table(rows, [90, 85, 85, 240]))
        story.append(self.para("Semen: WHO lower reference limits", "h3"))
        who_rows: list[list[Any]] = [["Parameter", f"WHO {data.who_edition} lower limit"]]
        for _key, name, limit, unit_text in data.who_limits:
            who_rows.append(
                [name, f"{number(limit)} {unit(unit_text)}" if limit is not None else "—"]
            )
        story.append(self.table(who_rows, [150, 350]))
        story.append(self.para(markup(data.who_source), "note"))
        story.append(self.para("Derived values and references", "h3"))
        ref_rows: list[list[Any]] = [["Value", "Source"]]
        for what, source in data.references:
            ref_rows.append([self.plain(what), self.plain(source, "small")])
        story.append(self.table(ref_rows, [150, 350]))
        story.append(self.para("Monitoring rules (when a test is due)", "h3"))
        rule_rows: list[list[Any]] = [["Test", "Rule in force"]]
        for rule in data.rules:
            text = markup(rule.source)
            changed = [(name, days) for name, days, overridden in rule.offsets if overridden]
            if changed:
                text += " <i>(" + ", ".join(f"{days} days" for _name, days in changed)
                text += " set for this journal instead of the default)</i>"
            rule_rows.append([self.plain(rule.rule_id), self.para(text, "small")])
        story.append(self.table(rule_rows, [110, 390]))
        story.append(Spacer(1, 8))
        story.append(self.para(DISCLAIMER, "small"))
        return story

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


def fixed(value: float, places: int) -> str:
    """A number with a fixed count of decimals and a true minus sign: 3.0, 117.0, −1.4."""
    text = f"{value:,.{places}f}"
    return text.replace("-", "−")


def _context_cell(context: DrawContextRow | None, marks: dict[str, tuple[str, str, str]]) -> str:
    """The draw's time, F fasting or N not, and the marks of its notes: "07:45 F¹"."""
    if context is None:
        return ""
    text = context.time or "—"
    if context.fasting is not None:
        text += " F" if context.fasting else " N"
    return text + "".join(marks[key][0] for key, _text, _source in context.notes if key in marks)


def _usual_day(cells: Sequence[ValueCell | None]) -> date | None:
    """The date most of a row's values were drawn on (the row prints it once)."""
    days = [cell.day for cell in cells if cell is not None and cell.day is not None]
    if not days:
        return None
    return max(sorted(set(days)), key=days.count)


def _height(flowable: Flowable, width: float) -> float:
    """The height a flowable takes at `width`, with its space before and after."""
    _width, height = flowable.wrap(width, 10_000)
    return float(height + flowable.getSpaceBefore() + flowable.getSpaceAfter())


def _direction(first: int, latest: int) -> str:
    """Which way a 0 (none) to 10 (worst) severity went: lower is better."""
    if latest < first:
        return "improved"
    if latest > first:
        return "worse"
    return "unchanged"


def _share(adherence: Adherence | None) -> str:
    """ "97% (87 of 90)", or why there is no figure."""
    if adherence is None or adherence.expected == 0:
        return "no doses expected"
    if adherence.taken + adherence.skipped == 0:
        return "doses not logged"
    assert adherence.adherence is not None
    return f"{adherence.adherence * 100:.0f}% ({adherence.taken} of {adherence.expected})"


def _adherence_text(regimen: RegimenSummary) -> str:
    """Adherence in the period, the last 30 and 90 days, and the last dose logged.

    With no dose logged in a window the patient did not log, which is not 0 % taken.
    """
    period = regimen.adherence
    if period.expected == 0:
        return "no doses expected"
    if period.taken + period.skipped == 0:
        text = "<b>doses not logged</b> in the period"
    elif not regimen.active_at_end:
        text = f"{_share(period)}; {period.skipped} skipped, {period.missed} missed"
    else:
        text = (
            f"{_share(period)} taken in the period; {period.skipped} skipped, "
            f"{period.missed} missed (not logged)"
        )
    if regimen.active_at_end:
        text += f"<br/>last 30 days: {_share(regimen.last_30)}"
        text += f"<br/>last 90 days: {_share(regimen.last_90)}"
    last = day(regimen.last_logged) if regimen.last_logged else "never"
    return text + f"<br/>last dose logged: {last}"


def _range_text(low: float | None, high: float | None) -> str:
    if low is None and high is None:
        return "—"
    if low is None:
        return f"≤ {number(high or 0)}"
    if high is None:
        return f"≥ {number(low)}"
    return f"{number(low)}–{number(high)}"


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
