"""Vector trend charts of the report (reportlab.graphics): small multiples, medication lanes.

Drawn to print in black and white: the target band is a light grey area with dashed edges,
results outside it are triangles (▼ low, ▲ high) rather than coloured dots, and a result
below detection is an open circle at its limit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta

from reportlab import rl_config
from reportlab.graphics.shapes import (
    Drawing,
    Group,
    Line,
    Rect,
    String,
)
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from fertilitytracker.services.date_ticks import date_ticks
from fertilitytracker.services.report.chart_marks import (
    LINE,
    POINT_RADIUS,
    Markers,
    marker,
    strokes,
    trend_line,
)
from fertilitytracker.services.report.data import ChartSeries, MedicationSpan, Period
from fertilitytracker.services.report.fonts import BOLD, REGULAR, cjk_font
from fertilitytracker.services.report.text import has_cjk, number, unit, visual_order

BAND_FILL = colors.Color(0.88, 0.88, 0.88)
GRID = colors.Color(0.82, 0.82, 0.82)
LANE_FILL = colors.Color(0.45, 0.45, 0.45)
LANE_HEIGHT = 7.0
LANE_GAP = 1.5
CROWDED_POINTS = 150

# reportlab checks every attribute set on a shape against its type map, a development aid
# that costs about a tenth of a ten-year report's time; the shapes here are built from typed
# values (mypy checks them), so the check is off for the process once the report is loaded.
rl_config.shapeChecking = 0


def _drawing(width: float, height: float) -> Drawing:
    """A drawing whose default font is the embedded one (reportlab would start in Helvetica)."""
    drawing = Drawing(width, height)
    drawing.initialFontName = REGULAR
    return drawing


def _span_days(period: Period) -> tuple[date, date]:
    """The x range: the period, padded when it is a single day or a few days."""
    first, last = period.start, period.end + timedelta(days=1)
    if (last - first).days < 14:
        first -= timedelta(days=7)
        last += timedelta(days=7)
    # A little room at both ends keeps the first and last results off the axes.
    pad = timedelta(days=max(2, round((last - first).days * 0.03)))
    return first - pad, last + pad


def value_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round values from `low` to `high` (about `count` of them)."""
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value <= high + step * 1e-9:
        if value >= low - step * 1e-9:
            ticks.append(round(value, 10))
        value += step
    return ticks


def _fit(text: str, font: str, size: float, width: float) -> str:
    """`text` shortened with an ellipsis so it fits `width` points."""
    if stringWidth(text, font, size) <= width:
        return text
    # The longest prefix that fits, found by halving (a name of 100,000 characters must not
    # take one measurement per character).
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if stringWidth(text[:middle] + "…", font, size) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low] + "…"


class _XScale:
    def __init__(self, first: date, last: date, left: float, right: float) -> None:
        self.first, self.last = first, last
        self.left, self.right = left, right
        self.days = max(1, (last - first).days)

    def __call__(self, day: date) -> float:
        offset = (day - self.first).days + 0.5
        return self.left + (self.right - self.left) * offset / self.days

    def clamp(self, day: date) -> float:
        return min(self.right, max(self.left, self(day)))


def _lanes(
    group: Group,
    spans: Sequence[MedicationSpan],
    x: _XScale,
    top: float,
    label_right: float,
    lane_height: float = LANE_HEIGHT,
    font_size: float = 7.0,
    step_labels: bool = False,
) -> float:
    """Draw one lane per medication below `top`; returns the y of the lanes' bottom."""
    y = top
    for span in spans:
        y -= lane_height + LANE_GAP
        start_x = x.clamp(span.start)
        end_day = span.end if span.end is not None else x.last
        end_x = x.clamp(end_day)
        if end_x > start_x:
            group.add(
                Rect(
                    start_x, y, end_x - start_x, lane_height, fillColor=LANE_FILL, strokeColor=None
                )
            )
            # A change of dose or schedule: a white notch across the lane.
            notches = [x(step_day) for step_day, _label in span.steps[1:]]
            notches = [notch for notch in notches if start_x < notch < end_x]
            strokes(
                group,
                [(notch, y, notch, y + lane_height) for notch in notches],
                strokeColor=colors.white,
                strokeWidth=1.4,
            )
        # A medication typed in Chinese, Japanese or Korean needs the CJK font.
        name_font = (cjk_font() or REGULAR) if has_cjk(span.name) else REGULAR
        name = _fit(visual_order(span.name), name_font, font_size, label_right - 2)
        group.add(
            String(
                label_right - 2,
                y + (lane_height - font_size) / 2 + 0.8,
                name,
                fontName=name_font,
                fontSize=font_size,
                textAnchor="end",
            )
        )
        if step_labels:
            for index, (step_day, label) in enumerate(span.steps):
                step_x = x.clamp(step_day)
                next_x = x.right
                if index + 1 < len(span.steps):
                    next_x = x.clamp(span.steps[index + 1][0])
                if span.end is not None:
                    next_x = min(next_x, x.clamp(span.end))
                room = max(0.0, next_x - step_x - 3)
                if room < 20:
                    continue
                group.add(
                    String(
                        step_x + 2,
                        y + (lane_height - font_size) / 2 + 1,
                        _fit(label, REGULAR, font_size, room),
                        fontName=REGULAR,
                        fontSize=font_size,
                        fillColor=colors.white,
                    )
                )
    return y


def _date_axis(group: Group, x: _XScale, y: float, font_size: float, max_ticks: int) -> None:
    ticks = [(x(tick_day), label) for tick_day, label in date_ticks(x.first, x.last, max_ticks)]
    strokes(
        group,
        [(tick_x, y, tick_x, y - 2) for tick_x, _label in ticks],
        strokeColor=colors.black,
        strokeWidth=0.5,
    )
    for tick_x, label in ticks:
        group.add(
            String(
                tick_x,
                y - 2 - font_size,
                label,
                fontName=REGULAR,
                fontSize=font_size,
                textAnchor="middle",
            )
        )


def small_multiple(
    series: ChartSeries,
    spans: Sequence[MedicationSpan],
    period: Period,
    width: float,
    height: float,
) -> Drawing:
    """One trend chart: title, target band, points, and a lane per medication below."""
    drawing = _drawing(width, height)
    group = Group()
    left, right = 52.0, width - 6.0
    title_size, tick_size = 8.0, 7.0
    lanes_height = len(spans) * (LANE_HEIGHT + LANE_GAP)
    bottom = 4 + tick_size + 4 + lanes_height + 3
    top = height - title_size - 6
    group.add(
        String(left, height - title_size - 1, series.label, fontName=BOLD, fontSize=title_size)
    )
    group.add(
        String(
            right,
            height - title_size - 1,
            unit(series.unit),
            fontName=REGULAR,
            fontSize=7,
            textAnchor="end",
        )
    )
    first, last = _span_days(period)
    x = _XScale(first, last, left, right)
    values = [point.value for point in series.points]
    for bound in (series.band_low, series.band_high, series.reference):
        if bound is not None:
            values.append(bound)
    high = max(values) * 1.12 if values else 1.0
    low = 0.0 if not values or min(values) >= 0 else min(values) * 1.12
    ticks = value_ticks(low, high)
    low, high = min(low, ticks[0]), max(high, ticks[-1])

    def y_of(value: float) -> float:
        return bottom + (top - bottom) * (value - low) / (high - low)

    # Grid and value labels.
    strokes(
        group,
        [(left, y_of(tick), right, y_of(tick)) for tick in ticks],
        strokeColor=GRID,
        strokeWidth=0.4,
    )
    for tick in ticks:
        group.add(
            String(
                left - 3,
                y_of(tick) - 2,
                number(tick),
                fontName=REGULAR,
                fontSize=tick_size,
                textAnchor="end",
            )
        )
    # The target band: shaded between its bounds, an open end runs to the edge of the plot.
    if series.band_low is not None or series.band_high is not None:
        band_bottom = y_of(series.band_low) if series.band_low is not None else bottom
        band_top = y_of(series.band_high) if series.band_high is not None else top
        band_top = min(band_top, top)
        group.add(
            Rect(
                left,
                band_bottom,
                right - left,
                band_top - band_bottom,
                fillColor=BAND_FILL,
                strokeColor=None,
            )
        )
        for bound in (series.band_low, series.band_high):
            if bound is not None and y_of(bound) <= top:
                by = y_of(bound)
                group.add(
                    Line(
                        left,
                        by,
                        right,
                        by,
                        strokeColor=LINE,
                        strokeWidth=0.6,
                        strokeDashArray=[2, 2],
                    )
                )
    if series.reference is not None:
        ry = y_of(series.reference)
        group.add(
            Line(
                left,
                ry,
                right,
                ry,
                strokeColor=colors.black,
                strokeWidth=0.7,
                strokeDashArray=[4, 2],
            )
        )
        group.add(
            String(
                right - 1,
                ry + 1.5,
                series.reference_label,
                fontName=REGULAR,
                fontSize=7,
                textAnchor="end",
            )
        )
    # Medication starts and stops as dotted verticals, so a change lines up with the lanes.
    edges = [
        x(edge)
        for span in spans
        for edge in (span.start, span.end)
        if edge is not None and first <= edge <= last
    ]
    strokes(
        group,
        [(ex, bottom, ex, top) for ex in edges],
        strokeColor=LINE,
        strokeWidth=0.4,
        strokeDashArray=[1, 2],
    )
    # Axes.
    strokes(
        group,
        [(left, bottom, right, bottom), (left, bottom, left, top)],
        strokeColor=colors.black,
        strokeWidth=0.6,
    )
    # The line joining results: solid between exact values, dotted to a censored one.
    points = sorted(series.points, key=lambda point: point.day)
    trend_line(group, [(x(p.day), y_of(p.value), p.censored) for p in points])
    # Many results: smaller markers, so a decade of draws stays readable.
    radius = (
        POINT_RADIUS if len(points) <= 40 else max(1.0, POINT_RADIUS * math.sqrt(40 / len(points)))
    )
    # Hundreds of results: the line carries the in-range ones, markers show the flagged ones.
    crowded = len(points) > CROWDED_POINTS
    markers = Markers(group, radius)
    for point in points:
        px, py = x(point.day), y_of(point.value)
        if not crowded or point.censored or point.flag in ("low", "high", "below_reference"):
            markers.add(px, py, point.censored, point.flag)
        if point.annotation:
            markers.flush()
            # Written beside the point, on the side with room, so it is read on paper.
            text = f"▼ below target range {visual_order(point.annotation)}"
            size = 7.0
            room_right = right - px - 5
            anchor, tx = (
                ("start", px + 5)
                if room_right > stringWidth(text, BOLD, size)
                else (
                    "end",
                    px - 5,
                )
            )
            group.add(String(tx, py - 2, text, fontName=BOLD, fontSize=size, textAnchor=anchor))
    markers.flush()
    if not points:
        group.add(
            String(
                (left + right) / 2,
                (top + bottom) / 2,
                "no results in this period",
                fontName=REGULAR,
                fontSize=7,
                textAnchor="middle",
                fillColor=LINE,
            )
        )
    lanes_bottom = _lanes(group, spans, x, bottom - 2, left)
    _date_axis(group, x, lanes_bottom - 1, tick_size, max_ticks=5)
    drawing.add(group)
    return drawing


def medication_timeline(spans: Sequence[MedicationSpan], period: Period, width: float) -> Drawing:
    """The full-width medication timeline: one labelled lane per regimen with its doses."""
    lane_height = 11.0
    label_width = 78.0
    tick_size = 7.0
    height = len(spans) * (lane_height + LANE_GAP) + tick_size + 10
    drawing = _drawing(width, height)
    group = Group()
    first, last = _span_days(period)
    x = _XScale(first, last, label_width, width - 4)
    bottom = _lanes(
        group, spans, x, height, label_width, lane_height=lane_height, font_size=7, step_labels=True
    )
    group.add(
        Line(x.left, bottom - 1, x.right, bottom - 1, strokeColor=colors.black, strokeWidth=0.5)
    )
    _date_axis(group, x, bottom - 1, tick_size, max_ticks=8)
    drawing.add(group)
    return drawing


def legend(width: float) -> Drawing:
    """The key to the chart symbols, drawn with the same markers as the charts."""
    size = 7.0
    line_height = 11.0
    items: list[tuple[str, str]] = [
        ("in_range", "within target range"),
        ("low", "below (▼ low)"),
        ("high", "above (▲ high)"),
        ("censored", "below detection, drawn at its limit"),
        ("band", "target range"),
        ("lane", "medication taken; a notch marks a dose change"),
        ("edge", "a medication started or stopped"),
    ]
    # Lay the items out in lines that fit the width.
    lines: list[list[tuple[float, str, str]]] = [[]]
    cursor = 2.0
    for kind, text in items:
        needed = 16 + stringWidth(text, REGULAR, size) + 10
        if cursor + needed > width and lines[-1]:
            lines.append([])
            cursor = 2.0
        lines[-1].append((cursor, kind, text))
        cursor += needed
    drawing = _drawing(width, line_height * len(lines) + 2)
    group = Group()
    for row, entries in enumerate(lines):
        y = drawing.height - line_height * row - line_height / 2
        for x0, kind, text in entries:
            if kind == "band":
                group.add(
                    Rect(
                        x0,
                        y - 3,
                        12,
                        6,
                        fillColor=BAND_FILL,
                        strokeColor=LINE,
                        strokeWidth=0.4,
                        strokeDashArray=[2, 2],
                    )
                )
            elif kind == "edge":
                group.add(
                    Line(
                        x0 + 6,
                        y - 4,
                        x0 + 6,
                        y + 4,
                        strokeColor=LINE,
                        strokeWidth=0.6,
                        strokeDashArray=[1, 2],
                    )
                )
            elif kind == "lane":
                group.add(Rect(x0, y - 2.5, 12, 5, fillColor=LANE_FILL, strokeColor=None))
                group.add(
                    Line(
                        x0 + 6, y - 2.5, x0 + 6, y + 2.5, strokeColor=colors.white, strokeWidth=1.4
                    )
                )
            else:
                marker(group, x0 + 5, y, kind == "censored", kind)
            group.add(String(x0 + 16, y - 2.3, text, fontName=REGULAR, fontSize=size))
    drawing.add(group)
    return drawing
