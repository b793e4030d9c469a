"""Lays the report data out as a PDF with reportlab platypus; returns the bytes and page count.

Only layout and wording live here: every number arrives computed in `ReportData`.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
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
    KeepTogether,
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
from fertilitytracker.core.derived import T_E_THRESHOLD_SI, T_E_THRESHOLD_US
from fertilitytracker.core.errors import InputError
from fertilitytracker.services.formatting import format_beside, format_between
from fertilitytracker.services.report.charts import legend, medication_timeline, small_multiple
from fertilitytracker.services.report.data import (
    ChangeCell,
    ProgressCallback,
    ReportData,
    ResponseTable,
    ValueCell,
)
from fertilitytracker.services.report.fonts import BOLD, ITALIC, REGULAR, register_fonts
from fertilitytracker.services.report.text import (
    FLAG_SENTENCES,
    FLAG_WORDS,
    WHO_LOW_WORDS,
    day,
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
MAX_STEPS_LISTED = 4
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
            "h2", parent=base, fontName=BOLD, fontSize=12, leading=15, spaceBefore=8, spaceAfter=4
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
    # A ratio is never rounded across its reference (docs/clinical.md §3).
    shown = (
        format_beside(cell.value, cell.reference)
        if cell.reference is not None
        else format_between(cell.value, cell.range_low, cell.range_high)
    )
    text = f"{cell.comparator or ''}{shown}"
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

    def __init__(self, data: ReportData, width: float) -> None:
        self.data = data
        self.width = width
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
        if stringWidth(shown, REGULAR, 7.5) <= width - 7:
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
            ["Date of birth", data.patient_birth_date or "not recorded"],
            ["Period", f"{day(period.start)} to {day(period.end)} ({days} days)"],
            ["Generated", day(data.generated_on)],
            ["Units", self.units_text],
            ["Semen limits", f"WHO {data.who_edition} lower reference limits"],
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
            story.append(self.para(DISCLAIMER, "small"))
            return story
        story += self._over_suppression()
        story.append(self.para("Key markers: latest value in the period", "h2"))
        story.append(self._markers_table())
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
            if episode.state == "cannot_tell":
                # docs/clinical.md §4 "cannot tell": a caution of its own, never "in range".
                title = (
                    f"◆ Estradiol: over-suppression cannot be ruled out while on "
                    f"{markup(inhibitors)}"
                )
            else:
                title = f"▼ Estradiol below the floor while on {markup(inhibitors)}"
            floor_from = (
                "the low bound of the clinician's estradiol target"
                if episode.floor_origin == "clinician"
                else "the default floor; a lab's printed range never sets it"
            )
            box = Table(
                [
                    [self.para(title, "warning")],
                    [
                        self.para(
                            f"Latest estradiol {markup(_value_text(episode.value))} on "
                            f"{day(episode.day)}: {markup(episode.caution)}. The floor is "
                            f"{number(episode.floor)} {markup(episode.unit)} ({floor_from}). "
                            "Over-suppressed estradiol is reported as harmful to bone, "
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
                f"{day(e.day)}: {markup(_value_text(e.value))}"
                f"{' (cannot tell)' if e.state == 'cannot_tell' else ''}, "
                f"on {markup(' and '.join(e.inhibitors))}"
                for e in shown
            )
            if len(earlier) > len(shown):
                listed = f"{len(earlier)} draws; the latest {len(shown)}: {listed}"
            tail = " The latest value is not below the floor." if not latest else ""
            lead = "Earlier in the period too" if latest else "Earlier in the period"
            story.append(Spacer(1, 5))
            story.append(
                self.para(
                    f"<b>▼ {lead}, estradiol was below the floor, or over-suppression could "
                    f"not be ruled out, while an aromatase inhibitor was active</b> "
                    f"({listed}).{tail}",
                    "base",
                )
            )
        return story

    def _markers_table(self) -> Table:
        rows: list[list[Any]] = [["Marker", "Latest", "Date", "Flag", "Baseline", "Change"]]
        extra: list[tuple[Any, ...]] = []
        for index, marker in enumerate(self.data.markers, start=1):
            latest = marker.latest
            latest_cell: Any = _value_text(latest)
            if latest is not None and latest.note:
                latest_cell = self.para(
                    f"{markup(_value_text(latest))}<br/>"
                    f"<font size=6.5><i>{markup(latest.note)}</i></font>",
                    "cell",
                )
            flag = FLAG_SENTENCES[latest.flag] if latest is not None else "—"
            if marker.key == "t_e_ratio" and latest is not None and latest.value is not None:
                flag = (
                    f"▼ below {self.t_e_threshold} (ref.)"
                    if latest.flag == "below_reference"
                    else f"≥ {self.t_e_threshold} (ref.)"
                )
            elif marker.key == "tmsc" and latest is not None:
                flag = "no reference limit"
            if latest is not None and latest.flag in ("low", "high", "below_reference"):
                extra.append(("FONTNAME", (3, index), (3, index), BOLD))
            baseline = marker.baseline
            baseline_text: Any = "—"
            if baseline is not None:
                baseline_text = self.para(
                    f"{markup(_value_text(baseline))} <font size=6.5>{day(baseline.day)}</font>",
                    "cell",
                )
            rows.append(
                [
                    marker.label,
                    latest_cell,
                    day(latest.day) if latest is not None else "no result in period",
                    flag,
                    baseline_text,
                    _change_text(marker.change),
                ]
            )
        return self.table(rows, [78, 90, 52, 108, 98, 74], extra)

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
                shown = regimen.steps[-MAX_STEPS_LISTED:]
                lines = [f"from {day(d)}: {markup(text)}" for d, text in shown]
                if len(regimen.steps) > len(shown):
                    hidden = len(regimen.steps) - len(shown)
                    lines.insert(0, f"{hidden} earlier doses: see the response table")
                changes = "<br/>" + "<br/>".join(f"<font size=6.5>{line}</font>" for line in lines)
            adherence = regimen.adherence
            if adherence.adherence is None:
                adherence_text = "no doses expected"
            else:
                adherence_text = (
                    f"{adherence.adherence * 100:.0f}% ({adherence.taken} of {adherence.expected}"
                    f" taken; {adherence.skipped} skipped, {adherence.missed} missed)"
                )
            rows.append(
                [
                    self.para(
                        f"<b>{markup(regimen.name)}</b><br/>"
                        f"<font size=6.5>{markup(regimen.class_label)}</font>",
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
        return self.table(rows, [95, 150, 55, 75, 125])

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
        height = 165.0 + len(data.spans) * 6.5
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
        story: list[Flowable] = [CondPageBreak(120), self.para("Response to each medication", "h2")]
        if not self.data.responses:
            story.append(self.para("No medication recorded in this period."))
            return story
        story.append(
            self.para(
                "One row per dose. Baseline: the last value on or before the start date. Each "
                "dose: the latest value after that dose began and before the next change (its "
                "date below it). Change: baseline to the latest value on treatment. Other "
                "medication taken at the same time is named under each table: a change cannot be "
                "put down to one medication alone.",
                "small",
            )
        )
        for table in self.data.responses:
            parts = self._response_table(table)
            # A short table stays on one page; a long one may split (its header repeats).
            story.append(KeepTogether(parts) if len(table.step_labels) <= 8 else parts[0])
            if len(table.step_labels) > 8:
                story += parts[1:]
        return story

    def _response_table(self, response: ResponseTable) -> list[Flowable]:
        """One row per dose (baseline first, change last), one column per marker.

        Doses run down the page so a regimen changed many times still fits the width.
        """
        stop = f", stopped {day(response.stop)}" if response.stop else ""
        heading = self.para(
            f"{markup(response.regimen)} <font size=7.5>({markup(response.class_label)}), "
            f"started {day(response.start)}{stop}</font>",
            "h3",
        )
        header: list[Any] = [self.para("<b>Dose</b>", "cell")]
        header += [self.para(f"<b>{markup(row.label)}</b>", "cell") for row in response.rows]
        rows: list[list[Any]] = [header]
        rows.append(
            [self.para("<b>Baseline</b><br/><font size=6>on or before the start</font>", "cell")]
            + [self._dated(row.baseline) for row in response.rows]
        )
        for index, (step_day, label) in enumerate(response.step_labels):
            rows.append(
                [self.para(f"{markup(label)}<br/><font size=6>from {day(step_day)}</font>", "cell")]
                + [self._dated(row.per_step[index]) for row in response.rows]
            )
        rows.append(
            [self.para("<b>Change</b><br/><font size=6>baseline to latest</font>", "cell")]
            + [self.para(markup(_change_text(row.change)), "cell") for row in response.rows]
        )
        extra = [("LINEABOVE", (0, len(rows) - 1), (-1, len(rows) - 1), 0.6, colors.black)]
        widths = [96, *([67] * len(response.rows))]
        flowables: list[Flowable] = [heading, self.table(rows, widths, extra, long=True)]
        if response.concurrent:
            flowables.append(
                self.para(
                    "Also taken during this period: "
                    + markup(", ".join(response.concurrent))
                    + ".",
                    "note",
                )
            )
        return flowables

    def _dated(self, cell: ValueCell | None) -> Any:
        if cell is None:
            return "—"
        flag = self.flag_word(cell.flag)
        text = _value_text(cell)
        if cell.value is None and cell.note:
            return self.para(f"—<br/><font size=6>{markup(cell.note)}</font>", "cell")
        # The flag on its own line under the value, so a narrow column never splits it.
        flag_line = f"<b>{flag}</b> " if flag else ""
        return self.para(
            f"{markup(text)}<br/>{flag_line}<font size=6>{day(cell.day)}</font>", "cell"
        )

    # -- lab table -------------------------------------------------------------------------

    def labs(self) -> list[Flowable]:
        story: list[Flowable] = [PageBreak(), self.para("All laboratory results", "h2")]
        lab_rows = self.data.lab_rows
        if not lab_rows:
            story.append(self.para("No lab results in this period."))
            return story
        story.append(
            self.para(
                f"{self.data.counts.get('draws', 0)} blood draws and "
                f"{self.data.counts.get('results', 0)} results, oldest first, each draw followed "
                f"by the values derived from it (italic). Value: in {markup(self.units_text)}. "
                "Flag: ▼ low = below target range, ▲ high = above target range, blank = within "
                "range (bounds included), ◆ cannot tell = a censored value whose limit cannot be "
                "placed against the range. Range: the clinician's target, else the lab's own "
                "printed range when entered, else the default; a side left open is taken from "
                "the next (sources on the last pages). A value below detection (&lt;) is flagged "
                "low only when every value it allows is below the range, and never enters a "
                "ratio.",
                "small",
            )
        )
        rows: list[list[Any]] = [
            ["Date", "Analyte", "As entered", "Value", "Flag", "Range used", "Range from"]
        ]
        extra: list[tuple[Any, ...]] = []
        relative = [52, 84, 82, 64, 50, 74, 94]
        widths = self.widths(relative)
        for row in lab_rows:
            index = len(rows)
            value = row.value
            if value.value is None:
                value_cell: Any = "—"
                range_cell: Any = self.plain(value.note or "", "small")
            else:
                value_cell = self.fit(_value_text(value), widths[3])
                range_cell = row.reference or _range_text(row.range_low, row.range_high)
            style = "note" if row.kind == "derived" else "cell"
            rows.append(
                [
                    day(row.day) if row.first_of_draw else "",
                    row.name,
                    self.fit(row.entered, widths[2], style),
                    value_cell,
                    self.flag_word(value.flag),
                    range_cell,
                    self.fit(row.range_from, widths[6], "small"),
                ]
            )
            if value.flag in ("low", "high", "below_reference"):
                extra.append(("FONTNAME", (4, index), (4, index), BOLD))
            if row.kind == "derived":
                extra.append(("FONTNAME", (1, index), (3, index), ITALIC))
                extra.append(("FONTSIZE", (0, index), (-1, index), 7))
            if row.first_of_draw:
                # One draw reads as one block: a firmer rule above it.
                extra.append(("LINEABOVE", (0, index), (-1, index), 0.6, colors.black))
        story.append(self.table(rows, relative, extra, long=True))
        story += self.draw_contexts()
        return story

    def draw_contexts(self) -> list[Flowable]:
        """When and how each draw was taken, with the notes that apply (docs/clinical.md §8)."""
        if not self.data.draw_contexts:
            return []
        story: list[Flowable] = [self.para("Context of each blood draw", "h3")]
        for when, summary, notes in self.data.draw_contexts:
            lines = [f"<b>{day(when)}</b>: {markup(summary)}"]
            lines += [f"Note: {markup(text)} <i>({markup(source)})</i>" for text, source in notes]
            story.append(self.para("<br/>".join(lines), "small"))
        return story

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
            self.para(f"<b>{text}</b>", "cell")
            for text in (
                "Date",
                "Abstin&shy;ence",
                "Volume",
                "Concen&shy;tration",
                "Total motility",
                "Progres&shy;sive motility",
                "Normal forms",
                "Total count",
                "TMSC",
                "Progres&shy;sive TMSC",
            )
        ]
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
                cells.append(f"{'▼ ' if low else ''}{number(result.value)}")
                if low:
                    extra.append(("FONTNAME", (column, len(rows)), (column, len(rows)), BOLD))
            total = row.view.derived["total_sperm_count"]
            if total.value is None:
                cells.append("—")
            else:
                # The flag the core gave the total count (docs/clinical.md §2).
                below = row.view.derived_flags.get("total_sperm_count") == "low"
                cells.append(f"{'▼ ' if below else ''}{number(total.value)}")
                if below:
                    extra.append(("FONTNAME", (7, len(rows)), (7, len(rows)), BOLD))
            for key in ("tmsc", "tmsc_progressive"):
                derived = row.view.derived[key]
                cells.append("—" if derived.value is None else number(derived.value))
            rows.append(cells)
        story.append(
            self.table(rows, [54, 40, 38, 54, 44, 48, 40, 44, 44, 50], extra, header_rows=3)
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
                "Severity as the patient rated it, 0 (none) to 10 (worst). Trend: the "
                "least-squares change in severity per 30 days over the period (negative = "
                "less severe).",
                "small",
            )
        )
        rows: list[list[Any]] = [
            ["Symptom", "Entries", "Mean", "First", "Latest", "Trend per 30 days"]
        ]
        for symptom in data.symptoms:
            slope = symptom.slope_per_30_days
            rows.append(
                [
                    self.plain(symptom.name),
                    str(symptom.count),
                    f"{symptom.mean:.1f}",
                    f"{symptom.first[1]} ({day(symptom.first[0])})",
                    f"{symptom.latest[1]} ({day(symptom.latest[0])})",
                    "—" if slope is None else signed(round(slope, 1)),
                ]
            )
        story.append(self.table(rows, [120, 45, 40, 95, 95, 105]))
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
        story: list[Flowable] = [PageBreak(), self.para("Ranges and rules used", "h2")]
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
        story.append(
            self.para("Monitoring rules (offsets in days; * = set for this journal)", "h3")
        )
        rule_rows: list[list[Any]] = [["Rule", "Offsets in force", "Rule text"]]
        for rule in data.rules:
            offsets = "<br/>".join(
                f"{markup(name.replace('_', ' '))}: {days}{'*' if overridden else ''}"
                for name, days, overridden in rule.offsets
            )
            rule_rows.append(
                [
                    self.plain(rule.rule_id.replace("_", " ")),
                    self.para(f"<font size=6.5>{offsets}</font>", "cell"),
                    self.plain(rule.source.replace("**", "").replace("`", ""), "small"),
                ]
            )
        story.append(self.table(rule_rows, [80, 150, 270]))
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


def _range_text(low: float | None, high: float | None) -> str:
    if low is None and high is None:
        return "—"
    if low is None:
        return f"≤ {number(high or 0)}"
    if high is None:
        return f"≥ {number(low)}"
    return f"{number(low)}–{number(high)}"


def _canvas_maker(footer_name: str, pages: list[int]) -> type[Canvas]:
    """A canvas that holds pages back until the end so each footer can say "page N of M"."""

    class _NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab ships no types
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._held)
            pages.append(total)
            for number_, state in enumerate(self._held, start=1):
                self.__dict__.update(state)
                self._footer(number_, total)
                super().showPage()
            super().save()

        def _footer(self, page: int, total: int) -> None:
            width, _height = self._pagesize
            self.saveState()
            self.setStrokeColor(RULE_GREY)
            self.setLineWidth(0.4)
            self.line(MARGIN, 11 * mm, width - MARGIN, 11 * mm)
            self.setFont(REGULAR, 7)
            text = f"{footer_name} · page {page} of {total} · {FOOTER_NOTE}"
            self.drawCentredString(width / 2, 7.5 * mm, text)
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
    document = SimpleDocTemplate(
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
    report = _Report(data, width)
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
