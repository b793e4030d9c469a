"""The report's appendix: lab results grid, semen analyses, symptoms, ranges and rules."""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.platypus import (
    CondPageBreak,
    PageBreak,
    Spacer,
)
from reportlab.platypus.flowables import Flowable

from fertilitytracker.services.report.data import (
    DrawContextRow,
    LabRow,
)
from fertilitytracker.services.report.fonts import BOLD, ITALIC, REGULAR
from fertilitytracker.services.report.grid import Align, GridRow, GridStyle, TextGrid
from fertilitytracker.services.report.layout import (
    DISCLAIMER,
    HEADER_GREY,
    RECENT_CONTEXT_DAYS,
    RULE_GREY,
    TABLE_BODY,
    ReportLayout,
    fixed,
    range_text,
)
from fertilitytracker.services.report.model import LabGrid
from fertilitytracker.services.report.text import (
    WHO_LOW_WORDS,
    day,
    markup,
    number,
    signed,
    unit,
)

# The lab grid's body: 7 pt on 8, half a point above and below, a hairline under each draw.
LAB_GRID_STYLE = GridStyle(
    font=REGULAR,
    bold_font=BOLD,
    size=7,
    leading=8,
    top_padding=0.5,
    bottom_padding=0.5,
    side_padding=2,
    rule_width=0.25,
    rule_colour=RULE_GREY,
)

# A grid cell's flag, in front of its value.
_GRID_FLAGS = {"low": "▼", "high": "▲", "below_reference": "▼", "indeterminate": "◆"}


class Appendix(ReportLayout):
    """The full record behind page 1, and where every range and rule comes from."""

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
                "included in range): the clinician's target, else the lab's own printed range "
                "where entered (†), else the default; a side left open is taken from the next "
                "(ranges and sources on the last pages). "
                "◆ cannot tell: a censored value whose limit cannot be placed against the range. "
                "° entered in another unit and converted (as entered below the table). &lt; "
                "below detection: flagged low only when every value it allows is below the range. "
                "Derived: T/E and T/LH ratios (T/E ▼ = below its reference), cFT = calculated "
                "free testosterone; — not computed (an input missing or below detection), n/a = "
                "T/LH not meaningful on exogenous testosterone or hCG.",
                "small",
            )
        )
        note_marks: dict[str, tuple[str, str, str]] = {}  # key: (mark, text, source)
        for row in self.data.draw_contexts:
            for key, text, source in row.notes:
                if key not in note_marks:
                    note_marks[key] = ("¹²³⁴⁵⁶⁷⁸⁹"[len(note_marks) % 9], text, source)
        table, converted = self._lab_grid(grid, note_marks)
        story.append(table)
        if converted:
            story.append(self.para("<b>° As entered:</b> " + "; ".join(converted) + ".", "small"))
        for mark, text, source in note_marks.values():
            story.append(
                self.para(f"<b>{mark}</b> {markup(text)} <i>({markup(source)})</i>", "small")
            )
        story += self.dose_timing()
        return story

    def _lab_grid(
        self, grid: LabGrid, note_marks: dict[str, tuple[str, str, str]]
    ) -> tuple[TextGrid, list[str]]:
        """The grid of every draw under its two header rows, and the "as entered" notes of
        its converted values."""
        contexts = {row.day: row for row in self.data.draw_contexts}
        header: list[Any] = ["Date", "Time"] + [short for _key, short, _unit in grid.columns]
        units: list[Any] = ["", ""] + [
            self.para(f"<font size=7>{markup(unit(text))}</font>", "cell")
            for _key, _short, text in grid.columns
        ]
        converted: list[str] = []
        body: list[GridRow] = []
        for draw_day, cells in grid.rows:
            context = contexts.get(draw_day)
            body.append(
                GridRow(
                    (
                        day(draw_day),
                        _context_cell(context, note_marks),
                        *(self._grid_text(cell) for cell in cells),
                    ),
                    frozenset(
                        column
                        for column, cell in enumerate(cells, start=2)
                        if cell is not None
                        and cell.value.flag in ("low", "high", "below_reference")
                    ),
                )
            )
            converted += [
                f"{day(draw_day)} {markup(cell.name)} {markup(cell.entered)}"
                for cell in cells
                if cell is not None and cell.converted
            ]
        relative = [48, 28] + [31] * len(grid.columns)
        head = self.table(
            [header, units],
            relative,
            [
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                # The time centred between the date and the values; the values right-aligned.
                ("ALIGN", (1, 0), (1, -1), "CENTER"),
                # The headers at 7 pt: "Total T" in bold fits its column without touching "Time".
                ("FONTSIZE", (0, 0), (-1, 0), 7),
                ("ALIGN", (2, 0), (-1, -1), "RIGHT"),
                ("BACKGROUND", (0, 1), (-1, 1), HEADER_GREY),
                ("LINEBELOW", (0, 1), (-1, 1), 0.6, colors.black),
            ],
            header_rows=2,
        )
        right: Align = "RIGHT"
        aligns: list[Align] = ["LEFT", "CENTER", *[right] * len(grid.columns)]
        return TextGrid(head, body, self.widths(relative), aligns, LAB_GRID_STYLE), converted

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
        flag = _GRID_FLAGS.get(value.flag, "")
        marks = ("†" if "the lab's range" in cell.range_from else "") + (
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
        widths = [50, 50, 38, 62, 44, 54, 42, 42, 42, 54]
        # Each column keeps one precision, so the numbers line up on the right.
        places = {"semen_volume": 1, "sperm_concentration": 1}
        units_row = ["", "days", "mL", "million/mL", "%", "%", "%", "million", "million", "million"]
        limit_row: list[Any] = [f"WHO {data.who_edition} limit", ""]
        for key in [*keys, "total_sperm_count"]:
            limit, _unit = limits.get(key, (None, ""))
            limit_row.append(f"≥ {number(limit)}" if limit is not None else "—")
        limit_row += ["—", "—"]
        head = self.table(
            [header, units_row, limit_row],
            widths,
            [
                ("FONTNAME", (0, 1), (-1, 2), REGULAR),
                ("BACKGROUND", (0, 1), (-1, 2), HEADER_GREY),
                ("FONTNAME", (0, 2), (-1, 2), ITALIC),
                ("LINEBELOW", (0, 2), (-1, 2), 0.6, colors.black),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
            ],
            header_rows=3,
        )
        # Every body row is one line of text: a TextGrid, which writes a page of them at once.
        rows: list[GridRow] = []
        for row in data.semen:
            bold: set[int] = set()
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
                    bold.add(column)
            total = row.view.derived["total_sperm_count"]
            if total.value is None:
                cells.append("—")
            else:
                # The flag the core gave the total count (docs/clinical.md §2).
                below = row.view.derived_flags.get("total_sperm_count") == "low"
                cells.append(f"{'▼ ' if below else ''}{fixed(total.value, 1)}")
                if below:
                    bold.add(7)
            for key in ("tmsc", "tmsc_progressive"):
                derived = row.view.derived[key]
                cells.append("—" if derived.value is None else fixed(derived.value, 1))
            rows.append(GridRow(tuple(cells), frozenset(bold)))
        right: Align = "RIGHT"
        aligns: list[Align] = ["LEFT", *[right] * (len(widths) - 1)]
        story.append(TextGrid(head, rows, self.widths(widths), aligns, TABLE_BODY))
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
            [
                "Symptom",
                "Entries",
                "Mean (0–10)",
                "First → latest",
                "Direction",
                "Trend per 30 days",
            ]
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
                    _trend_text(slope),
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
            bounds = range_text(used.low, used.high)
            origin = used.origin
            if used.lab_range_results:
                origin += f"; the lab's own range on {used.lab_range_results} result(s)"
            rows.append(
                [
                    used.name,
                    f"{bounds} {unit(used.unit)}",
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


def _context_cell(context: DrawContextRow | None, marks: dict[str, tuple[str, str, str]]) -> str:
    """The draw's time, F fasting or N not, and the marks of its notes: "07:45 F¹"."""
    if context is None:
        return ""
    text = context.time or "—"
    if context.fasting is not None:
        text += " F" if context.fasting else " N"
    return text + "".join(marks[key][0] for key, _text, _source in context.notes if key in marks)


def _trend_text(slope: float | None) -> str:
    """The least-squares trend with the way it goes on the 0 (none) to 10 (worst) scale."""
    if slope is None:
        return "—"
    rounded = round(slope, 1)
    if rounded == 0:
        return "0 (steady)"
    return f"{signed(rounded)} ({'improving' if rounded < 0 else 'worsening'})"


def _direction(first: int, latest: int) -> str:
    """Which way a 0 (none) to 10 (worst) severity went: lower is better."""
    if latest < first:
        return "improved"
    if latest > first:
        return "worse"
    return "unchanged"
