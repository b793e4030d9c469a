"""The report's treatment pages: trend charts and the response to each combination."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from typing import Any

from reportlab.lib import colors
from reportlab.platypus import (
    CondPageBreak,
    PageBreak,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import Flowable

from fertilitytracker.core.attribution import SPERMATOGENIC_CYCLE_DAYS
from fertilitytracker.services.report.charts import legend, medication_timeline, small_multiple
from fertilitytracker.services.report.data import (
    ValueCell,
)
from fertilitytracker.services.report.fonts import REGULAR
from fertilitytracker.services.report.lab_table import SHORT_NAMES
from fertilitytracker.services.report.layout import (
    ReportLayout,
    change_text,
    flowable_height,
    value_text,
)
from fertilitytracker.services.report.text import (
    day,
    markup,
)


class TreatmentPages(ReportLayout):
    """Trends and response to treatment."""

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
        used = sum(flowable_height(flowable, self.width) for flowable in story[1:]) + 4
        rows_needed = max(1, math.ceil(len(data.charts) / 2))
        fitting = (self.frame_height - used - 24) / rows_needed - 8
        height = min(165.0 + len(data.spans) * 8.5, max(120.0, fitting))
        drawings = [
            small_multiple(series, data.spans, data.period, column, height)
            for series in data.charts
        ]
        if not drawings:
            return story
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
            self.para(f"<b>{markup(SHORT_NAMES.get(key, label))}</b>", "number")
            for key, label in summary.columns
        ]
        rows: list[list[Any]] = [header]
        widths = [186, *([52] * len(summary.columns))]
        # Every value column is as wide: a value that fits it is a plain string.
        value_width = self.widths(widths)[1]
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
            + [self._dated(cell, value_width, drawn) for cell in summary.baseline]
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
                    cells.append(self._dated(cell, value_width, drawn))
            rows.append(cells)
        rows.append(
            [self.para("<b>Change</b><br/><font size=7>baseline to latest</font>", "cell")]
            + [self.fit(change_text(change), value_width, "number") for change in summary.change]
        )
        extra.append(("LINEABOVE", (0, len(rows) - 1), (-1, len(rows) - 1), 0.6, colors.black))
        extra.append(("ALIGN", (1, 1), (-1, -1), "RIGHT"))
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

    def _dated(self, cell: ValueCell | None, width: float, drawn: date | None = None) -> Any:
        """A value with its flag symbol; its date under it unless it is the row's draw date."""
        if cell is None:
            return "—"
        if cell.value is None:
            return self.para("—<br/><font size=7>not computed</font>", "number")
        symbol = {"low": "▼ ", "high": "▲ ", "below_reference": "▼ "}.get(cell.flag, "")
        if not symbol and (cell.day is None or cell.day == drawn):
            return self.fit(value_text(cell), width, "number")
        text = f"<b>{symbol}</b>{markup(value_text(cell))}" if symbol else markup(value_text(cell))
        if cell.day is not None and cell.day != drawn:
            text += f"<br/><font size=7>{day(cell.day)}</font>"
        return self.para(text, "number")


def _usual_day(cells: Sequence[ValueCell | None]) -> date | None:
    """The date most of a row's values were drawn on (the row prints it once)."""
    days = [cell.day for cell in cells if cell is not None and cell.day is not None]
    if not days:
        return None
    return max(sorted(set(days)), key=days.count)
