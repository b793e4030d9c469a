"""Page 1's small trend lines: a marker's shape over the period, drawn in the report's grey."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from reportlab.graphics.shapes import Circle, Drawing, PolyLine
from reportlab.lib import colors

from fertilitytracker.services.report.chart_marks import LINE
from fertilitytracker.services.report.fonts import REGULAR


def sparkline(points: Sequence[tuple[date, float]], width: float, height: float) -> Drawing:
    """A small trend line of a marker over the period: its shape only, the latest as a dot."""
    drawing = Drawing(width, height)
    drawing.initialFontName = REGULAR
    if len(points) < 2:
        return drawing
    first, last = points[0][0], points[-1][0]
    days = max(1, (last - first).days)
    low = min(value for _day, value in points)
    high = max(value for _day, value in points)
    spread = (high - low) or 1.0

    def at(day: date, value: float) -> tuple[float, float]:
        return (
            1 + (width - 4) * (day - first).days / days,
            1.5 + (height - 3) * (value - low) / spread,
        )

    coordinates = [at(day, value) for day, value in points]
    # One path for the whole line (a decade of draws is hundreds of points).
    drawing.add(
        PolyLine(
            [c for point in coordinates for c in point],
            strokeColor=LINE,
            strokeWidth=0.6,
            strokeLineJoin=1,
        )
    )
    end_x, end_y = coordinates[-1]
    drawing.add(Circle(end_x, end_y, 1.2, fillColor=colors.black, strokeColor=None))
    return drawing
